import { RISK_LEVELS, type RiskLevel, type RiskParameters } from './risk-parameters';
import type { SignalSubType, SignalType } from './signal-types';

/*
 * The risk formula, per area (a country or an admin1) at the close of a day d:
 *
 *   weight of a signal   w = typeWeight(type, subType) · (1 + fatalityWeight · ln(1 + fatalities))
 *                              · (1 + severityStep · (severity − 3))
 *   recent activity      R = Σ w · e^(−age/τr)          τr = recentWindowDays (30)
 *   baseline             B = Σ w · e^(−age/τb)          τb = baselineWindowDays (365)
 *   expected             E = B · n(τr)/n(τb) / (1 − e^(−T/τb)),  n(τ) = 1/(1 − e^(−1/τ)),
 *                        T = days observed so far: B rescaled to "a usual τr-window" of the area,
 *                        corrected for a short history so a replay's first months are not a surge
 *   intensity            I = 1 − e^(−R/Rref)            Rref per country or admin1 (absolute scale)
 *   surge                S = clamp(ln((R + k)/(E + k)) / ln(ρmax), 0, 1)   (relative to own past)
 *   score                100 · (1 − (1 − I)(1 − β·S)) + Σ context points, clamped to 0..100
 *
 * Intensity makes sustained war-level violence high even when it is the area's normal; surge makes
 * a sharp rise over the area's own past count, but alone (β = 0.5) it reaches at most 50, i.e.
 * "elevated": a doubling of very little is not an alarm.
 */

export function typeWeight(p: RiskParameters, type: SignalType, subType: SignalSubType | null): number {
  const bySubType = subType === null ? undefined : p.subTypeWeights[subType];
  return bySubType ?? p.typeWeights[type];
}

export function signalWeight(p: RiskParameters, type: SignalType, subType: SignalSubType | null, fatalities: number, severity: number | null): number {
  const severityFactor = 1 + p.severityStep * ((severity ?? 3) - 3);
  return typeWeight(p, type, subType) * (1 + p.fatalityWeight * Math.log1p(Math.max(0, fatalities))) * Math.max(0, severityFactor);
}

/**
 * Weight and event count of an aggregate observation. Deaths are log-scaled per event (the mean
 * deaths per event), as for signals; deaths without events count as one event.
 */
export function observationWeight(p: RiskParameters, events: number, fatalities: number): { weight: number; count: number } {
  const count = Math.max(events, fatalities > 0 ? 1 : 0);
  if (count === 0) return { weight: 0, count: 0 };
  return { weight: count * p.aggregateEventWeight * (1 + p.fatalityWeight * Math.log1p(fatalities / count)), count };
}

export interface ScoreParts {
  readonly recent: number;
  readonly expected: number;
  readonly intensity: number;
  readonly surge: number;
  /** recent/expected after smoothing. */
  readonly ratio: number;
  /** 0..100 before context. */
  readonly base: number;
}

/** Sum of a unit-per-day stream decayed with time constant τ: the steady-state scale of an accumulator. */
export function steadyStateScale(tau: number): number {
  return 1 / (1 - Math.exp(-1 / tau));
}

export function scoreParts(p: RiskParameters, recent: number, baseline: number, daysObserved: number, intensityReference: number): ScoreParts {
  const coverage = 1 - Math.exp(-Math.max(1, daysObserved) / p.baselineWindowDays);
  const expected = ((baseline * steadyStateScale(p.recentWindowDays)) / steadyStateScale(p.baselineWindowDays)) / coverage;
  const intensity = 1 - Math.exp(-recent / intensityReference);
  const ratio = (recent + p.surgeSmoothing) / (expected + p.surgeSmoothing);
  const surge = Math.min(1, Math.max(0, Math.log(ratio) / Math.log(p.surgeSaturationRatio)));
  const base = 100 * (1 - (1 - intensity) * (1 - p.surgeWeight * surge));
  return { recent, expected, intensity, surge, ratio, base };
}

/** Position of a level, low = 0: comparisons of levels go through it. */
export const levelRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level);

/**
 * The level after a day closes with `score`, given the current level and how long it has been held.
 * Raising is immediate (to the highest level whose enter threshold is reached); lowering needs the
 * score below the current level's exit threshold and the level held for minDwellDays, and lands on
 * the highest lower level whose exit threshold the score still meets. Between exit and enter
 * nothing changes: that band is what stops flapping.
 */
export function nextLevel(p: RiskParameters, current: RiskLevel, score: number, daysAtLevel: number): RiskLevel {
  let up: RiskLevel = 'low';
  for (const level of ['elevated', 'high', 'critical'] as const) if (score >= p.thresholds[level].enter) up = level;
  if (levelRank(up) > levelRank(current)) return up;
  if (current === 'low' || score >= p.thresholds[current].exit || daysAtLevel < p.minDwellDays) return current;
  let down: RiskLevel = 'low';
  for (const level of ['elevated', 'high', 'critical'] as const) {
    if (levelRank(level) < levelRank(current) && score >= p.thresholds[level].exit) down = level;
  }
  return down;
}

export function isEscalation(from: RiskLevel, to: RiskLevel): boolean {
  return levelRank(to) > levelRank(from);
}
