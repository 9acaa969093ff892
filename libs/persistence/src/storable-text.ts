/**
 * What Postgres cannot store in text or jsonb, though a JS string (and a proto3 string) may hold it:
 * U+0000 (text refuses it with 22021, jsonb's `\u0000` with 22P05) and an unpaired UTF-16 surrogate
 * (jsonb refuses its escape with 22P02; text would get the driver's U+FFFD anyway).
 */
// eslint-disable-next-line no-control-regex -- NUL is the very character sought
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- as above
const MAY_BE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** U+FFFD, Unicode's "a character was here that cannot be shown", for each character Postgres cannot store. */
export const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * The text with each NUL and unpaired surrogate replaced by U+FFFD; any other text (an emoji's
 * surrogate pair included) is returned as it is, the same string.
 *
 * For what a consumer stores of an event it did not write: an event is valid under its contract with
 * such a character in any string field (a description pasted from a PDF), and the producer may keep
 * it. Stored as it is, every attempt fails the same way and the event is dead-lettered, and a redrive
 * can never deliver it: the event would be lost to the consumer for one character it cannot keep.
 * Replacing it keeps the event, with a mark where the character was.
 */
export function storableText(text: string): string {
  return MAY_BE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, REPLACEMENT_CHARACTER) : text;
}

/**
 * storableText applied to every string of a JSON-like value (object keys included), for a value
 * stored as jsonb. Arrays and plain objects are copied only where something changed; a value without
 * such characters is returned as it is.
 */
export function storableJson<T>(value: T): T {
  return storable(value) as T;
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const s = storable(v);
      if (s !== v) (out ??= [...value])[i] = s;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const [sk, sv] = [storableText(k), storable(v)];
      if (sk !== k || sv !== v) changed = true;
      return [sk, sv] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
