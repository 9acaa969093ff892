/** A record of a CSV file, or a stretch of it that could not be read. `line` is where it starts (1-based). */
export type CsvRecord = { readonly fields: string[]; readonly line: number; readonly error?: undefined } | { readonly fields?: undefined; readonly line: number; readonly error: string };

/** What may separate fields: RFC 4180's comma, and what spreadsheets save "CSV" with elsewhere. */
export type CsvSeparator = ',' | ';' | '\t';

/** A record (quotes included) longer than this is refused rather than buffered without end. */
export const MAX_RECORD_CHARS = 1 << 20;

const COMMA = 44;
const SEMICOLON = 59;
const TAB = 9;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * An RFC 4180 CSV reader fed chunk by chunk (streaming: only the unfinished record is kept between
 * chunks), its fields separated by commas or by the separator given. Quoted fields may hold the
 * separator, doubled quotes and line breaks; line endings may be CRLF, LF or CR; a leading BOM is
 * dropped; blank lines are skipped; a quote inside an unquoted field is taken literally. A quoted
 * field followed by anything but the separator or a line end, or never closed, makes its record an
 * error and reading goes on at the next line.
 *
 * Why not csv-parse: on a 1,000,000-row ACLED export it spent ~10 µs a row building per-record
 * objects and stream callbacks, a sixth of the import's time budget; this loop returns each chunk's
 * records at once, about 5× faster, with identical output on the ACLED files (see the spec).
 */
export class CsvReader {
  /** The character between fields: a comma, unless the file is of another separator (separatorOf). */
  private readonly separator: number;
  private tail = '';
  private line = 1;
  private started = false;
  /** Dropping the rest of a line given up on, whose line break has not come yet. */
  private skipping = false;
  /** The last chunk ended with a CR that ended a line given up on: a LF opening this one is part of it. */
  private afterCR = false;

  constructor(separator: CsvSeparator = ',') {
    this.separator = separator.charCodeAt(0);
  }

  /** The records completed by this chunk. */
  push(chunk: string): CsvRecord[] {
    return this.read(chunk, false);
  }

  /** The last record, if the input did not end with a line break. */
  end(): CsvRecord[] {
    return this.read('', true);
  }

  private read(chunk: string, final: boolean): CsvRecord[] {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const s = this.tail.length > 0 ? this.tail + chunk : chunk;
    const n = s.length;
    const SEP = this.separator;
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    // Each pass reads one record from i; `break` leaves it unfinished for the next chunk.
    for (;;) {
      if (i >= n) break;
      if (this.skipping) {
        i = this.skipLine(s, i, n, final);
        continue;
      }
      const start = i;
      const line = this.line;
      let breaks = 0;
      const fields: string[] = [];
      let state: 'record' | 'incomplete' | 'error' = 'record';
      let error = '';
      for (;;) {
        if (s.charCodeAt(i) === QUOTE) {
          let value = '';
          let from = i + 1;
          for (;;) {
            const q = s.indexOf('"', from);
            if (q < 0) {
              state = 'incomplete';
              break;
            }
            breaks += countBreaks(s, from, q);
            if (q + 1 >= n && !final) {
              state = 'incomplete';
              break;
            }
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            value += s.slice(from, q);
            i = q + 1;
            break;
          }
          if (state !== 'record') break;
          fields.push(value);
        } else {
          let j = i;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c === SEP || c === LF || c === CR) break;
            j++;
          }
          if (j >= n && !final) {
            state = 'incomplete';
            break;
          }
          fields.push(s.slice(i, j));
          i = j;
        }
        if (i >= n) break; // end of input (final): the record ends here
        const c = s.charCodeAt(i);
        if (c === SEP) {
          i++;
          if (i >= n && !final) {
            state = 'incomplete';
            break;
          }
          if (i >= n) {
            fields.push('');
            break;
          }
          continue;
        }
        if (c === CR) {
          if (i + 1 >= n && !final) {
            state = 'incomplete';
            break;
          }
          i += s.charCodeAt(i + 1) === LF ? 2 : 1;
          breaks++;
          break;
        }
        if (c === LF) {
          i++;
          breaks++;
          break;
        }
        state = 'error';
        error = `unexpected character after a closing quote (column ${fields.length})`;
        break;
      }
      if (state === 'incomplete') {
        if (!final && n - start <= MAX_RECORD_CHARS) {
          i = start;
          break;
        }
        // A quote never closed (or a record without end): only its first line is given up, and
        // reading goes on at the next, so what follows is read (and reported) rather than swallowed.
        out.push({ line, error: final ? 'a quoted field is never closed' : `a record longer than ${MAX_RECORD_CHARS} characters` });
        i = this.skipLine(s, start, n, final);
        continue;
      }
      if (state === 'error') {
        // Likewise only the record's first line: a stray quote may have paired with one lines further
        // on, and the lines between would go with it.
        if (nextBreak(s, start, n) < 0 && !final && n - start <= MAX_RECORD_CHARS) {
          i = start;
          break;
        }
        out.push({ line, error });
        i = this.skipLine(s, start, n, final);
        continue;
      }
      this.line += breaks;
      if (!(fields.length === 1 && fields[0] === '')) out.push({ fields, line });
    }
    this.tail = i >= n ? '' : s.slice(i);
    return out;
  }

  /**
   * Gives up the line that `from` is on: where reading goes on, or the end of `s` while that line has
   * not ended (the next chunk goes on dropping it).
   */
  private skipLine(s: string, from: number, n: number, final: boolean): number {
    const next = nextBreak(s, from, n);
    this.skipping = next < 0;
    if (next < 0) return n;
    this.line += 1;
    // A CR that ends this chunk may be the first half of a CRLF.
    if (next === n - 1 && s.charCodeAt(next) === CR && !final) this.afterCR = true;
    return next + breakLength(s, next);
  }
}

/** Where the first line break (CR or LF) in s[from, to) is, or -1. */
function nextBreak(s: string, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c === LF || c === CR) return k;
  }
  return -1;
}

/** 2 for the CRLF at `at`, 1 for a lone CR or LF. */
const breakLength = (s: string, at: number): number => (s.charCodeAt(at) === CR && s.charCodeAt(at + 1) === LF ? 2 : 1);

/** Line breaks in s[from, to): CRLF, LF or a lone CR, each one. */
function countBreaks(s: string, from: number, to: number): number {
  let count = 0;
  for (let k = nextBreak(s, from, to); k >= 0; k = nextBreak(s, k + breakLength(s, k), to)) count++;
  return count;
}

const SEPARATOR_HINT = /^sep=([,;\t])(?:\r\n|\r|\n|$)/i;

/** Whether a file's first record is Excel's separator hint (`sep=;`, read with that separator), not its header. */
export const isSeparatorHint = (fields: readonly string[]): boolean => fields.length <= 2 && /^sep=[,;\t]?$/i.test(fields.join(''));

/**
 * The separator of a file, from the start of its text: the one Excel's hint names (`sep=;` as its
 * first line) if it has one, else a comma, unless its first line holds no comma
 * outside quotes and does hold semicolons (what Excel saves as "CSV" where the decimal mark is a
 * comma: French, Portuguese, Spanish locales) or tabs (Excel's "Text (Tab delimited)"). A first line
 * that has not ended within `text` is read as far as it goes.
 */
export function separatorOf(text: string): CsvSeparator {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Excel's hint for the file's separator, its first line when a tool wrote it for Excel ("sep=;").
  const hint = SEPARATOR_HINT.exec(text.slice(start, start + 8));
  if (hint) return hint[1] as CsvSeparator;
  const counts = new Map<number, number>([
    [COMMA, 0],
    [SEMICOLON, 0],
    [TAB, 0],
  ]);
  let quoted = false;
  for (let k = start; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && (c === LF || c === CR)) break;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) as number) + 1);
  }
  if ((counts.get(COMMA) as number) > 0) return ',';
  if ((counts.get(SEMICOLON) as number) > 0) return ';';
  return (counts.get(TAB) as number) > 0 ? '\t' : ',';
}
