/**
 * An area's risk trend, as early-warning answers it (`GET /risk`): the change of its last RiskAssessed
 * that had a previous score, rising or falling from ±2 points, steady in between. Declared here,
 * beside the events it reads, because the operations centre shows the same trend from the same
 * events; one computed its own way (first against last of a score history) contradicted it.
 */
export type RiskTrend = 'rising' | 'falling' | 'steady';

/** How far an assessment must move the score to be a trend, in score points. */
export const RISK_TREND_MIN_DELTA = 2;

/** A RiskAssessed's change of score, to one decimal; null on an area's first (no previous score). */
export const riskTrendDeltaOf = (score: number, previousScore: number | null | undefined): number | null =>
  previousScore === null || previousScore === undefined ? null : Math.round((score - previousScore) * 10) / 10;

/** The trend of a change of score; none known (no assessment with a previous score yet) is steady. */
export const riskTrendOf = (delta: number | null | undefined): RiskTrend =>
  (delta ?? 0) >= RISK_TREND_MIN_DELTA ? 'rising' : (delta ?? 0) <= -RISK_TREND_MIN_DELTA ? 'falling' : 'steady';
