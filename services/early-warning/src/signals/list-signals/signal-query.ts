import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { INSTANT_FORMS, parseInstant, unencodedPlusHint } from '@crisis-ops/domain-kernel';
import { platformIso3 } from '@crisis-ops/geo';
import { isSignalType } from '../../domain';
import { countryCodeViolations, exerciseCodeViolations } from '../country-param';

export interface SignalFilter {
  readonly country?: string;
  readonly type?: string;
  readonly source?: string;
  /** occurredAt ≥ from */
  readonly from?: Date;
  /** occurredAt < to */
  readonly to?: Date;
}

export interface SignalQuery extends SignalFilter {
  readonly limit: number;
  /** Signals older (in recording order) than this cursor. */
  readonly before?: bigint;
}

export const encodeCursor = (seq: string | bigint): string => Buffer.from(`s:${seq}`).toString('base64url');

const MAX_SEQ = 9_223_372_036_854_775_807n; // Postgres bigint

export function decodeCursor(cursor: string): bigint | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^s:\d{1,19}$/.test(text)) return undefined;
  const seq = BigInt(text.slice(2));
  return seq <= MAX_SEQ ? seq : undefined;
}

/**
 * Query string → filter, or every violation (400). `exerciseCountries`: whether the deployment takes
 * exercise codes (EXERCISE_COUNTRIES); where it does not, one named by `country` is refused, as /risk refuses it.
 */
export function parseSignalQuery(q: Record<string, string | undefined>, exerciseCountries: boolean, maxLimit = 1000): { query?: SignalQuery; violations: FieldViolation[] } {
  const v: FieldViolation[] = [];
  // `?source=a&source=b` arrives as an array: matched as one text, it answered nothing, and silently.
  const repeated = Object.keys(q).filter((k) => Array.isArray(q[k]));
  if (repeated.length > 0) return { violations: repeated.map((field) => ({ field, reason: 'must be given once' })) };
  if (q.source !== undefined && (q.source.length < 1 || q.source.length > 100)) v.push({ field: 'source', reason: 'must be 1 to 100 characters (an empty filter would match every source)' });
  // Digits only: Number() also took "1e2", "0x10" and "5.0" as counts nobody wrote.
  const limit = q.limit === undefined ? 100 : /^\d{1,5}$/.test(q.limit) ? Number(q.limit) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) v.push({ field: 'limit', reason: `must be an integer from 1 to ${maxLimit}` });
  // Checked as /risk checks its country: a code that names none ("BKF") answered an empty list, as if it had no signals.
  if (q.country !== undefined) {
    const faults = countryCodeViolations(q.country);
    v.push(...(faults.length > 0 ? faults : exerciseCodeViolations(q.country, exerciseCountries)));
  }
  if (q.type !== undefined && !isSignalType(q.type)) v.push({ field: 'type', reason: 'is not a signal type' });
  const from = q.from === undefined ? undefined : boundInstant(q.from);
  if (q.from !== undefined && !from) v.push({ field: 'from', reason: `must be an ISO 8601 date or date-time (${INSTANT_FORMS})${unencodedPlusHint(q.from)}` });
  const to = q.to === undefined ? undefined : boundInstant(q.to);
  if (q.to !== undefined && !to) v.push({ field: 'to', reason: `must be an ISO 8601 date or date-time (${INSTANT_FORMS})${unencodedPlusHint(q.to)}` });
  // `to` is exclusive: from ≥ to can match nothing, and answered an empty list as if there were none.
  if (from && to && from.getTime() >= to.getTime()) v.push({ field: 'to', reason: 'must be later than from' });
  const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (q.cursor !== undefined && before === undefined) v.push({ field: 'cursor', reason: 'is not a cursor this API returned' });
  if (v.length > 0) return { violations: v };
  return { query: { limit, country: q.country === undefined ? undefined : platformIso3(q.country), type: q.type, source: q.source, from, to, before }, violations: v };
}

/**
 * A `from` or `to` bound, to the millisecond signals are stored to: a finer one (Python's isoformat
 * gives microseconds) is rounded up, which is exact for both (`occurredAt ≥ from`, `occurredAt < to`,
 * occurredAt whole milliseconds). Cut down, `to=…00.0005Z` left out a signal of 00.000, earlier than
 * it, and `from=…00.0001Z` let one in.
 */
function boundInstant(text: string): Date | undefined {
  const at = parseInstant(text);
  const finer = /\.\d{3}(\d+)/.exec(text)?.[1];
  return at && finer && /[1-9]/.test(finer) ? new Date(at.getTime() + 1) : at;
}

/** SQL WHERE of a filter (newest first by seq), with its parameters. */
export function signalWhere(f: SignalQuery | SignalFilter, before?: bigint): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.country) add('country = ?', f.country);
  if (f.type) add('type = ?', f.type);
  if (f.source) add('source = ?', f.source);
  if (f.from) add('occurred_at >= ?', f.from);
  if (f.to) add('occurred_at < ?', f.to);
  if (before !== undefined) add('seq < ?', before.toString());
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

// Callers must ORDER BY signals.seq: a bare `seq` would name the text alias below and sort as text.
export const SIGNAL_COLUMNS = `id, source, source_signal_id AS "sourceSignalId", country, admin1, admin2, location, latitude, longitude, type,
  sub_type AS "subType", occurred_at AS "occurredAt", reported_at AS "reportedAt", fatalities, severity, notes, origin,
  recorded_at AS "recordedAt", seq::text AS seq`;
