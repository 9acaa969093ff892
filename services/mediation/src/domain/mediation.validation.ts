import { invisibleTextProblem, isCalendarDay, isClockTime, type FieldViolation } from '@crisis-ops/domain-kernel';
import { invalid } from './mediation.errors';
import type { RiskDriver } from './mediation.types';

/** Earliest instant a mediation record may carry. */
export const EARLIEST_INSTANT = Date.parse('1900-01-01T00:00:00Z');

/**
 * A text's length in characters as the edge counts them (class-validator's MaxLength, validator.js
 * isLength): code points, a variation selector (U+FE0E, U+FE0F) after a character counted with it.
 * `value.length` counted UTF-16 units, so a party named with 150 CJK Extension B characters passed the
 * edge's 200 and was refused here (422 "must be at most 200 characters") as 300.
 */
export function textLength(value: string): number {
  const presentation = value.match(/[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g)?.length ?? 0;
  const surrogatePairs = value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return value.length - presentation - surrogatePairs;
}

/**
 * What a text reads as, for telling whether two are the same: Unicode NFC (an accent precomposed or
 * combining, "ó" or "o\u0301", is one letter), white space collapsed to one space and trimmed, and case
 * folded (upper then lower case: "Straße" and "STRASSE" read alike). Trimmed and lower-cased alone,
 * "Unión Cívica", its NFD spelling and "Unión  Cívica" were three parties of one process.
 */
export const readingOf = (text: string): string => text.normalize('NFC').replace(/\s+/gu, ' ').trim().toUpperCase().toLowerCase().normalize('NFC');

/** Whether two texts read the same (readingOf). */
export const sameReading = (a: string, b: string): boolean => readingOf(a) === readingOf(b);

/** Collects field violations so that one answer names every bad field, not just the first. */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  text(field: string, value: unknown, { required = true, max = 200 } = {}): void {
    if (value === undefined || value === null) {
      if (required) this.add(field, 'is required');
      return;
    }
    if (typeof value !== 'string') return this.add(field, 'must be a string');
    // Optional text that is empty or white space is not given (optionalText holds it as null); one
    // with characters yet none a reader sees (a zero-width space) was stored and shown as if blank.
    const invisible = required || value.trim() !== '' ? invisibleTextProblem(value) : undefined;
    if (invisible) return this.add(field, invisible);
    if (textLength(value) > max) this.add(field, `must be at most ${max} characters`);
  }

  oneOf(field: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) this.add(field, `must be one of: ${allowed.join(', ')}`);
  }

  /**
   * An ISO 8601 date-time with offset (see instantProblem), on or after 1900-01-01 (a typo year is no
   * record of mediation, and one before year 1 in UTC is beyond what Postgres stores), and not later
   * than `notAfter` when given.
   */
  instant(field: string, value: unknown, notAfter?: Date): void {
    const problem = instantProblem(value);
    if (problem) return this.add(field, problem);
    if (notAfter && new Date(value as string).getTime() > notAfter.getTime()) this.add(field, 'must not be in the future');
  }

  /**
   * A driver's weight is its share of the final score, so a context adjustment in force takes it
   * outside 0..1: negative for the context that lowered the score, above 1 for a signal that
   * outweighs the lowered score. Only a weight that is no number is refused: stored as JSON it
   * would come back as null.
   */
  driver(field: string, d: RiskDriver): void {
    this.text(`${field}.kind`, d.kind);
    // Null, absent, '' or no visible character all say the whole area (driverAsHeld): a driver is
    // evidence, and one refused is left out of the proposal. Anything else must be an admin1's name.
    if (typeof d.area !== 'string' || !invisibleTextProblem(d.area)) this.text(`${field}.area`, d.area, { required: false });
    if (typeof d.weight !== 'number' || !Number.isFinite(d.weight)) this.add(`${field}.weight`, 'must be a finite number');
    this.count(`${field}.count`, d.count);
  }

  count(field: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.add(field, 'must be a whole number, 0 or more');
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws ValidationFailed (MEDIATION.INVALID_INPUT, kind invalid) if anything was added. */
  throwIfAny(): void {
    if (this.list.length) throw invalid(this.list);
  }
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))?$/;
const DATE_TIME_FORMAT = 'must be an ISO 8601 date-time with a time zone offset (Z or ±hh:mm), e.g. 2026-03-04T09:00:00Z';

/**
 * Why `value` is not an instant a process can record, or undefined if it is. `new Date` reads a
 * date-time without offset in the server's time zone and rolls an impossible date (30 February)
 * over into the next month: both would store an instant nobody meant.
 */
export function instantProblem(value: unknown): string | undefined {
  const m = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!m) return DATE_TIME_FORMAT;
  const [, y, mo, d, h, mi, s = '00', zone, oh = '00', om = '00'] = m;
  if (!zone) return DATE_TIME_FORMAT;
  if (!isCalendarDay(Number(y), Number(mo), Number(d))) return `is not a real date: ${y}-${mo}-${d} does not exist`;
  if (!isClockTime(Number(h), Number(mi), Number(s))) return `is not a real time: ${h}:${mi}:${s} does not exist`;
  if (Number(oh) > 23 || Number(om) > 59) return `is not a real time zone offset: ${zone}`;
  // Here, not only in Violations.instant, so the edge refuses it with the domain's reason.
  if (new Date(value as string).getTime() < EARLIEST_INSTANT) return 'must be on or after 1900-01-01';
  return undefined;
}

export const COUNTRY_PATTERN = /^[A-Z]{3}$/;

/** Normalises optional text: blank means absent. */
export const optionalText = (value: string | null | undefined): string | null => (value && value.trim() ? value.trim() : null);
