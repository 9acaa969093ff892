/**
 * The envelope of this API's page cursors: base64url of a JSON array led by a version tag. Each
 * listing checks its own parts; this only opens the envelope, refusing what cannot be one.
 */
export const encodeCursorParts = (version: string, parts: readonly unknown[]): string => Buffer.from(JSON.stringify([version, ...parts])).toString('base64url');

/** The parts after the version tag, or undefined for anything but a `version` cursor of `arity` parts no longer than `maxLength`. */
export function openCursor(cursor: string, version: string, arity: number, maxLength: number): unknown[] | undefined {
  if (cursor.length === 0 || cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== arity + 1 || parts[0] !== version) return undefined;
  return parts.slice(1);
}
