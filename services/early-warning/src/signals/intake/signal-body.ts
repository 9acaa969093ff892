import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { DAY_AHEAD_REASON, dayLiesAhead, validateSignal, type Signal, type SignalInput, type ValidateSignalOptions } from '../../domain';

/** Fields a signal body may carry; anything else is rejected (a misspelt field silently dropped is data lost). */
export const SIGNAL_FIELDS = ['id', 'occurredAt', 'reportedAt', 'country', 'admin1', 'admin2', 'location', 'latitude', 'longitude', 'type', 'subType', 'fatalities', 'severity', 'source', 'notes'] as const;

export const MAX_BATCH = 5_000;

const NUMBER_FIELDS = ['latitude', 'longitude', 'fatalities', 'severity'] as const;

/** How far in the future (clock skew) an event may be dated before it is refused. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const at = (prefix: string, field: string): string => (prefix ? `${prefix}.${field}` : field);

/**
 * Why an event or report time is refused as lying ahead of `now`, if it is: a date-only value names a
 * UTC day, ahead until that day begins in UTC; a date-time is an instant, allowed 5 minutes of skew.
 */
const aheadReason = (raw: unknown, at: Date, now: Date): string | undefined => {
  if (typeof raw === 'string' && raw.trim().length === 10) return dayLiesAhead(at, now) ? DAY_AHEAD_REASON : undefined;
  return at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS ? 'lies in the future (more than 5 minutes ahead of the clock)' : undefined;
};

/**
 * One API signal body checked through the domain's validateSignal, plus what only the edge knows:
 * unknown fields and event dates in the future of `now`. Field names are prefixed (`items[3].country`).
 */
export function checkSignalBody(body: unknown, now: Date, options: ValidateSignalOptions = {}, prefix = ''): { signal?: Signal; violations: FieldViolation[] } {
  if (!isObject(body)) return { violations: [{ field: prefix || 'body', reason: 'must be a JSON object' }] };
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(body)) {
    if (!(SIGNAL_FIELDS as readonly string[]).includes(key)) violations.push({ field: at(prefix, key), reason: 'is not a signal field' });
  }
  // JSON has numbers: a number sent as text is the client's mistake, not something to read loosely
  // (a file's cells are text, and the domain reads those). Such a field goes to the domain as NaN, so
  // it is refused there once, and every other field is still checked.
  // A blank id reads as none, which silently gives up the (source, id) deduplication the client asked for.
  if (typeof body['id'] === 'string' && body['id'].trim() === '') violations.push({ field: at(prefix, 'id'), reason: 'must not be blank (leave it out to send no id)' });
  const notNumbers = NUMBER_FIELDS.filter((key) => body[key] !== undefined && body[key] !== null && typeof body[key] !== 'number');
  const input = notNumbers.length > 0 ? { ...body, ...Object.fromEntries(notNumbers.map((key) => [key, Number.NaN])) } : body;
  const result = validateSignal(input as SignalInput, options);
  if (!result.ok) violations.push(...result.violations.map((v) => ({ field: at(prefix, v.field), reason: v.reason })));
  else {
    const occurredAhead = aheadReason((body as SignalInput).occurredAt, result.value.occurredAt, now);
    if (occurredAhead) violations.push({ field: at(prefix, 'occurredAt'), reason: occurredAhead });
    // A report cannot have been made after it arrived: a typo year (2099) would stand as a report
    // time nothing could ever come after.
    const reported = (body as SignalInput).reportedAt;
    const reportedAhead = reported !== undefined && reported !== null && reported !== '' ? aheadReason(reported, result.value.reportedAt, now) : undefined;
    if (reportedAhead) violations.push({ field: at(prefix, 'reportedAt'), reason: reportedAhead });
  }
  return violations.length > 0 || !result.ok ? { violations } : { signal: result.value, violations };
}

/**
 * A batch body `{ items: [...] }` of 1..5,000 signals. All or nothing: one invalid item rejects the
 * whole request (every violation of every item is named), so a client never has to work out which
 * part of a batch was applied.
 */
export function checkBatchBody(body: unknown, now: Date, options: ValidateSignalOptions = {}): { signals?: Signal[]; violations: FieldViolation[] } {
  if (!isObject(body)) return { violations: [{ field: 'body', reason: 'must be a JSON object { items: [...] }' }] };
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(body)) if (key !== 'items') violations.push({ field: key, reason: 'is not a batch field (only items)' });
  const items = body['items'];
  if (!Array.isArray(items)) return { violations: [...violations, { field: 'items', reason: items === undefined || items === null ? 'is required: an array of signals' : 'must be an array of signals' }] };
  if (items.length === 0 || items.length > MAX_BATCH) return { violations: [...violations, { field: 'items', reason: `must hold 1 to ${MAX_BATCH} signals` }] };
  const signals: Signal[] = [];
  items.forEach((item, i) => {
    const checked = checkSignalBody(item, now, options, `items[${i}]`);
    if (checked.signal) signals.push(checked.signal);
    violations.push(...checked.violations);
  });
  return violations.length > 0 ? { violations } : { signals, violations };
}
