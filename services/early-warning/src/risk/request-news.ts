/**
 * What the intake request in progress for a country has made news: the days it reported while the
 * engine had them open or had yet to open them. Whatever the engine decides about such a day is news
 * brought by the request, also when a later report of the same request closes the day: sent one
 * request each, the same reports would have published it as each day's own. A report older than the
 * day the engine has open only adds to that day late, and the days it closes in between were decided
 * by earlier inputs (an import, typically), so a batch must not make them news where one report alone
 * would not (the open day it adds to is, as it would be for that report alone); nor days the request
 * did not report at all.
 *
 * A request is told apart by its signals' `request_earliest_occurred_at` (what its writer saw) and
 * ends with its country's `last_in_request` signal; a signal of another request starts a new one even
 * if the last one's end never arrived (it was dead-lettered), so nothing of an old request lingers.
 */
export interface RequestInProgress {
  /** Its signals' request_earliest_occurred_at in epoch ms (to the millisecond, as the writer saw it); null on events written before the field. */
  readonly earliest: number | null;
  /** Epoch days it reported while open (or not yet opened). */
  readonly days: Set<number>;
}

/**
 * The request in progress after one more signal (the same object while it is the same request). A
 * late report (older than the open day) adds to the open day, so that day is what it reports: sent
 * alone, it would have had the open day assessed after it and published.
 */
export function requestAfter(current: RequestInProgress | null, signal: { day: number; requestEarliest: number | null }, openDay: number | undefined): RequestInProgress {
  const request = current && current.earliest === signal.requestEarliest ? current : { earliest: signal.requestEarliest, days: new Set<number>() };
  request.days.add(openDay === undefined || signal.day >= openDay ? signal.day : openDay);
  return request;
}

/** As stored with the engine row: the request's earliest day and its days, or nulls. */
export const requestColumns = (r: RequestInProgress | null): [number | null, number[] | null] => (r ? [r.earliest, [...r.days].sort((a, b) => a - b)] : [null, null]);

export function requestOfColumns(earliest: number | null, days: number[] | null): RequestInProgress | null {
  return days === null ? null : { earliest, days: new Set(days) };
}
