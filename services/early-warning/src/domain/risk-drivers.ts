import type { AreaState } from './risk-area';
import type { ContextAdjustment } from './risk-context';
import type { RiskDriver } from './risk-events';
import type { RiskParameters } from './risk-parameters';
import type { ScoreParts } from './risk-score';
import { SIGNAL_TYPE_LABELS, type SignalType } from './signal-types';

const AGGREGATE_LABEL = 'Reported events (aggregate counts)';
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * What makes an area's score on `day` what it is (RiskDriver): the signal types and aggregates of its
 * recent activity and the context that moves it (which partition the score), then the trend over the
 * area's usual, and for a country the admin1s its activity is in. Brings the admin1s to `day` first.
 */
export function explainScore(p: RiskParameters, state: AreaState, parts: ScoreParts, score: number, adjustments: readonly ContextAdjustment[], day: number): RiskDriver[] {
  const drivers: RiskDriver[] = [];
  const own = state.area.admin1;
  const baseShare = score > 0 ? parts.base / score : 0;
  const counts = state.windowCounts();
  if (state.recent > 0) {
    for (const [key, value] of state.recentByKey) {
      if (value <= 0) continue;
      const label = key === 'aggregate' ? AGGREGATE_LABEL : SIGNAL_TYPE_LABELS[key as SignalType] ?? key;
      drivers.push({ kind: key, label, area: own, count: Math.round(counts.get(key) ?? 0), weight: round4((value / state.recent) * baseShare) });
    }
  }
  for (const a of adjustments) {
    if (a.points !== 0) drivers.push({ kind: a.kind, label: a.label, area: own, count: 0, weight: score > 0 ? round4(a.points / score) : 0 });
  }
  drivers.sort((a, b) => b.weight - a.weight || a.kind.localeCompare(b.kind));
  if (parts.base > 0 && parts.surge > 0) {
    const trendShare = (parts.base - 100 * parts.intensity) / parts.base;
    drivers.push({ kind: 'trend', label: `recent activity ${parts.ratio.toFixed(1)}× the area's usual`, area: own, count: Math.round(state.windowTotal()), weight: round4(trendShare * baseShare) });
  }
  if (own === null && state.recent > 0) {
    const areas = [...state.children.values()]
      .map((child) => {
        // A country is assessed before its admin1s: bring each to this day's window first, or its
        // count would still include the day that just left the window.
        child.decayTo(day);
        child.pruneWindow(day, p.recentWindowDays);
        return { child, share: child.recent / state.recent };
      })
      .filter((x) => x.share > 0)
      .sort((a, b) => b.share - a.share || (a.child.area.admin1 as string).localeCompare(b.child.area.admin1 as string))
      .slice(0, p.maxAreaDrivers);
    for (const { child, share } of areas) {
      drivers.push({ kind: 'area', label: child.area.admin1 as string, area: child.area.admin1, count: Math.round(child.windowTotal()), weight: round4(share * baseShare) });
    }
  }
  return drivers;
}
