const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Whether year, month (1-12) and day name a day of the proleptic Gregorian calendar from year 1.
 * `new Date` would roll 30 February into March instead, and Postgres has no year 0.
 */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** Whether hours, minutes and seconds name a time of day (no leap second, no 24:00). */
export const isClockTime = (hours: number, minutes: number, seconds = 0): boolean => hours <= 23 && minutes <= 59 && seconds <= 59;

/** A UUID in its text form, any version: what Postgres' uuid type reads (anything else it refuses with an error). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ISO 8601 writes a fraction with a comma as readily as with a point (`10:00:00,5Z`); both are taken.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The forms of ISO 8601 parseInstant takes, for a refusal to name: "an ISO 8601 date" alone left a
 * client whose week date (2021-W22-6) or ordinal date (2021-156) is ISO 8601 too guessing why.
 */
export const INSTANT_FORMS = 'YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]], UTC unless it ends in Z or ±hh:mm';

/**
 * A Date from a Date or an ISO 8601 date / date-time string (date-only means 00:00 UTC). The fields
 * are checked as written: `new Date` rolls 30 February into March, and year 0 is no year Postgres stores.
 */
export function parseInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  // One match gives the fields to check: every signal of an intake request has one or two dates.
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  if (!isCalendarDay(+m[1], +m[2], +m[3]) || !isClockTime(+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))) return undefined;
  const written = text.replace(' ', 'T').replace(',', '.');
  const date = new Date(m[4] === undefined ? `${text}T00:00:00Z` : m[7] !== undefined ? written : `${written}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * What to add to the reason a query parameter's instant is refused when its offset's "+" came
 * unencoded: in a URL query "+" stands for a space, so `?from=2026-11-27T00:00:00+01:00` arrives as
 * "2026-11-27T00:00:00 01:00" and was refused with no word of why. Empty for any other value.
 */
export function unencodedPlusHint(value: unknown): string {
  if (typeof value !== 'string' || !/T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}(:?\d{2})?$/.test(value.trim())) return '';
  const meant = value.trim().replace(/ (?=\d{2}(:?\d{2})?$)/, '%2B');
  return ` (a "+" in a URL query arrives as a space: send the offset's "+" as %2B, ${meant})`;
}
