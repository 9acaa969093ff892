import { encodeCursorParts, openCursor } from './opaque-cursor';

/**
 * Where a page of GET /response-times ends: whether its last row was pending when the page was read,
 * that row's escalation time (microseconds, UTC, as the query writes it) and its id. Opaque to a
 * client; base64url of a JSON array led by a version tag.
 */
export interface ResponseCursor {
  pending: boolean;
  escalatedAt: string;
  escalationId: string;
}

/**
 * r2: keyset alone. r1 (never released) also carried a database snapshot; such a cursor is refused
 * as any other this API did not write, rather than read as something it is not.
 */
const VERSION = 'r2';
/** A cursor longer than this is none this API wrote: its id is at most 500 characters. */
const MAX_CURSOR_LENGTH = 4_096;
/** As the query writes escalated_at: to_char(… AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

export const encodeResponseCursor = (c: ResponseCursor): string => encodeCursorParts(VERSION, [c.pending ? 1 : 0, c.escalatedAt, c.escalationId]);

/** A cursor this API wrote, or undefined: every part is checked here, so none reaches Postgres to fail there (a 500). */
export function decodeResponseCursor(cursor: string): ResponseCursor | undefined {
  const parts = openCursor(cursor, VERSION, 3, MAX_CURSOR_LENGTH);
  if (!parts) return undefined;
  const [pending, escalatedAt, escalationId] = parts;
  if (pending !== 0 && pending !== 1) return undefined;
  if (typeof escalatedAt !== 'string' || !isInstant(escalatedAt)) return undefined;
  // An escalation id is an event's text; Postgres refuses a NUL in text.
  if (typeof escalationId !== 'string' || escalationId.length === 0 || escalationId.length > 500 || escalationId.includes('\u0000')) return undefined;
  return { pending: pending === 1, escalatedAt, escalationId };
}

/** A real instant, not one Date.parse rolls over (Feb 30) and Postgres refuses. */
export function isInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
}
