import { INSTANT_FORMS, parseInstant, type FieldViolation } from '@crisis-ops/domain-kernel';
import { countryByIso3, isUserAssignedCountry } from '@crisis-ops/geo';
import { SIGNAL_SUB_TYPES, SIGNAL_TYPES, isSignalType, isSubTypeOf, type SignalSubType, type SignalType } from './signal-types';

/** A validated signal: something observed that bears on conflict risk. Immutable by convention. */
export interface Signal {
  /** The source's own id; with `source` it makes intake idempotent. */
  readonly id: string | null;
  readonly source: string;
  readonly occurredAt: Date;
  readonly reportedAt: Date;
  /** ISO 3166-1 alpha-3, upper case, a known country. */
  readonly country: string;
  readonly admin1: string | null;
  readonly admin2: string | null;
  readonly location: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly type: SignalType;
  readonly subType: SignalSubType | null;
  readonly fatalities: number;
  /** Reporter's severity 1 (minor) .. 5 (extreme); null when not given. */
  readonly severity: number | null;
  readonly notes: string | null;
}

/** A signal as it arrives (API body, parsed row): loosely typed, everything checked. */
export interface SignalInput {
  id?: unknown;
  source?: unknown;
  occurredAt?: unknown;
  reportedAt?: unknown;
  country?: unknown;
  admin1?: unknown;
  admin2?: unknown;
  location?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  type?: unknown;
  subType?: unknown;
  fatalities?: unknown;
  severity?: unknown;
  notes?: unknown;
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly violations: readonly FieldViolation[] };

/** A report may be dated the day after the event in another time zone; more than that is an error. */
const REPORT_BEFORE_EVENT_TOLERANCE_MS = 24 * 3600 * 1000;

/**
 * Earliest day a signal may be dated, as for monthly counts: no conflict dataset reaches further
 * back, and a typo year (0001, 1800) started its country's risk history centuries early.
 */
export const EARLIEST_SIGNAL_DAY = new Date('1900-01-01T00:00:00Z');


/**
 * A day lies in the future when it has not begun in UTC. The platform's days are UTC days (risk is
 * assessed per UTC day of the event), so a date without a time names a UTC day: one allowed to run
 * ahead of UTC (a local date in Kabul or the Pacific) set a country's risk on a day not yet begun and
 * made that day's real reports late. A local date ahead of UTC is sent as a time with its offset.
 */
export const dayLiesAhead = (dayStartUtc: Date, now: Date): boolean => dayStartUtc.getTime() > now.getTime();

/** Why a date without a time was refused as lying ahead, and what to send instead. */
export const DAY_AHEAD_REASON =
  'lies in the future: a date without a time names a UTC day, and that day has not begun in UTC (for a local date ahead of UTC, send a date-time with its offset: YYYY-MM-DDThh:mm:ss+hh:mm)';


/** A decimal number as a file writes it, spaces around allowed. */
const DECIMAL = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

class Checker {
  readonly violations: FieldViolation[] = [];
  fail(field: string, reason: string): undefined {
    this.violations.push({ field, reason });
    return undefined;
  }
  text(field: string, value: unknown, max: number, required: boolean): string | null | undefined {
    if (value === undefined || value === null || value === '') return required ? this.fail(field, 'is required') : null;
    if (typeof value !== 'string') return this.fail(field, 'must be a string');
    const trimmed = value.trim();
    if (trimmed.length === 0) return required ? this.fail(field, 'must not be blank') : null;
    if (trimmed.length > max) return this.fail(field, `must be at most ${max} characters`);
    return trimmed;
  }
  number(field: string, value: unknown, min: number, max: number, integer: boolean): number | null | undefined {
    if (value === undefined || value === null || value === '') return null;
    // A file's text must read as a plain decimal: Number() also takes "0x10" (16), "0b11" and "1e3".
    if (typeof value === 'string' && !DECIMAL.test(value)) return this.fail(field, 'must be a number');
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) return this.fail(field, 'must be a number');
    if (integer && !Number.isInteger(n)) return this.fail(field, 'must be a whole number');
    if (n < min || n > max) return this.fail(field, `must be between ${min} and ${max}`);
    return n;
  }
}

export interface ValidateSignalOptions {
  /**
   * Also accept ISO 3166-1's user-assigned alpha-3 ranges (AAA–AAZ, QMA–QZZ, XAA–XZZ,
   * ZZA–ZZZ), which never name a country:
   * exercises and end-to-end tests use it so they cannot touch a real country's risk.
   */
  readonly allowUserAssignedCountries?: boolean;
}


/**
 * Checks a signal and returns it, or every field violation at once (so a client can fix all of
 * them in one go). Defaults: reportedAt = occurredAt, fatalities = 0.
 */
/** Longest source name (`acled`, `ucdp-ged`, a monitor's name) a signal may carry. */
export const MAX_SOURCE_LENGTH = 100;
/** Longest notes a signal takes. */
export const MAX_NOTES_LENGTH = 4000;

/** Why a source given for a whole import (API field, CLI flag) cannot be used, or undefined. */
export const importSourceProblem = (source: string): string | undefined =>
  source.trim().length === 0 || source.trim().length > MAX_SOURCE_LENGTH ? `must be 1 to ${MAX_SOURCE_LENGTH} characters` : undefined;

export function validateSignal(input: SignalInput, options: ValidateSignalOptions = {}): Validated<Signal> {
  const c = new Checker();
  const id = c.text('id', input.id, 200, false);
  const source = c.text('source', input.source, MAX_SOURCE_LENGTH, true);
  const occurredAt = input.occurredAt === undefined || input.occurredAt === null || input.occurredAt === '' ? c.fail('occurredAt', 'is required') : parseInstant(input.occurredAt) ?? c.fail('occurredAt', `must be an ISO 8601 date or date-time (${INSTANT_FORMS})`);
  const reportedAt = input.reportedAt === undefined || input.reportedAt === null || input.reportedAt === '' ? occurredAt : parseInstant(input.reportedAt) ?? c.fail('reportedAt', `must be an ISO 8601 date or date-time (${INSTANT_FORMS})`);
  if (occurredAt && occurredAt < EARLIEST_SIGNAL_DAY) c.fail('occurredAt', 'must be on or after 1900-01-01');
  else if (reportedAt && reportedAt < EARLIEST_SIGNAL_DAY) c.fail('reportedAt', 'must be on or after 1900-01-01');
  if (occurredAt && reportedAt && occurredAt.getTime() - reportedAt.getTime() > REPORT_BEFORE_EVENT_TOLERANCE_MS) {
    c.fail('occurredAt', 'must not be after reportedAt');
  }
  let country: string | undefined;
  if (typeof input.country !== 'string' || input.country.length === 0) c.fail('country', 'is required');
  else if (!/^[A-Z]{3}$/.test(input.country)) c.fail('country', 'must be an ISO 3166-1 alpha-3 code in capitals, e.g. BFA');
  else if (options.allowUserAssignedCountries && isUserAssignedCountry(input.country)) country = input.country;
  else if (!countryByIso3(input.country)) c.fail('country', `${input.country} is not an ISO 3166-1 country`);
  else country = countryByIso3(input.country)?.iso3;
  const admin1 = c.text('admin1', input.admin1, 200, false);
  const admin2 = c.text('admin2', input.admin2, 200, false);
  const location = c.text('location', input.location, 200, false);
  const latitude = c.number('latitude', input.latitude, -90, 90, false);
  const longitude = c.number('longitude', input.longitude, -180, 180, false);
  if ((latitude === null) !== (longitude === null) && latitude !== undefined && longitude !== undefined) {
    c.fail(latitude === null ? 'latitude' : 'longitude', 'latitude and longitude come together or not at all');
  }
  let type: SignalType | undefined;
  if (typeof input.type !== 'string' || !isSignalType(input.type)) c.fail('type', `must be one of: ${SIGNAL_TYPES.join(', ')}`);
  else type = input.type;
  let subType: SignalSubType | null = null;
  if (input.subType !== undefined && input.subType !== null && input.subType !== '') {
    if (type && (typeof input.subType !== 'string' || !isSubTypeOf(type, input.subType))) {
      c.fail('subType', `must be one of the sub-types of ${type}: ${SIGNAL_SUB_TYPES[type].join(', ')}`);
    } else if (type) subType = input.subType as SignalSubType;
  }
  const fatalities = c.number('fatalities', input.fatalities, 0, 1_000_000, true);
  const severity = c.number('severity', input.severity, 1, 5, true);
  const notes = c.text('notes', input.notes, MAX_NOTES_LENGTH, false);

  if (c.violations.length > 0) return { ok: false, violations: c.violations };
  return {
    ok: true,
    value: Object.freeze({
      id: id ?? null,
      source: source as string,
      occurredAt: occurredAt as Date,
      reportedAt: reportedAt as Date,
      country: country as string,
      admin1: admin1 ?? null,
      admin2: admin2 ?? null,
      location: location ?? null,
      latitude: latitude ?? null,
      longitude: longitude ?? null,
      type: type as SignalType,
      subType,
      fatalities: fatalities ?? 0,
      severity: severity ?? null,
      notes: notes ?? null,
    }),
  };
}
