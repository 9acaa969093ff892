/**
 * Import formats and their detection from the header. Every format is reduced to a map from a
 * canonical field to a column index, so the row mappers do not care how a dataset names things.
 */
import { byteHex, invalidUtf8Byte, withReplacementCharacters } from '@crisis-ops/domain-kernel';

export const IMPORT_FORMATS = ['acled', 'acled-monthly', 'country-monthly', 'ucdp-ged', 'hxl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** The whole file cannot be imported as asked (unknown layout, missing required columns). */
export class ImportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

export type EventField =
  | 'id'
  | 'date'
  | 'countryName'
  | 'countryCode'
  | 'admin1'
  | 'admin2'
  | 'location'
  | 'latitude'
  | 'longitude'
  | 'eventType'
  | 'subType'
  | 'fatalities'
  | 'reportedAt'
  | 'notes'
  | 'sources'
  | 'violenceType'
  | 'severity'
  /** The source a row's signal came from, where a file says it per row (this service's HXL export). */
  | 'rowSource'
  /** That source's own id of the signal. */
  | 'sourceId'
  /** The attribution the row's data owes (this service's signals export: ACLED's, UCDP's). */
  | 'attribution';
export type AggregateField = 'countryName' | 'countryCode' | 'admin1' | 'admin2' | 'year' | 'month' | 'events' | 'fatalities';

/** Where each canonical field is, and what the column is called (for row errors). */
export interface ColumnMap<F extends string> {
  readonly index: Partial<Record<F, number>>;
  readonly names: readonly string[];
}

export type Layout =
  | { readonly shape: 'events'; readonly format: ImportFormat; readonly columns: ColumnMap<EventField>; readonly dataStartsAtRecord: number }
  | { readonly shape: 'aggregates'; readonly format: ImportFormat; readonly columns: ColumnMap<AggregateField>; readonly dataStartsAtRecord: number };

const norm = (s: string): string => s.trim().toLowerCase();

function isHxlRow(row: readonly string[] | undefined): boolean {
  if (!row) return false;
  const cells = row.map((c) => c.trim()).filter((c) => c.length > 0);
  return cells.length > 0 && cells.every((c) => c.startsWith('#'));
}

/**
 * The columns of HDX's ACLED monthly layout (Country, Admin1, Admin2, ISO3, Admin2 Pcode, Admin1
 * Pcode, Month, Year, Events, Fatalities) that a plain country-month file lacks: a file holds at
 * least one of them (HDX's national, admin1 and admin2 files all give ISO3) to be read as ACLED's.
 */
const ACLED_MONTHLY_MARKS = ['iso3', 'admin1', 'admin2', 'admin1 pcode'] as const;

/** The format a header (and, for HXL, the tag row under it) looks like; undefined when none fits. */
export function detectFormat(header: readonly string[], second?: readonly string[]): ImportFormat | undefined {
  if (isHxlRow(second)) return 'hxl';
  const cols = new Set(header.map(norm));
  if (cols.has('event_date') && cols.has('event_type')) return 'acled';
  if (cols.has('type_of_violence') && cols.has('date_start')) return 'ucdp-ged';
  if (cols.has('events') && cols.has('fatalities') && cols.has('month') && cols.has('year')) {
    if (ACLED_MONTHLY_MARKS.some((c) => cols.has(c))) return 'acled-monthly';
    if (cols.has('country')) return 'country-monthly';
  }
  return undefined;
}

function byName<F extends string>(header: readonly string[], spec: Partial<Record<F, readonly string[]>>): ColumnMap<F> {
  const lower = header.map(norm);
  const index: Partial<Record<F, number>> = {};
  for (const [field, candidates] of Object.entries(spec) as [F, readonly string[]][]) {
    const at = candidates.map((c) => lower.indexOf(c)).find((i) => i >= 0);
    if (at !== undefined) index[field] = at;
  }
  return { index, names: header.map((h) => h.trim()) };
}

/**
 * Refuses a header lacking a column (an HXL tag row lacking a tag) the format cannot do without,
 * naming the columns or tags it reads them from, as the user must write them: the canonical field
 * names ("date, eventType") are this code's, and told a person nothing they could look for in their
 * file. `required`: fields, or alternatives of fields (any one will do).
 */
function requireColumns<F extends string>(
  format: ImportFormat,
  map: ColumnMap<F>,
  spec: Partial<Record<F, readonly string[]>>,
  required: readonly (F | readonly F[])[],
  looksLike?: ImportFormat,
): void {
  const missing = required.filter((r) => (Array.isArray(r) ? r : [r]).every((f: F) => map.index[f] === undefined));
  if (missing.length === 0) return;
  const hxl = format === 'hxl';
  const names = missing.map((r) => (Array.isArray(r) ? r : [r]).flatMap((f: F) => (spec[f] ?? [f]).map(hxl ? shownHxlPattern : (c: string) => c)).join(' or ')).join(', ');
  const what = hxl
    ? `the tag row lacks required tag(s) ${names} (further attributes allowed: #date+start is a #date)`
    : `the header lacks required column(s) ${names} (names in any case)`;
  // Given explicitly for a file of another layout (a monthly file as acled): say which.
  const other = looksLike && looksLike !== format ? `; the header looks like ${looksLike}: give that format, or auto to detect it` : '';
  throw new ImportFormatError(`${format}: ${what}${other}`);
}

const ACLED_SPEC: Partial<Record<EventField, readonly string[]>> = {
  id: ['event_id_cnty'],
  date: ['event_date'],
  countryName: ['country'],
  countryCode: ['iso'],
  admin1: ['admin1'],
  admin2: ['admin2'],
  location: ['location'],
  latitude: ['latitude'],
  longitude: ['longitude'],
  eventType: ['event_type'],
  subType: ['sub_event_type'],
  fatalities: ['fatalities'],
  reportedAt: ['timestamp'],
  notes: ['notes'],
  sources: ['source'],
};

const UCDP_SPEC: Partial<Record<EventField, readonly string[]>> = {
  id: ['id'],
  date: ['date_start'],
  countryName: ['country'],
  admin1: ['adm_1'],
  admin2: ['adm_2'],
  location: ['where_coordinates'],
  latitude: ['latitude'],
  longitude: ['longitude'],
  violenceType: ['type_of_violence'],
  fatalities: ['best'],
  notes: ['conflict_name'],
};

const MONTHLY_SPEC: Partial<Record<AggregateField, readonly string[]>> = {
  countryName: ['country'],
  countryCode: ['iso3', 'iso'],
  admin1: ['admin1'],
  admin2: ['admin2'],
  year: ['year'],
  month: ['month'],
  events: ['events'],
  fatalities: ['fatalities'],
};

/**
 * The HXL disaggregation attributes of sex and age (`#affected+killed+f`: the women killed): such a
 * column holds part of a count, never the count, whatever pattern would match it otherwise.
 */
const PART = '-f-m-i-infants-children-adolescents-adults-elderly';

/**
 * HXL tag patterns per canonical field, best first (see hxlMap). As in HXL, a pattern matches a tag
 * with further attributes (`#date` matches `#date+start`); `-attr` excludes the tags having that
 * attribute: where this code reads a more specific tag as something else (`#date+reported`, the
 * report time; `#event+id+source`, the source's id; `#country+code`; `#event+type+sub`), the
 * general pattern must not take that column too. A pcode (`#adm1+code`) is no name.
 */
const HXL_EVENT_TAGS: Partial<Record<EventField, readonly string[]>> = {
  id: ['#event+id-source', '#event+code'],
  date: ['#date+occurred', '#date-reported-year-month'],
  countryName: ['#country+name', '#country-code-iso3'],
  countryCode: ['#country+code', '#country+iso3'],
  admin1: ['#adm1+name', '#adm1-code'],
  admin2: ['#adm2+name', '#adm2-code'],
  location: ['#loc+name', '#loc-code'],
  latitude: ['#geo+lat'],
  longitude: ['#geo+lon'],
  eventType: ['#event+type-sub'],
  subType: ['#event+type+sub', '#event+subtype'],
  fatalities: [`#affected+killed${PART}`],
  notes: ['#description+notes', '#description'],
  sources: ['#meta+source'],
  sourceId: ['#event+id+source'],
  attribution: ['#meta+attribution'],
};
/** What only a file of recorded signals (signalRecordColumns) is read for: other HXL files use these tags their own way. */
const HXL_RECORD_TAGS: Partial<Record<EventField, readonly string[]>> = {
  reportedAt: ['#date+reported'],
  severity: ['#severity'],
};
const HXL_AGGREGATE_TAGS: Partial<Record<AggregateField, readonly string[]>> = {
  countryName: ['#country+name', '#country-code-iso3'],
  countryCode: ['#country+code', '#country+iso3'],
  admin1: ['#adm1+name', '#adm1-code'],
  admin2: ['#adm2+name', '#adm2-code'],
  year: ['#date+year'],
  month: ['#date+month'],
  events: [`#event+num${PART}`, `#event+count${PART}`, `#indicator+events${PART}`],
  fatalities: [`#affected+killed${PART}`],
};

/** "#Adm1 +Name" → "#adm1+name", attributes sorted, so tag order and case do not matter. */
export function normalizeHxlTag(tag: string): string {
  const [base, ...attrs] = tag.toLowerCase().replace(/\s+/g, '').split('+');
  return [base, ...attrs.filter(Boolean).sort()].join('+');
}

/** A tag pattern as the user writes the tag (its exclusions are this code's, to tell tags apart). */
const shownHxlPattern = (pattern: string): string => pattern.replace(/-[^+-]*/g, '');

interface HxlTag {
  readonly hashtag: string;
  readonly attributes: ReadonlySet<string>;
}

/** A tag cell, case and spaces aside (HXL compares them so). */
function parseHxlTag(tag: string): HxlTag {
  const [hashtag, ...attributes] = tag.toLowerCase().replace(/\s+/g, '').split('+');
  return { hashtag: hashtag as string, attributes: new Set(attributes.filter(Boolean)) };
}

/** HXL's tag pattern rule: the same hashtag, every `+attribute` of the pattern, none of its `-attribute`s. */
function hxlPatternMatcher(pattern: string): { matches: (tag: HxlTag) => boolean; exact: (tag: HxlTag) => boolean } {
  const [hashtag, ...parts] = pattern.toLowerCase().split(/(?=[+-])/);
  const include = parts.filter((p) => p.startsWith('+')).map((p) => p.slice(1));
  const exclude = parts.filter((p) => p.startsWith('-')).map((p) => p.slice(1));
  const matches = (tag: HxlTag) => tag.hashtag === hashtag && include.every((a) => tag.attributes.has(a)) && !exclude.some((a) => tag.attributes.has(a));
  return { matches, exact: (tag) => matches(tag) && tag.attributes.size === include.length };
}

/**
 * Each field's column: the first of its patterns that some column's tag matches, by HXL's rule (a
 * pattern matches tags with further attributes, so `#date+start` is read where `#date` is); of the
 * columns a pattern matches, one with no further attribute, else the first. The patterns more
 * specific come first (`#date+occurred` before `#date`) and win.
 */
function hxlMap<F extends string>(names: readonly string[], tags: readonly string[], spec: Partial<Record<F, readonly string[]>>): ColumnMap<F> {
  const parsed = tags.map(parseHxlTag);
  const index: Partial<Record<F, number>> = {};
  for (const [field, patterns] of Object.entries(spec) as [F, readonly string[]][]) {
    for (const pattern of patterns) {
      const { matches, exact } = hxlPatternMatcher(pattern);
      const exactAt = parsed.findIndex(exact);
      const at = exactAt >= 0 ? exactAt : parsed.findIndex(matches);
      if (at >= 0) {
        index[field] = at;
        break;
      }
    }
  }
  return { index, names: names.map((n, i) => n.trim() || tags[i]?.trim() || `column ${i + 1}`) };
}

/** Refuses a row the file cannot be read without (its header, its HXL tags) when it holds bytes that are not UTF-8. */
function notUtf8Row(what: string, cells: readonly string[]): void {
  const at = cells.findIndex((c) => invalidUtf8Byte(c) !== undefined);
  if (at < 0) return;
  const cell = cells[at] as string;
  const shown = withReplacementCharacters([...cell].slice(0, 40).join(''));
  throw new ImportFormatError(`${what} is not valid UTF-8 text (byte ${byteHex(invalidUtf8Byte(cell) as number)} in column ${at + 1}, "${shown}"): save the file as "CSV UTF-8" and import that`);
}

/** The layout of a file: detected (format 'auto') or as given, checked against the header. */
export function resolveLayout(header: readonly string[], second: readonly string[] | undefined, requested: ImportFormat | 'auto'): Layout {
  // UTF-16 (what Excel saves as "Unicode Text") reads as UTF-8 with a NUL after every ASCII letter.
  if (header.some((c) => c.includes('\u0000'))) {
    throw new ImportFormatError('the header holds NUL characters: the file looks UTF-16 encoded (Excel\'s "Unicode Text"); save it as "CSV UTF-8" and import that');
  }
  // Latin-1 or Windows-1252 (what older Excel saves as "CSV"): names would not match, and cells are refused row by row.
  notUtf8Row('the header', header);
  const format = requested === 'auto' ? detectFormat(header, second) : requested;
  if (!format) {
    throw new ImportFormatError(`unrecognised header (${header.slice(0, 6).join(', ')}${header.length > 6 ? ', …' : ''}); pass the format explicitly: ${IMPORT_FORMATS.join(', ')}`);
  }
  switch (format) {
    case 'acled': {
      const columns = byName(header, ACLED_SPEC);
      requireColumns(format, columns, ACLED_SPEC, ['date', 'eventType', 'fatalities', ['countryCode', 'countryName']], detectFormat(header, second));
      return { shape: 'events', format, columns, dataStartsAtRecord: 2 };
    }
    case 'ucdp-ged': {
      const columns = byName(header, UCDP_SPEC);
      requireColumns(format, columns, UCDP_SPEC, ['date', 'violenceType', 'fatalities', 'countryName'], detectFormat(header, second));
      return { shape: 'events', format, columns, dataStartsAtRecord: 2 };
    }
    case 'acled-monthly':
    case 'country-monthly': {
      const columns = byName(header, MONTHLY_SPEC);
      requireColumns(format, columns, MONTHLY_SPEC, ['year', 'month', 'events', 'fatalities', ['countryCode', 'countryName']], detectFormat(header, second));
      // Asked for by name, ACLED's layout is still checked as detection checks it: a plain
      // country-month file labelled 'acled' would be recorded again, as new, under 'country-monthly'.
      const marks = header.filter((h) => (ACLED_MONTHLY_MARKS as readonly string[]).includes(norm(h))).map((h) => h.trim());
      if (format === 'acled-monthly' && marks.length === 0) {
        throw new ImportFormatError(`${format}: the header lacks required column(s) for ISO3 or Admin1 or Admin2 or Admin1 Pcode (HDX's ACLED monthly layout); a file of country, year, month, events and fatalities alone is country-monthly`);
      }
      // And the converse: HDX's ACLED file labelled 'country-monthly' was recorded under that source,
      // and again, as new, under 'acled' by an import that detected it (double-counted in risk).
      if (format === 'country-monthly' && marks.length > 0) {
        throw new ImportFormatError(`${format}: the header has ${marks.join(', ')}, column(s) of HDX's ACLED monthly layout that a country-month file lacks: the file is acled-monthly; give the format as acled-monthly, or auto to detect it`);
      }
      return { shape: 'aggregates', format, columns, dataStartsAtRecord: 2 };
    }
    case 'hxl': {
      if (!isHxlRow(second)) throw new ImportFormatError('hxl: the second row must hold the #tags');
      const tags = second as readonly string[];
      notUtf8Row('the #tag row', tags);
      const aggregates = hxlMap(header, tags, HXL_AGGREGATE_TAGS);
      const events = hxlMap(header, tags, HXL_EVENT_TAGS);
      if (aggregates.index.events !== undefined && events.index.eventType === undefined) {
        requireColumns(format, aggregates, HXL_AGGREGATE_TAGS, ['year', 'month', 'events', 'fatalities', ['countryCode', 'countryName']]);
        return { shape: 'aggregates', format, columns: aggregates, dataStartsAtRecord: 3 };
      }
      requireColumns(format, events, HXL_EVENT_TAGS, ['date', 'eventType', ['countryCode', 'countryName']]);
      return { shape: 'events', format, columns: signalRecordColumns(events, hxlMap(header, tags, HXL_RECORD_TAGS)), dataStartsAtRecord: 3 };
    }
  }
}

/**
 * A file that gives each row its source's own id (`#event+id+source`, as this service's signals
 * export does) records signals as their sources reported them: `#meta+source` is then the row's
 * source, not outlets to quote in the notes (ACLED's use of the tag), and its report time and
 * severity are read too, so that importing an export gives back the same signals under the same
 * (source, id), and importing it again adds nothing.
 */
function signalRecordColumns(columns: ColumnMap<EventField>, record: ColumnMap<EventField>): ColumnMap<EventField> {
  const { sources, ...rest } = columns.index;
  if (rest.sourceId === undefined) return columns;
  return { ...columns, index: { ...rest, ...record.index, ...(sources !== undefined && { rowSource: sources }) } };
}

/** Whether a layout reads recorded signals (signalRecordColumns): cells as this service's export wrote them. */
export const readsSignalRecords = (columns: ColumnMap<EventField>): boolean => columns.index.sourceId !== undefined;
