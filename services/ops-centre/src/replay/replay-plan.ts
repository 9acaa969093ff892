import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import { parseInstant, unencodedPlusHint, ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';
import { parseStreamFilter, type StreamFilter } from '../stream/stream-filter';

export interface ReplayPlan {
  readonly topics: string[];
  readonly from: Date;
  readonly speed: 'real' | 'max';
  /** Most events sent before the replay ends on its own. */
  readonly limit: number;
}

export const MAX_REPLAY_EVENTS = 50_000;
/**
 * The earliest start a replay takes: the platform's dates begin at 1900 (early-warning's signals,
 * mediation's instants), so an earlier one is a typo, named rather than replayed from the beginning.
 * A start between it and the first record kept is that first record (the beginning of the log).
 */
export const EARLIEST_REPLAY_START = new Date('1900-01-01T00:00:00Z');
/** At real speed, a quiet gap longer than this is shortened to it. */
export const MAX_REAL_GAP_MS = 5_000;

export function parseReplayPlan(q: Record<string, unknown>, now = new Date()): ReplayPlan {
  const violations: FieldViolation[] = [];
  const topics = String(q.topics ?? DOMAIN_TOPICS.join(',')).split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = topics.filter((t) => !(DOMAIN_TOPICS as readonly string[]).includes(t));
  if (!topics.length || unknown.length) violations.push({ field: 'topics', reason: `must be a comma list of ${DOMAIN_TOPICS.join(', ')}` });
  // Strict: `new Date` read "2023-02-30" as 2 March and "1" as 2001, a replay of another time than asked.
  const from = parseInstant(q.from) ?? new Date(Number.NaN);
  if (q.from === undefined) violations.push({ field: 'from', reason: 'is required: the instant to replay from, ISO 8601, e.g. 2026-11-27T06:00:00Z' });
  else if (Number.isNaN(from.getTime())) violations.push({ field: 'from', reason: `must be an ISO 8601 date or time that exists, e.g. 2026-11-27T06:00:00Z${unencodedPlusHint(q.from)}` });
  else if (from > now) violations.push({ field: 'from', reason: 'must not be in the future' });
  else if (from < EARLIEST_REPLAY_START) violations.push({ field: 'from', reason: 'must be on or after 1900-01-01' });
  const speed = String(q.speed ?? 'max');
  if (speed !== 'real' && speed !== 'max') violations.push({ field: 'speed', reason: 'must be real or max' });
  const limit = q.limit === undefined ? 10_000 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPLAY_EVENTS) violations.push({ field: 'limit', reason: `must be an integer from 1 to ${MAX_REPLAY_EVENTS}` });
  if (violations.length) throw new ValidationFailed('OPS_CENTRE.REPLAY_INVALID', violations);
  return { topics, from, speed: speed as 'real' | 'max', limit };
}

/**
 * A replay's plan and its filter, the faults of both named in one answer (OPS_CENTRE.REPLAY_INVALID,
 * or the filter's own code when only the filter is at fault), where the plan's hid the filter's.
 */
export function parseReplayQuery(q: Record<string, unknown>, now = new Date()): { plan: ReplayPlan; filter: StreamFilter } {
  const faults = (parse: () => unknown): readonly FieldViolation[] => {
    try {
      parse();
      return [];
    } catch (err) {
      if (err instanceof ValidationFailed) return err.violations;
      throw err;
    }
  };
  const planFaults = faults(() => parseReplayPlan(q, now));
  if (planFaults.length) throw new ValidationFailed('OPS_CENTRE.REPLAY_INVALID', [...planFaults, ...faults(() => parseStreamFilter(q))]);
  return { plan: parseReplayPlan(q, now), filter: parseStreamFilter(q) };
}

/**
 * At real speed an event is due when as much wall time has passed since the replay started as
 * event time since the first event, with long quiet gaps shortened.
 */
export function realSpeedDelayMs(eventTime: number, previousEventTime: number | undefined): number {
  if (previousEventTime === undefined) return 0;
  return Math.min(MAX_REAL_GAP_MS, Math.max(0, eventTime - previousEventTime));
}
