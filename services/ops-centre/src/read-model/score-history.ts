/**
 * A risk area's score history, as the read model keeps it and the console draws it live. One module
 * for both (the console imports it by path; it depends on nothing), so that the two cannot count
 * points differently: they did once, an escalation twice.
 */

/** Points of a score history kept per area. */
export const HISTORY_CAP = 30;

export interface HistoryPoint {
  /** ISO time of the day assessed. */
  t: string;
  s: number;
  l: number;
  /** The assessment moved the level: its RiskEscalated or RiskDeescalated. */
  change?: 'escalated' | 'deescalated';
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

/**
 * Since when an area is at its level after a risk event ("Level since" on the board), for the read
 * model and the console alike. A RiskAssessed says it (`levelSince`) as early-warning knows it; one
 * from before that field keeps a known date of the same level and otherwise leaves it unknown
 * (null), never its own day: a level reached in history early-warning did not publish was shown as
 * reached the day the first later assessment arrived. A level change is dated its own day, unless
 * it repeats the level already known (the RiskAssessed of its day came first).
 */
export function levelChangedAtAfter(
  current: { level: number; levelChangedAt: string | null } | undefined,
  o: { kind: 'assessed' | 'escalated' | 'deescalated'; level: number; at: string; levelSince?: string },
): string | null {
  const known = current && current.level === o.level ? current.levelChangedAt : null;
  if (o.kind === 'assessed') return o.levelSince || known;
  return known ?? o.at;
}

/**
 * Whether a risk event is about an earlier day than the area's picture already is (`updatedAt`, the
 * day of the latest applied): such an event (a dead letter redriven days later) changes nothing, in
 * the read model or in a console that applies the stream itself.
 */
export const isOlderThan = (at: string, updatedAt: string | null | undefined): boolean => !!updatedAt && Date.parse(at) < Date.parse(updatedAt);
