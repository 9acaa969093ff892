/**
 * Where a page of GET /response-times ends, and as of when its listing is read: the database snapshot
 * of its first page (pg_snapshot as Postgres writes it, `xmin:xmax:xip,…`), whether the last row was
 * among the pending ones then, its escalation time (microseconds, UTC, as the query writes it) and id.
 * Opaque to a client; base64url of a JSON array.
 */
export interface ResponseCursor {
  snapshot: string;
  pending: boolean;
  escalatedAt: string;
  escalationId: string;
}

const VERSION = 'r1';
const MAX_XID8 = 18_446_744_073_709_551_615n;
/** A cursor longer than this is none this API wrote: a snapshot lists the transactions in progress, a few. */
const MAX_CURSOR_LENGTH = 8_192;
/** As the query writes escalated_at: to_char(… AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

export const encodeResponseCursor = (c: ResponseCursor): string =>
  Buffer.from(JSON.stringify([VERSION, c.snapshot, c.pending ? 1 : 0, c.escalatedAt, c.escalationId])).toString('base64url');

/** A cursor this API wrote, or undefined: every part is checked here, so none reaches Postgres to fail there (a 500). */
export function decodeResponseCursor(cursor: string): ResponseCursor | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 5) return undefined;
  const [version, snapshot, pending, escalatedAt, escalationId] = parts as unknown[];
  if (version !== VERSION || (pending !== 0 && pending !== 1)) return undefined;
  if (typeof snapshot !== 'string' || !isSnapshot(snapshot)) return undefined;
  if (typeof escalatedAt !== 'string' || !isInstant(escalatedAt)) return undefined;
  // An escalation id is an event's text; Postgres refuses a NUL in text.
  if (typeof escalationId !== 'string' || escalationId.length === 0 || escalationId.length > 500 || escalationId.includes('\u0000')) return undefined;
  return { snapshot, pending: pending === 1, escalatedAt, escalationId };
}

/** A pg_snapshot as Postgres writes it: 0 < xmin ≤ xmax, the in-progress ids increasing within [xmin, xmax). */
function isSnapshot(s: string): boolean {
  const m = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20})(?:,\d{1,20})*)?$/.exec(s);
  if (!m) return false;
  const [xmin, xmax] = [BigInt(m[1]), BigInt(m[2])];
  if (xmin < 1n || xmin > xmax || xmax > MAX_XID8) return false;
  let previous = xmin - 1n;
  for (const xip of m[3] ? m[3].split(',').map(BigInt) : []) {
    if (xip <= previous || xip >= xmax) return false;
    previous = xip;
  }
  // Written back exactly as read: no leading zeros, which Postgres would not write.
  return s === `${xmin}:${xmax}:${m[3] ? m[3].split(',').map((x) => BigInt(x).toString()).join(',') : ''}`;
}

/** A real instant, not one Date.parse rolls over (Feb 30) and Postgres refuses. */
function isInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
}
