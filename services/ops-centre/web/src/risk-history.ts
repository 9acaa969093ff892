import type { HistoryPoint, StreamItem } from './api';

/** Points of a score history, as the read model keeps them (HISTORY_CAP). */
const HISTORY_CAP = 30;

/**
 * The day a risk event assessed, as the read model takes it (its `assessedAt` or `at`, not the
 * event's own time), so what the stream brings lines up with `/risk`: a level's "since" and the
 * points of a score history.
 */
export function assessedDayOf(item: StreamItem): string {
  const { assessedAt, at } = item.payload;
  return typeof assessedAt === 'string' && assessedAt ? assessedAt : typeof at === 'string' && at ? at : item.time;
}

/** A risk event's point of the history, on the day it assessed. */
export function historyPointOf(item: StreamItem, score: number, level: number): HistoryPoint {
  const t = assessedDayOf(item);
  const change = item.name === 'risk-escalated' ? 'escalated' : item.name === 'risk-deescalated' ? 'deescalated' : undefined;
  return { t, s: score, l: level, ...(change ? { change } : {}) };
}

/**
 * One point per assessed day. Early-warning publishes an assessment that moves the level twice
 * (RiskAssessed, then RiskEscalated or RiskDeescalated of the same day), and assesses a day still
 * open as its reports come in, each superseding the one before, until the day closes: the day's
 * point is its latest assessment, marked with any change of level it brought.
 */
export function withPoint(history: readonly HistoryPoint[], point: HistoryPoint): HistoryPoint[] {
  const last = history.at(-1);
  if (last && Date.parse(last.t) === Date.parse(point.t)) {
    const change = point.change ?? last.change;
    const { change: _dropped, ...latest } = point;
    return [...history.slice(0, -1), { ...latest, ...(change ? { change } : {}) }];
  }
  return [...history, point].slice(-HISTORY_CAP);
}
