/**
 * A Postgres array literal of text or numbers, for a `$n::text[]` (or `uuid[]`, `int4[]`, …)
 * parameter: the string node-postgres builds from a JS array, built without its per-element type
 * dispatch and two regular expressions. The outbox and inbox send several such arrays of a thousand
 * elements per request, where pg's way cost a few percent of the event loop. Elements are always
 * quoted, so an empty string or the text "NULL" stays text; null and undefined are NULL.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value == null) {
      out += 'NULL';
      continue;
    }
    const text = typeof value === 'string' ? value : String(value);
    out += text.includes('\\') || text.includes('"') ? `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `"${text}"`;
  }
  return `${out}}`;
}
