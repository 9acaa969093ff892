import type { RiskLevel } from './risk-parameters';

/**
 * One reason a score is what it is (mirrors common.v1.RiskDriver). Drivers of kind = a signal type,
 * "aggregate" (typeless counts) or a context kind partition the score: their weights sum to 1.
 * Drivers of kind "area" (where the activity is, national assessments only) and "trend" (how much
 * of the score comes from the rise over the baseline) break the same score down along another axis,
 * so each of those sums to at most 1 on its own.
 */
export interface RiskDriver {
  readonly kind: string;
  readonly label: string;
  /** The admin1 the driver is about; null for the whole assessed area. */
  readonly area: string | null;
  /** Signals (or aggregate events) behind the driver within the recent window. */
  readonly count: number;
  /** Share of the score, 0..1 (negative for context that lowers it). */
  readonly weight: number;
}

interface AreaEventBase {
  readonly country: string;
  /** Null for a national assessment. */
  readonly admin1: string | null;
  readonly score: number;
  readonly drivers: readonly RiskDriver[];
  /** First day of the recent window, 00:00 UTC. */
  readonly windowStart: Date;
  /** Day after the assessed day, 00:00 UTC (exclusive). */
  readonly windowEnd: Date;
  /** Whether subscribers are told (published); only an engine given an Announcing (live) says. */
  readonly announced?: boolean;
}

/** The score of an area moved materially (or was assessed for the first time). */
export interface RiskAssessed extends AreaEventBase {
  readonly type: 'RiskAssessed';
  readonly level: RiskLevel;
  readonly previousScore: number | null;
  /** The assessed day (00:00 UTC); the assessment includes every signal of that day. */
  readonly assessedAt: Date;
  /** The day (00:00 UTC) the area entered `level`: the assessed day when this assessment changed it. */
  readonly levelSince: Date;
}

export interface RiskLevelChange extends AreaEventBase {
  readonly type: 'RiskEscalated' | 'RiskDeescalated';
  /**
   * For an escalation its own id; for a de-escalation the id of the escalation it reverses. In one
   * told, an escalation subscribers were told (which a replay, reversing the area's own, may name otherwise).
   */
  readonly escalationId: string;
  /**
   * The level before the change. In a change told (`announced`), the level subscribers had been told:
   * history told to no one may have moved the area since (RiskEngine.assess), and they hold what they
   * were told, so a replay, which tells nothing, may read another one.
   */
  readonly previousLevel: RiskLevel;
  readonly newLevel: RiskLevel;
  readonly at: Date;
  /** Told now of a change that happened on `at` in history told to no one (a live engine's, see RiskEngine.assess). */
  readonly toldLate?: boolean;
}

export type RiskEvent = RiskAssessed | RiskLevelChange;
