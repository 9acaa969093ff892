// Early-warning's own rule (it depends on nothing), so the console says the trend early-warning says.
import { riskTrendDeltaOf, riskTrendOf, type RiskTrend } from '../../../../libs/contracts/src/risk-trend';

/**
 * An area's trend once a live risk event (its short name and payload) is applied, as `/risk` answers
 * it: early-warning's, the score change of the last RiskAssessed that had a previous score. An
 * escalation or de-escalation, or an area's first assessment, leaves it as it was.
 */
export function trendAfter(prev: { trendDelta: number } | undefined, name: string, payload: Record<string, unknown>): { trend: RiskTrend; trendDelta: number } {
  const { score, previousScore } = payload;
  const delta = name === 'risk-assessed' && typeof score === 'number' && typeof previousScore === 'number' ? riskTrendDeltaOf(score, previousScore) : null;
  const trendDelta = delta ?? prev?.trendDelta ?? 0;
  return { trend: riskTrendOf(trendDelta), trendDelta };
}
