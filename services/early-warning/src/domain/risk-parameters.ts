import type { FieldViolation } from '@crisis-ops/domain-kernel';
import type { SignalSubType, SignalType } from './signal-types';
import type { Validated } from './signal';

export const RISK_LEVELS = ['low', 'elevated', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Enter a level at `enter` or above; leave it only below `exit` (exit < enter: the hysteresis band). */
export interface LevelThreshold {
  readonly enter: number;
  readonly exit: number;
}

/** Every tunable of the risk model, in one place (see docs/risk-model.md for the formula). */
export interface RiskParameters {
  /** Time constant τr of the recent activity, in days: an event weighs e^(−age/τr). */
  readonly recentWindowDays: number;
  /** Time constant τb of the area's own baseline, in days. */
  readonly baselineWindowDays: number;
  /** Weight of one signal of each type before fatalities and severity. */
  readonly typeWeights: Readonly<Record<SignalType, number>>;
  /** Overrides of the type weight for particular sub-types. */
  readonly subTypeWeights: Readonly<Partial<Record<SignalSubType, number>>>;
  /** Weight of one event of an aggregate observation (types unknown; political violence). */
  readonly aggregateEventWeight: number;
  /** Fatalities multiply a signal's weight by 1 + fatalityWeight · ln(1 + fatalities). */
  readonly fatalityWeight: number;
  /** Severity s (1..5) multiplies the weight by 1 + severityStep · (s − 3); unknown counts as 3. */
  readonly severityStep: number;
  /** Recent activity at which the intensity term reaches 1 − 1/e ≈ 0.63, for a country. */
  readonly countryIntensityReference: number;
  /** The same for an admin1 area (smaller areas need less activity to be alarming). */
  readonly admin1IntensityReference: number;
  /**
   * Per-country intensity references (alpha-3 → R), for countries whose size makes the common
   * absolute scale unfit (e.g. scaled by population once a population source exists). Empty by default.
   */
  readonly countryIntensityOverrides: Readonly<Record<string, number>>;
  /** Pseudo-activity k added to recent and baseline before taking their ratio, so tiny counts do not surge. */
  readonly surgeSmoothing: number;
  /** Ratio recent/baseline at which the surge term saturates at 1. */
  readonly surgeSaturationRatio: number;
  /** How much a full surge adds: score = 1 − (1 − intensity)(1 − surgeWeight · surge). */
  readonly surgeWeight: number;
  readonly thresholds: Readonly<Record<Exclude<RiskLevel, 'low'>, LevelThreshold>>;
  /** Days an area stays at a level before it may be lowered (raising is immediate). */
  readonly minDwellDays: number;
  /** A RiskAssessed is emitted when the score moved by at least this much since the last one. */
  readonly materialDelta: number;
  /** Assess admin1 areas as well as countries. */
  readonly assessAdmin1: boolean;
  /** How many admin1 areas a national assessment names as drivers. */
  readonly maxAreaDrivers: number;
}

export const DEFAULT_RISK_PARAMETERS: RiskParameters = Object.freeze({
  recentWindowDays: 30,
  baselineWindowDays: 365,
  typeWeights: {
    battles: 1,
    explosions_remote_violence: 1,
    violence_against_civilians: 1,
    riots: 0.5,
    protests: 0.15,
    strategic_developments: 0.3,
    displacement: 0.6,
    hate_speech: 0.4,
    political_crisis: 1,
    election_violence: 0.8,
  },
  subTypeWeights: {
    non_state_actor_overtakes_territory: 1.5,
    suicide_bomb: 1.3,
    chemical_weapon: 1.5,
    sexual_violence: 1.2,
    abduction_forced_disappearance: 0.8,
    peaceful_protest: 0.05,
    protest_with_intervention: 0.2,
    excessive_force_against_protesters: 0.8,
    mob_violence: 0.6,
    violent_demonstration: 0.4,
    // An agreement is context (it lowers risk), not activity; see RiskContextProvider.
    agreement: 0,
    arrests: 0.2,
    looting_property_destruction: 0.4,
    headquarters_or_base_established: 0.5,
    non_violent_transfer_of_territory: 0.5,
    other: 0.2,
    coup: 2,
    attempted_coup: 1.5,
  },
  aggregateEventWeight: 1,
  fatalityWeight: 1,
  severityStep: 0.25,
  countryIntensityReference: 150,
  admin1IntensityReference: 60,
  countryIntensityOverrides: {},
  surgeSmoothing: 10,
  surgeSaturationRatio: 4,
  surgeWeight: 0.5,
  thresholds: {
    elevated: { enter: 35, exit: 25 },
    high: { enter: 60, exit: 50 },
    critical: { enter: 80, exit: 70 },
  },
  minDwellDays: 30,
  materialDelta: 5,
  assessAdmin1: true,
  maxAreaDrivers: 3,
});

/** Defaults overridden by a partial set (e.g. from config), checked for consistency. */
export function resolveRiskParameters(overrides: Partial<RiskParameters> = {}): Validated<RiskParameters> {
  const p: RiskParameters = {
    ...DEFAULT_RISK_PARAMETERS,
    ...overrides,
    typeWeights: { ...DEFAULT_RISK_PARAMETERS.typeWeights, ...overrides.typeWeights },
    subTypeWeights: { ...DEFAULT_RISK_PARAMETERS.subTypeWeights, ...overrides.subTypeWeights },
    thresholds: { ...DEFAULT_RISK_PARAMETERS.thresholds, ...overrides.thresholds },
  };
  const v: FieldViolation[] = [];
  const positive = ['recentWindowDays', 'baselineWindowDays', 'countryIntensityReference', 'admin1IntensityReference', 'surgeSmoothing', 'materialDelta'] as const;
  for (const key of positive) if (!(p[key] > 0)) v.push({ field: key, reason: 'must be > 0' });
  if (!(p.baselineWindowDays > p.recentWindowDays)) v.push({ field: 'baselineWindowDays', reason: 'must be longer than recentWindowDays' });
  if (!(p.surgeSaturationRatio > 1)) v.push({ field: 'surgeSaturationRatio', reason: 'must be > 1' });
  if (!(p.surgeWeight >= 0 && p.surgeWeight <= 1)) v.push({ field: 'surgeWeight', reason: 'must be within 0..1' });
  if (!(p.minDwellDays >= 0)) v.push({ field: 'minDwellDays', reason: 'must be ≥ 0' });
  for (const [iso3, r] of Object.entries(p.countryIntensityOverrides)) if (!(r > 0)) v.push({ field: `countryIntensityOverrides.${iso3}`, reason: 'must be > 0' });
  for (const [key, w] of Object.entries({ ...p.typeWeights, ...p.subTypeWeights })) if (!((w ?? 0) >= 0)) v.push({ field: `weights.${key}`, reason: 'must be ≥ 0' });
  let previousEnter = 0;
  for (const level of ['elevated', 'high', 'critical'] as const) {
    const t = p.thresholds[level];
    if (!(t.exit < t.enter)) v.push({ field: `thresholds.${level}`, reason: 'exit must be below enter' });
    if (!(t.enter > previousEnter && t.enter <= 100)) v.push({ field: `thresholds.${level}.enter`, reason: 'must rise with the level and be ≤ 100' });
    if (!(t.exit > 0)) v.push({ field: `thresholds.${level}.exit`, reason: 'must be > 0' });
    previousEnter = t.enter;
  }
  return v.length > 0 ? { ok: false, violations: v } : { ok: true, value: Object.freeze(p) };
}
