/**
 * How the console writes times. The read model holds two kinds, and each is written one way only:
 *
 * - A **day** (a risk level's "since": early-warning assesses whole UTC days and sends midnight UTC)
 *   is written as that calendar day, read in UTC. Read as a local time, midnight UTC is the evening
 *   before west of Greenwich, and the board showed the wrong day.
 * - An **instant** (an event's time, an alert opened, a comment, an audit entry) is written in the
 *   browser's time zone with its offset from UTC, so that no reader has to guess which zone it is in.
 */

const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

const INSTANT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'shortOffset',
});

/** An ISO string or epoch milliseconds; null for none or for what is no time at all. */
const dateOf = (t: string | number | null | undefined): Date | null => {
  if (t === null || t === undefined || t === '') return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** Whether a YYYY-MM-DD day exists: `new Date` rolls 30 February over into 2 March. */
const dayExists = (day: string): boolean => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
};

/**
 * A day, e.g. "27 Nov 2026", whatever the browser's time zone. A day that does not exist (a polling
 * day "2027-02-30" another service published) is shown as given and said to be no day, not as the
 * real day `new Date` rolls it over to.
 */
export const fmtDay = (iso: string | null | undefined): string => {
  if (typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(iso) && !dayExists(iso)) return `${iso} (no such day)`;
  const d = dateOf(iso);
  return d ? DAY.format(d) : '–';
};

/** An instant in the browser's time zone, with its offset, e.g. "26 Nov 2026, 19:00:00 GMT-5". */
export const fmtInstant = (t: string | number | null | undefined): string => {
  const d = dateOf(t);
  return d ? INSTANT.format(d) : '–';
};
