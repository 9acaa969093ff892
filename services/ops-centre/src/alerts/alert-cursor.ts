import { UUID_PATTERN } from '@crisis-ops/domain-kernel';
import { isInstant } from '../read-model/response-cursor';
import { encodeCursorParts, openCursor } from '../read-model/opaque-cursor';

/**
 * Where a page of GET /alerts ends: whether its last alert stood at its level (not cleared by a
 * de-escalation) when the page was read, its level, when it opened (microseconds, UTC, as the query
 * writes it) and its id. Opaque to a client; base64url of a JSON array led by a version tag.
 */
export interface AlertCursor {
  standing: boolean;
  level: number;
  openedAt: string;
  id: string;
}

/** Where a page of GET /audit ends: its last entry's id (the audit lists entries in the order they were written). */
export interface AuditCursor {
  id: string;
}

/** Each listing's own tag: a cursor of one is refused by the other, as any other this API did not write. */
const ALERTS_VERSION = 'a1';
const AUDIT_VERSION = 'u2';
/** Far longer than any cursor these write. */
const MAX_CURSOR_LENGTH = 512;
/** The largest bigint. */
const MAX_ID = 9223372036854775807n;

export const encodeAlertCursor = (c: AlertCursor): string => encodeCursorParts(ALERTS_VERSION, [c.standing ? 1 : 0, c.level, c.openedAt, c.id]);

/** A cursor GET /alerts wrote, or undefined: every part is checked here, so none reaches Postgres to fail there (a 500). */
export function decodeAlertCursor(cursor: string): AlertCursor | undefined {
  const parts = openCursor(cursor, ALERTS_VERSION, 4, MAX_CURSOR_LENGTH);
  if (!parts) return undefined;
  const [standing, level, openedAt, id] = parts;
  if (standing !== 0 && standing !== 1) return undefined;
  // smallint in the read model; an alert is opened at high or critical, but the column says no more than this.
  if (typeof level !== 'number' || !Number.isInteger(level) || level < -32768 || level > 32767) return undefined;
  if (typeof openedAt !== 'string' || !isInstant(openedAt)) return undefined;
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) return undefined;
  return { standing: standing === 1, level, openedAt, id };
}

export const encodeAuditCursor = (c: AuditCursor): string => encodeCursorParts(AUDIT_VERSION, [c.id]);

/** A cursor GET /audit wrote, or undefined (checked here, as an alert's). */
export function decodeAuditCursor(cursor: string): AuditCursor | undefined {
  const parts = openCursor(cursor, AUDIT_VERSION, 1, MAX_CURSOR_LENGTH);
  if (!parts) return undefined;
  const [id] = parts;
  // A bigserial, carried as text: a JSON number loses digits past 2^53.
  if (typeof id !== 'string' || !/^[1-9]\d{0,18}$/.test(id) || BigInt(id) > MAX_ID) return undefined;
  return { id };
}
