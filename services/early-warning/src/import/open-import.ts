import type { Readable } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { ImportFormatError, resolveLayout, type ImportFormat, type Layout } from './import-formats';
import { rowMapper, type ImportRecord, type RowError } from './row-mappers';

export interface ImportOptions {
  /** 'auto' (default) detects the format from the header. */
  readonly format?: ImportFormat | 'auto';
  /** Signal/observation source; defaults per format ('acled', 'ucdp-ged', …). */
  readonly source?: string;
}

export interface OpenedImport {
  readonly format: ImportFormat;
  readonly layout: Layout;
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

type Parsed = { record: string[]; info: Info };

/**
 * Reads the header (and the HXL tag row if any) of a CSV stream, resolves its layout, and returns
 * the records as an async iterable that parses the rest row by row: the file is never held in
 * memory, and the input is paused while the consumer is busy (back-pressure through the stream).
 * Throws ImportFormatError when the header does not fit the requested or any known format.
 * Rows the CSV parser cannot read are reported as row errors and skipped.
 */
export async function openImport(input: Readable, options: ImportOptions = {}): Promise<OpenedImport> {
  const skipped: RowError[] = [];
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err: CsvError | undefined) => {
      const line = typeof err?.['lines'] === 'number' ? (err['lines'] as number) : 0;
      skipped.push({ kind: 'error', row: line, column: null, reason: `unreadable CSV row: ${err?.message ?? 'parse error'}` });
      return undefined;
    },
  });
  input.on('error', (err) => parser.destroy(err));
  const iterator = (input.pipe(parser) as AsyncIterable<Parsed>)[Symbol.asyncIterator]();

  const first = await iterator.next();
  if (first.done) {
    parser.destroy();
    throw new ImportFormatError('the file is empty');
  }
  const header = first.value.record;
  const secondResult = await iterator.next();
  const second = secondResult.done ? undefined : secondResult.value;
  let layout: Layout;
  try {
    layout = resolveLayout(header, second?.record, options.format ?? 'auto');
  } catch (err) {
    parser.destroy();
    input.destroy();
    throw err;
  }
  const map = rowMapper(layout, options.source ?? DEFAULT_SOURCE[layout.format]);

  async function* records(): AsyncGenerator<ImportRecord> {
    try {
      if (second && layout.dataStartsAtRecord <= 2) {
        yield* map(second.record, second.info.lines);
      }
      if (secondResult.done) return;
      for (;;) {
        const next = await iterator.next();
        while (skipped.length > 0) yield skipped.shift() as RowError;
        if (next.done) return;
        const { record, info } = next.value;
        if (record.every((c) => c.trim() === '')) continue;
        yield* map(record, info.lines);
      }
    } finally {
      parser.destroy();
    }
  }
  return { format: layout.format, layout, records: records() };
}
