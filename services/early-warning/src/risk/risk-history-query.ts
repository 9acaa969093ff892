import type { FieldViolation } from '@crisis-ops/domain-kernel';

/** The kinds of a history entry (`risk_assessments.kind`): an assessment, or a level change. */
export const HISTORY_KINDS = ['assessed', 'escalated', 'deescalated'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** Which of a country's history entries one answer of `/risk/{country}` holds. */
export interface HistoryPage {
  /** At most this many entries. */
  readonly limit: number;
  /** Only entries of these kinds; every kind if absent. */
  readonly kinds?: readonly HistoryKind[];
  /** Only entries older (stored before) than the one of this id: the page after a cursor. */
  readonly before?: bigint;
}

export const MAX_HISTORY = 1000;
const MAX_ID = 9_223_372_036_854_775_807n; // Postgres bigint

/** The cursor of the page after the entry of this id (X-Next-Cursor, `historyNextCursor`). */
export const encodeHistoryCursor = (id: string | bigint): string => Buffer.from(`h:${id}`).toString('base64url');

export function decodeHistoryCursor(cursor: string): bigint | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^h:\d{1,19}$/.test(text)) return undefined;
  const id = BigInt(text.slice(2));
  return id <= MAX_ID ? id : undefined;
}

/**
 * `history`, `historyKind` and `historyCursor` → the page, or every violation. `historyKind` is a
 * comma list or given more than once (`escalated,deescalated`: the level changes only); an empty
 * one (`historyKind=`, `,`) is refused, where it would read as no filter.
 */
export function parseHistoryPage(history: string | undefined, kind: string | string[] | undefined, cursor: string | undefined): { page?: HistoryPage; violations: FieldViolation[] } {
  const v: FieldViolation[] = [];
  // Digits only: Number() took "1e1", "0x3" and "2.0" as counts nobody wrote.
  const limit = history === undefined ? 100 : /^\d{1,4}$/.test(history) ? Number(history) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) v.push({ field: 'history', reason: `must be an integer from 1 to ${MAX_HISTORY}` });
  let kinds: HistoryKind[] | undefined;
  if (kind !== undefined) {
    const named = (Array.isArray(kind) ? kind : [kind]).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
    const unknown = named.filter((k) => !(HISTORY_KINDS as readonly string[]).includes(k));
    if (named.length === 0) v.push({ field: 'historyKind', reason: `must name at least one of ${HISTORY_KINDS.join(', ')}` });
    else if (unknown.length > 0) v.push({ field: 'historyKind', reason: `must be ${HISTORY_KINDS.join(', ')} (comma list): ${unknown.map((k) => JSON.stringify(k)).join(', ')} is not` });
    else kinds = [...new Set(named as HistoryKind[])];
  }
  if (cursor !== undefined && decodeHistoryCursor(cursor) === undefined) v.push({ field: 'historyCursor', reason: 'is not a history cursor this API returned' });
  if (v.length > 0) return { violations: v };
  return { page: { limit, kinds, before: cursor === undefined ? undefined : decodeHistoryCursor(cursor) }, violations: v };
}
