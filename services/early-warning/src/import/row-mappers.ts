import { createHash } from 'node:crypto';
import { isCalendarDay } from '@crisis-ops/domain-kernel';
import { countryByIso3, countryByName, countryByNumeric, type Country } from '@crisis-ops/geo';
import { DAY_AHEAD_REASON, dayLiesAhead, isSignalType, outsideDesk, MAX_NOTES_LENGTH, isSubTypeOf, monthlyObservation, toWireName, validateSignal, type AggregateObservation, type Signal, type SignalInput } from '../domain';
import { readsSignalRecords, type AggregateField, type ColumnMap, type EventField, type Layout } from './import-formats';
import { unescapeCsvText } from '../exports/csv-format';
import { attributionsOfCell } from './acled-data';

export interface RowError {
  readonly kind: 'error';
  /** Line of the file the row ends on (1 = header). */
  readonly row: number;
  /** Column name as in the file; null when the row as a whole is bad. */
  readonly column: string | null;
  readonly reason: string;
}
export type ImportRecord =
  /** `attributions`: those the row's attribution cell names (attributionsOfCell), where the file has one. */
  | { readonly kind: 'signal'; readonly row: number; readonly signal: Signal; readonly attributions?: readonly string[] }
  | { readonly kind: 'observation'; readonly row: number; readonly observation: AggregateObservation }
  | RowError;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "2022-09-23", "23 September 2022", "23-Sep-2022", "2022-09-23 00:00:00.000" → "2022-09-23"; undefined otherwise. */
export function parseDay(text: string): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+Z?)?$/.exec(t);
  if (iso) return validDay(+iso[1], +iso[2], +iso[3]);
  const dmy = /^(\d{1,2})[\s-]([A-Za-z]+)[\s-](\d{4})$/.exec(t);
  if (dmy) {
    const month = parseMonth(dmy[2]);
    return month ? validDay(+dmy[3], month, +dmy[1]) : undefined;
  }
  return undefined;
}

function validDay(y: number, m: number, d: number): string | undefined {
  return isCalendarDay(y, m, d) ? `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : undefined;
}

/** 1..12 from "3", "03", "March" or "Mar"; undefined otherwise. */
export function parseMonth(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d{1,2}$/.test(t)) return +t >= 1 && +t <= 12 ? +t : undefined;
  if (t.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(t));
  return i >= 0 ? i + 1 : undefined;
}

const wholeNumber = (text: string): number | undefined => (/^\s*\d+\s*$/.test(text) ? Number(text) : undefined);

/** How far ahead (clock skew) an instant may lie before it is refused, as at the API. */
const INSTANT_AHEAD_TOLERANCE_MS = 5 * 60_000;

/** 00:00 UTC of a date written as a day ("2021-06-06"); undefined otherwise. */
function dayStart(text: string): Date | undefined {
  const t = text.trim();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(t) ? parseDay(t) : undefined;
  return day ? new Date(`${day}T00:00:00Z`) : undefined;
}

/** An ISO 8601 date-time with its zone ("2021-06-05T02:00:00.000Z", "…+01:00"); undefined otherwise. */
function isoInstant(text: string): Date | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return undefined;
  const at = new Date(t.replace(' ', 'T'));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function cell<F extends string>(cells: readonly string[], columns: ColumnMap<F>, field: F): string {
  const i = columns.index[field];
  return i === undefined ? '' : (cells[i] ?? '').trim();
}

function columnName<F extends string>(columns: ColumnMap<F>, field: F): string {
  const i = columns.index[field];
  return i === undefined ? field : columns.names[i];
}

function resolveCountryCell<F extends string>(cells: readonly string[], columns: ColumnMap<F & ('countryCode' | 'countryName')>): Country | RowErrorReason {
  const code = cell(cells, columns, 'countryCode' as F & 'countryCode');
  const name = cell(cells, columns, 'countryName' as F & 'countryName');
  if (code) {
    const byCode = /^\d+$/.test(code) ? countryByNumeric(Number(code)) : countryByIso3(code);
    // A row whose code and name disagree is wrong in one of them, and which cannot be known: taking
    // the code recorded a Benin event as Togo's without a word.
    // Only a name that is another country's own name: a loose one ("Virgin Islands", "Congo") may
    // mean the code's country, and the code then says which.
    const byName = name ? countryByName(name) : undefined;
    const exactlyAnother = byCode && byName && byName.iso3 !== byCode.iso3 && byName.name.toLowerCase() === name.toLowerCase();
    if (exactlyAnother) return { field: 'countryName', reason: `"${name}" is not the country of code ${code} (${byCode.name})` };
    if (byCode) return byCode;
    if (!name) return { field: 'countryCode', reason: `unknown country code "${code}"` };
    // A code the list lacks (ACLED gives some territories codes of its own) leaves the name to say.
    if (byName) return byName;
  }
  if (!name) return { field: 'countryName', reason: 'is empty' };
  return countryByName(name) ?? { field: 'countryName', reason: `unknown country "${name}"` };
}

interface RowErrorReason {
  field: string;
  reason: string;
}

/**
 * Why a row's country is not one its importer may record (`outsideDesk`: a job uploaded with a token
 * of a desk's region takes rows of that desk's countries only), and the cell that named it (the code,
 * unless only the name resolved it); undefined when it may, or when the import is confined to no desk.
 */
function countryOutsideDesk<F extends string>(cells: readonly string[], columns: ColumnMap<F & ('countryCode' | 'countryName')>, country: Country, desk: string | undefined): RowErrorReason | undefined {
  const reason = desk === undefined ? undefined : outsideDesk(country.iso3, desk);
  if (!reason) return undefined;
  const code = cell(cells, columns, 'countryCode' as F & 'countryCode');
  const byCode = code !== '' && (/^\d+$/.test(code) ? countryByNumeric(Number(code)) : countryByIso3(code))?.iso3 === country.iso3;
  return { field: byCode ? 'countryCode' : 'countryName', reason };
}

const UCDP_TYPES: Record<string, { type: string; subType: string }> = {
  '1': { type: 'battles', subType: 'armed_clash' },
  '2': { type: 'battles', subType: 'armed_clash' },
  '3': { type: 'violence_against_civilians', subType: 'attack' },
};

const SIGNAL_FIELD_TO_COLUMN: Record<string, EventField> = {
  occurredAt: 'date',
  reportedAt: 'reportedAt',
  country: 'countryName',
  type: 'eventType',
  subType: 'subType',
  fatalities: 'fatalities',
  admin1: 'admin1',
  admin2: 'admin2',
  location: 'location',
  latitude: 'latitude',
  longitude: 'longitude',
  notes: 'notes',
  id: 'id',
  severity: 'severity',
  source: 'rowSource',
};

/**
 * Ids for rows without one: a hash of the row's content (without any leading row-number column) plus
 * an ordinal for identical rows, so importing the same file twice yields the same ids.
 */
export class DerivedIds {
  private readonly seen = new Map<string, number>();
  next(cells: readonly string[], skipIndex: number | undefined): string {
    const hash = createHash('sha1').update(cells.filter((_, i) => i !== skipIndex).join('\u001f')).digest('base64url').slice(0, 22);
    const n = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, n);
    return n === 1 ? hash : `${hash}-${n}`;
  }
}

export type RowMapper = (cells: readonly string[], row: number) => ImportRecord[];

/** The function that turns one data row of a layout into records (a value, or one error per bad field). */
/**
 * `now` bounds the dates a row may carry: a row dated ahead (a typo year) would move its country's
 * risk engine to that day, so that every real report after it counted as years late. `desk`, when
 * given, is the only desk whose countries' rows are taken (an import job uploaded with a token of
 * that region): a row of another country is rejected naming its country cell.
 */
export function rowMapper(layout: Layout, source: string, now: Date = new Date(), desk?: string): RowMapper {
  if (layout.shape === 'aggregates') return aggregateMapper(layout.columns, source, now, desk);
  const ids = new DerivedIds();
  const rowNumberColumn = layout.columns.names.findIndex((n) => n === '');
  const isUcdp = layout.format === 'ucdp-ged';
  return (cells, row) => eventRow(layout.columns, cells, row, source, isUcdp, now, desk, () => ids.next(cells, rowNumberColumn >= 0 ? rowNumberColumn : undefined));
}

function eventRow(columns: ColumnMap<EventField>, fileCells: readonly string[], row: number, source: string, isUcdp: boolean, now: Date, desk: string | undefined, deriveId: () => string): ImportRecord[] {
  // This service's export kept text a spreadsheet would run as a formula inert: it is read back as it was.
  const cells = readsSignalRecords(columns) ? fileCells.map(unescapeCsvText) : fileCells;
  const errors: RowError[] = [];
  const fail = (field: EventField, reason: string): void => void errors.push({ kind: 'error', row, column: columnName(columns, field), reason });

  const country = resolveCountryCell(cells, columns);
  if (!('iso3' in country)) fail(country.field as EventField, country.reason);
  const outside = 'iso3' in country ? countryOutsideDesk(cells, columns, country, desk) : undefined;
  if (outside) fail(outside.field as EventField, outside.reason);
  // A date with a time of day and a zone (this service's export) is an instant and keeps its time;
  // ACLED's and most datasets' dates are days.
  const dateCell = cell(cells, columns, 'date');
  const instant = isoInstant(dateCell);
  const day = instant ? instant.toISOString().slice(0, 10) : parseDay(dateCell);
  if (!day) fail('date', `"${dateCell}" is not a date (YYYY-MM-DD, "23 September 2022" or an ISO 8601 date-time with its zone)`);
  else if (instant ? instant.getTime() > now.getTime() + INSTANT_AHEAD_TOLERANCE_MS : dayLiesAhead(new Date(`${day}T00:00:00Z`), now)) fail('date', `${dateCell} ${instant ? 'lies in the future' : DAY_AHEAD_REASON}`);

  let type: string | undefined;
  let subType: string | undefined;
  if (isUcdp) {
    const mapped = UCDP_TYPES[cell(cells, columns, 'violenceType')];
    if (!mapped) fail('violenceType', 'must be 1 (state-based), 2 (non-state) or 3 (one-sided)');
    else ({ type, subType } = mapped);
  } else {
    const label = cell(cells, columns, 'eventType');
    const wire = toWireName(label);
    if (!isSignalType(wire)) fail('eventType', `unknown event type "${label}"`);
    else {
      type = wire;
      const subLabel = cell(cells, columns, 'subType');
      const subWire = toWireName(subLabel);
      if (subWire && !isSubTypeOf(wire, subWire)) fail('subType', `"${subLabel}" is not a sub-event type of "${label}"`);
      else subType = subWire || undefined;
    }
  }
  const fatalityText = cell(cells, columns, 'fatalities');
  const fatalities = fatalityText === '' ? 0 : wholeNumber(fatalityText);
  if (fatalities === undefined) fail('fatalities', `"${fatalityText}" is not a whole number ≥ 0`);
  let reportedAt: Date | undefined;
  const stamp = cell(cells, columns, 'reportedAt');
  if (stamp) {
    const seconds = wholeNumber(stamp);
    const at = seconds === undefined ? (isoInstant(stamp) ?? dayStart(stamp)) : new Date(seconds * 1000);
    if (!at) fail('reportedAt', `"${stamp}" is not a Unix timestamp, an ISO 8601 date-time with its zone or a date`);
    else if (dayStart(stamp) ? dayLiesAhead(at, now) : at.getTime() > now.getTime() + INSTANT_AHEAD_TOLERANCE_MS) fail('reportedAt', `${stamp} ${dayStart(stamp) ? DAY_AHEAD_REASON : 'lies in the future'}`);
    else reportedAt = at;
  }
  const occurredAt = instant && day ? instant.toISOString() : day;
  const notes = [cell(cells, columns, 'notes'), cell(cells, columns, 'sources') && `Sources: ${cell(cells, columns, 'sources')}`].filter(Boolean).join(' — ');
  const input: SignalInput = {
    id: cell(cells, columns, 'sourceId') || cell(cells, columns, 'id') || deriveId(),
    source: cell(cells, columns, 'rowSource') || source,
    occurredAt,
    reportedAt: day && reportedAt && reportedAt.getTime() >= Date.parse(`${day}T00:00:00Z`) ? reportedAt : undefined,
    country: 'iso3' in country ? country.iso3 : undefined,
    admin1: cell(cells, columns, 'admin1'),
    admin2: cell(cells, columns, 'admin2'),
    location: cell(cells, columns, 'location'),
    latitude: cell(cells, columns, 'latitude'),
    longitude: cell(cells, columns, 'longitude'),
    type,
    subType,
    fatalities,
    severity: cell(cells, columns, 'severity'),
    notes: cutNotes(notes),
  };
  // The domain's checks run even when a cell already failed above, so that a row's report names every
  // bad column at once (a bad date must not hide a bad latitude); a field that failed here is not
  // reported a second time in the domain's words.
  const result = validateSignal(input);
  if (result.ok && errors.length === 0) {
    const attributions = attributionsOfCell(cell(cells, columns, 'attribution'));
    return [{ kind: 'signal', row, signal: result.value, ...(attributions.length > 0 && { attributions }) }];
  }
  const failed = new Set(errors.map((e) => e.column));
  const later = result.ok ? [] : result.violations.filter((v) => !failedBefore(v.field, failed, columns));
  return [...errors, ...later.map((v): RowError => ({ kind: 'error', row, column: columnName(columns, SIGNAL_FIELD_TO_COLUMN[v.field] ?? 'id'), reason: v.reason }))];
}

/** The cells each signal field the mapper reads and checks itself comes from. */
const SIGNAL_FIELD_SOURCES: Readonly<Record<string, readonly EventField[]>> = {
  country: ['countryCode', 'countryName'],
  occurredAt: ['date'],
  reportedAt: ['reportedAt', 'date'],
  type: ['eventType', 'violenceType'],
  subType: ['subType', 'eventType', 'violenceType'],
  fatalities: ['fatalities'],
};

/** Whether the mapper already reported a cell the field comes from (the domain's fault would repeat it). */
function failedBefore(field: string, failed: ReadonlySet<string | null>, columns: ColumnMap<EventField>): boolean {
  return (SIGNAL_FIELD_SOURCES[field] ?? []).some((f) => failed.has(columnName(columns, f)));
}

function aggregateMapper(columns: ColumnMap<AggregateField>, source: string, now: Date, desk: string | undefined): RowMapper {
  return (cells, row) => {
    const errors: RowError[] = [];
    const fail = (field: AggregateField, reason: string): void => void errors.push({ kind: 'error', row, column: columnName(columns, field), reason });
    const country = resolveCountryCell(cells, columns);
    if (!('iso3' in country)) fail(country.field as AggregateField, country.reason);
    const outside = 'iso3' in country ? countryOutsideDesk(cells, columns, country, desk) : undefined;
    if (outside) fail(outside.field as AggregateField, outside.reason);
    const year = wholeNumber(cell(cells, columns, 'year'));
    if (year === undefined) fail('year', `"${cell(cells, columns, 'year')}" is not a year`);
    const month = parseMonth(cell(cells, columns, 'month'));
    if (month === undefined) fail('month', `"${cell(cells, columns, 'month')}" is not a month (1-12 or a month name)`);
    const events = wholeNumber(cell(cells, columns, 'events'));
    if (events === undefined) fail('events', `"${cell(cells, columns, 'events')}" is not a whole number ≥ 0`);
    const fatalities = cell(cells, columns, 'fatalities') === '' ? 0 : wholeNumber(cell(cells, columns, 'fatalities'));
    if (fatalities === undefined) fail('fatalities', `"${cell(cells, columns, 'fatalities')}" is not a whole number ≥ 0`);
    if (year !== undefined && month !== undefined && month >= 1 && month <= 12 && dayLiesAhead(new Date(Date.UTC(year, month - 1, 1)), now)) {
      fail('month', `${year}-${String(month).padStart(2, '0')} lies in the future`);
    }
    // As for events: the domain's checks run on what is left, so one report names every bad column.
    const result = monthlyObservation({
      source,
      country: 'iso3' in country ? country.iso3 : '',
      admin1: cell(cells, columns, 'admin1') || null,
      admin2: cell(cells, columns, 'admin2') || null,
      year: year ?? Number.NaN,
      month: month ?? Number.NaN,
      events: events ?? Number.NaN,
      fatalities: fatalities ?? Number.NaN,
    });
    if (result.ok && errors.length === 0) return [{ kind: 'observation', row, observation: result.value }];
    const failed = new Set(errors.map((e) => e.column));
    // A country the mapper resolved always passes; one it could not resolve is reported already.
    const later = result.ok ? [] : result.violations.filter((v) => v.field !== 'country' && !failed.has(columnName(columns, v.field as AggregateField)));
    return [...errors, ...later.map((v): RowError => ({ kind: 'error', row, column: columnName(columns, v.field as AggregateField), reason: v.reason }))];
  };
}

/**
 * A row's notes (with its sources appended) within the limit: cut, and saying so with a closing "…", rather than
 * refuse an event for a long description; never inside a surrogate pair, whose half is no text
 * Postgres takes (it failed every batch of the file, the good rows' included, on every rerun).
 */
export function cutNotes(notes: string): string {
  if (notes.length <= MAX_NOTES_LENGTH) return notes;
  let cut = notes.slice(0, MAX_NOTES_LENGTH - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

