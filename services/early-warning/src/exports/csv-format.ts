/** One CSV column: header, HXL hashtag (https://hxlstandard.org) and how to read it from a row. */
export interface CsvColumn<R> {
  readonly header: string;
  readonly hxl: string;
  readonly value: (row: R) => unknown;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A cell of this service's export as it was before csvField made it inert: one added quote taken off. */
export const unescapeCsvText = (cell: string): string => (cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) && !NUMBER.test(cell.slice(1)) ? cell.slice(1) : cell);

/** RFC 4180 field: quoted when it holds a comma, quote or line break; dates as ISO 8601. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading = + - @ (or tab, CR) would be a formula in a spreadsheet; quote-and-prefix keeps the
  // data inert. Only a whole number is let through as it is: "-2+3+cmd|..." starts like one too.
  // Text already starting with quotes before such a character gets one more, so that
  // unescapeCsvText can take exactly the one added off (an import of the export).
  const safe = FORMULA_START.test(text) && !NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (fields: readonly unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** Header line, plus the HXL hashtag row under it when `hxl`. */
export function csvHead<R>(columns: readonly CsvColumn<R>[], hxl: boolean): string {
  return csvLine(columns.map((c) => c.header)) + (hxl ? csvLine(columns.map((c) => c.hxl)) : '');
}

export const csvRow = <R>(columns: readonly CsvColumn<R>[], row: R): string => csvLine(columns.map((c) => c.value(row)));

type Row = Record<string, unknown>;
const f = (name: string) => (r: Row) => r[name];

export const SIGNAL_CSV: readonly CsvColumn<Row>[] = [
  { header: 'id', hxl: '#event+id', value: f('id') },
  { header: 'source', hxl: '#meta+source', value: f('source') },
  { header: 'source_signal_id', hxl: '#event+id+source', value: f('sourceSignalId') },
  { header: 'occurred_at', hxl: '#date+occurred', value: f('occurredAt') },
  { header: 'reported_at', hxl: '#date+reported', value: f('reportedAt') },
  { header: 'country', hxl: '#country+code', value: f('country') },
  { header: 'admin1', hxl: '#adm1+name', value: f('admin1') },
  { header: 'admin2', hxl: '#adm2+name', value: f('admin2') },
  { header: 'location', hxl: '#loc+name', value: f('location') },
  { header: 'latitude', hxl: '#geo+lat', value: f('latitude') },
  { header: 'longitude', hxl: '#geo+lon', value: f('longitude') },
  { header: 'type', hxl: '#event+type', value: f('type') },
  { header: 'sub_type', hxl: '#event+type+sub', value: f('subType') },
  { header: 'fatalities', hxl: '#affected+killed', value: f('fatalities') },
  { header: 'severity', hxl: '#severity', value: f('severity') },
  { header: 'notes', hxl: '#description+notes', value: f('notes') },
  // Last, so that a reader taking columns by position still finds the others where they were. What
  // the row's source owes (ACLED's terms): it travels with every row, however the file is cut or joined.
  { header: 'attribution', hxl: '#meta+attribution', value: f('attribution') },
];

export const RISK_CSV: readonly CsvColumn<Row>[] = [
  { header: 'country', hxl: '#country+code', value: f('country') },
  { header: 'country_name', hxl: '#country+name', value: f('name') },
  { header: 'desk', hxl: '#region+desk', value: f('desk') },
  { header: 'admin1', hxl: '#adm1+name', value: f('admin1') },
  { header: 'score', hxl: '#indicator+risk+score', value: f('score') },
  { header: 'level', hxl: '#indicator+risk+level', value: f('level') },
  { header: 'level_since', hxl: '#date+level_since', value: f('levelSince') },
  { header: 'trend', hxl: '#indicator+risk+trend', value: f('trend') },
  { header: 'as_of', hxl: '#date+as_of', value: f('asOf') },
  // Last, as in the signals export: what the data the area's risk was built from owes (ACLED's terms).
  { header: 'attribution', hxl: '#meta+attribution', value: f('attribution') },
];
