import { UUID_PATTERN } from '@crisis-ops/domain-kernel';
import type { ProcessCursor } from './process.store';

/** The listing's cursor: the last process's proposal instant and id, base64url, opaque to clients. */
export const encodeCursor = (c: ProcessCursor): string => Buffer.from(`${c.proposedAt}|${c.id}`).toString('base64url');

/** A cursor this service made: the instant exactly as encodeCursor writes it, which Postgres reads as written. */
export function decodeCursor(cursor: string): ProcessCursor | undefined {
  const [proposedAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !id || !UUID_PATTERN.test(id) || !isCanonicalInstant(proposedAt)) return undefined;
  return { proposedAt, id };
}

/**
 * An instant as toISOString writes one of years 0001 to 9999. Date.parse is lenient where Postgres is
 * not ("2026-02-30" rolls over to March, "1" is 2001): a string that does not come back unchanged from
 * toISOString reached the database and was a 500. So was one that does, of an expanded year
 * (+275760-09-13…, -000001-01-01…: "time zone displacement out of range") or of year 0000 (Postgres
 * has no year 0): no process was proposed then, so no cursor this API wrote holds one.
 */
export const isCanonicalInstant = (s: string): boolean => {
  if (!/^\d{4}-/.test(s) || s.startsWith('0000-')) return false;
  const t = Date.parse(s);
  return !Number.isNaN(t) && new Date(t).toISOString() === s;
};
