import type { StreamItem } from './api';
import type { HistoryPoint } from '../../src/read-model/score-history';

// The read model's own rule, so that live points and /risk's cannot differ.
export { isOlderThan, levelChangedAtAfter, withPoint } from '../../src/read-model/score-history';

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
