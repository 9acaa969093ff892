import type { Readable } from 'node:stream';
import { byteHex, invalidUtf8Byte, Utf8EscapingDecoder } from '@crisis-ops/domain-kernel';
import { ImportFormatError, resolveLayout, type ImportFormat, type Layout } from './import-formats';
import { rowMapper, type ImportRecord, type RowError } from './row-mappers';
import { CsvReader, isSeparatorHint, separatorOf, type CsvRecord, type CsvSeparator } from './csv-reader';

export interface ImportOptions {
  /** 'auto' (default) detects the format from the header. */
  readonly format?: ImportFormat | 'auto';
  /** Signal/observation source; defaults per format ('acled', 'ucdp-ged', …). */
  readonly source?: string;
  /** Rows dated after this are refused (default: the wall clock when the file is opened). */
  readonly now?: Date;
  /**
   * The only desk whose countries' rows are taken (an import job uploaded with a token of that
   * region); rows of other countries are rejected like any bad row. None: every country.
   */
  readonly desk?: string;
}

export interface OpenedImport {
  readonly format: ImportFormat;
  readonly layout: Layout;
  /**
   * The source its records are recorded under: the one given, else the format's. (A file of recorded
   * signals may name each row's own; this is then what a row naming none is recorded under.)
   */
  readonly source: string;
  /** Valid records and row errors, in file order, one pass, streaming. */
  readonly records: AsyncIterable<ImportRecord>;
}

const DEFAULT_SOURCE: Record<ImportFormat, string> = {
  acled: 'acled',
  'acled-monthly': 'acled',
  'country-monthly': 'country-monthly',
  'ucdp-ged': 'ucdp-ged',
  hxl: 'hxl',
};

/**
 * Reads the header (and the HXL tag row if any) of a CSV stream, resolves its layout, and returns
 * the records as an async iterable that parses the rest chunk by chunk: the file is never held in
 * memory, and the input is read only as fast as the consumer takes records (back-pressure through
 * the stream's async iterator). Throws ImportFormatError when the header does not fit the requested
 * or any known format. Rows the CSV reader cannot read are reported as row errors and skipped.
 */
/**
 * Why a row does not line up with the header, or undefined. A row cut short would read its missing
 * cells as empty, and an empty fatalities cell as 0 deaths; a row with more non-empty cells than the
 * header has shifted (an unquoted comma), so its values sit under the wrong columns. Trailing empty
 * cells (a line ending in commas) change nothing.
 */
export function shapeProblem(fields: readonly string[], columns: number, separator: CsvSeparator = ','): string | undefined {
  if (fields.length < columns) return `has ${fields.length} cells, the header ${columns}: a row cut short would read its missing values as empty`;
  if (fields.length > columns && fields.slice(columns).some((c) => c.trim() !== '')) {
    return `has ${fields.length} cells, the header ${columns}: an unquoted ${SEPARATOR_NAMES[separator]} would put its values under the wrong columns`;
  }
  return undefined;
}

const SEPARATOR_NAMES: Record<CsvSeparator, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** A decimal number written with a decimal comma, as a file separated by semicolons writes it. */
const DECIMAL_COMMA = /^\s*[-+]?\d+,\d+\s*$/;

export async function openImport(input: Readable, options: ImportOptions = {}): Promise<OpenedImport> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  // Not StringDecoder: it decodes a byte that is not UTF-8 (Latin-1's "é", 0xe9) to U+FFFD, and
  // "S\xe9gou" was imported as "S�gou", a new admin area. This one marks each such byte (see
  // Utf8EscapingDecoder), so a row holding one is refused and a genuine U+FFFD (EF BF BD) imports.
  const decoder = new Utf8EscapingDecoder();
  // Made once the first text is there: the separator is the first line's (separatorOf).
  let reader: CsvReader | undefined;
  let separator = ',' as CsvSeparator;
  const read = (text: string, last = false): CsvRecord[] => {
    if (!reader) {
      separator = separatorOf(text);
      reader = new CsvReader(separator);
    }
    return last ? [...reader.push(text), ...reader.end()] : reader.push(text);
  };
  let ended = false;
  // Rows are searched for NUL only once the file has shown one: one native search per chunk otherwise.
  let sawNul = false;
  const decoded = (text: string) => {
    if (!sawNul && text.includes('\u0000')) sawNul = true;
    return text;
  };
  /** The next records of the file (several per chunk), or undefined at its end. */
  const nextRecords = async (): Promise<CsvRecord[] | undefined> => {
    if (ended) return undefined;
    for (;;) {
      const chunk = await chunks.next();
      if (chunk.done) {
        ended = true;
        return read(decoded(decoder.end()), true);
      }
      const records = read(decoded(typeof chunk.value === 'string' ? chunk.value : decoder.write(chunk.value)));
      if (records.length > 0) return records;
    }
  };
  const pending: CsvRecord[] = [];
  const next = async (): Promise<CsvRecord | undefined> => {
    while (pending.length === 0) {
      const more = await nextRecords();
      if (!more) return undefined;
      pending.push(...more);
    }
    return pending.shift();
  };
  const unreadable = (r: CsvRecord): RowError => ({ kind: 'error', row: r.line, column: null, reason: `unreadable CSV row: ${r.error}` });

  // The header and the row after it decide the layout; unreadable rows after the header are reported later.
  const early: RowError[] = [];
  let header = await next();
  // Excel's separator hint ("sep=;"), which separatorOf read the separator from, is no header.
  if (header?.fields && isSeparatorHint(header.fields)) header = await next();
  if (!header?.fields) {
    input.destroy();
    // A header the reader cannot read (a first line over the length limit, a quote never closed) is
    // no empty file, and taking the next readable row for it only made that row an "unrecognised header".
    throw new ImportFormatError(header ? `the header (line ${header.line}) cannot be read: ${header.error}` : 'the file is empty');
  }
  let second: CsvRecord | undefined;
  while ((second = await next()) && second.error) early.push(unreadable(second));
  let layout: Layout;
  try {
    layout = resolveLayout(header.fields, second?.fields, options.format ?? 'auto');
  } catch (err) {
    input.destroy();
    throw err;
  }
  const source = options.source ?? DEFAULT_SOURCE[layout.format];
  const mapFields = rowMapper(layout, source, options.now ?? new Date(), options.desk);
  const headerFields = header.fields;
  // A file separated by semicolons or tabs may come from where the decimal mark is a comma (Excel
  // writes numbers as the locale shows them): "12,3456" is the latitude 12.3456 (read as it is, it
  // was refused as no number). Only the coordinates are decimals; a comma file's cell holds none.
  const decimalCells =
    separator !== ',' && layout.shape === 'events' ? [layout.columns.index.latitude, layout.columns.index.longitude].filter((at): at is number => at !== undefined) : [];
  // No text column can hold a NUL (Postgres refuses it): stored, it failed the whole batch of its row.
  const map = (fields: string[], line: number): Iterable<ImportRecord> => {
    const short = shapeProblem(fields, headerFields.length, separator);
    if (short) return [{ kind: 'error', row: line, column: null, reason: short }];
    for (const at of decimalCells) if (DECIMAL_COMMA.test(fields[at] as string)) fields[at] = (fields[at] as string).replace(',', '.');
    const column = (at: number) => headerFields[at] ?? `column ${at + 1}`;
    // Cells are searched only once the file has shown a byte that is not UTF-8, as for NUL.
    const notUtf8 = decoder.sawInvalid ? fields.findIndex((f) => invalidUtf8Byte(f) !== undefined) : -1;
    if (notUtf8 >= 0) {
      const byte = invalidUtf8Byte(fields[notUtf8] as string) as number;
      return [{ kind: 'error', row: line, column: column(notUtf8), reason: `is not valid UTF-8 text (byte ${byteHex(byte)}): save the file as "CSV UTF-8"` }];
    }
    const at = sawNul ? fields.findIndex((f) => f.includes('\u0000')) : -1;
    if (at < 0) return mapFields(fields, line);
    return [{ kind: 'error', row: line, column: column(at), reason: 'contains a NUL character, which no text field can hold' }];
  };

  async function* records(): AsyncGenerator<ImportRecord> {
    try {
      yield* early;
      if (second?.fields && layout.dataStartsAtRecord <= 2) yield* map(second.fields, second.line);
      for (;;) {
        const batch = pending.length > 0 ? pending.splice(0) : await nextRecords();
        if (!batch) return;
        for (const r of batch) {
          if (r.fields === undefined) yield unreadable(r);
          else if (!r.fields.every((c) => c.trim() === '')) yield* map(r.fields, r.line);
        }
      }
    } finally {
      input.destroy();
    }
  }
  return { format: layout.format, layout, source, records: records() };
}
