import { describe, expect, it } from 'vitest';
import { requestAfter, requestColumns, requestOfColumns, type RequestInProgress } from './request-news';

/** The days a request made news after these signals (day, request's earliest day), the engine's open day before each. */
function daysAfter(signals: Array<[day: number, requestEarliest: number | null, openDay: number | undefined]>, start: RequestInProgress | null = null): number[] {
  let r = start;
  for (const [day, requestEarliest, openDay] of signals) r = requestAfter(r, { day, requestEarliest }, openDay);
  return [...(r?.days ?? [])].sort((a, b) => a - b);
}

describe('what an intake request makes news', () => {
  it('given reports of days the engine had open or had yet to open, then those days, and only those', () => {
    // A fresh engine has nothing open: every report counts.
    expect(daysAfter([[100, 100, undefined], [101, 100, 100], [103, 100, 101]])).toEqual([100, 101, 103]);
    // The open day itself is reported while open.
    expect(daysAfter([[100, 100, 100]])).toEqual([100]);
  });

  it('given a report older than the open day, then the open day it adds to, as that report alone would have, and no day before it', () => {
    expect(daysAfter([[50, 50, 120], [130, 50, 120]])).toEqual([120, 130]);
  });

  it("given a signal of another request (its request's earliest day differs), then a new request, whatever the last one left", () => {
    const left = requestAfter(null, { day: 10, requestEarliest: 10 }, undefined);
    expect(daysAfter([[40, 40, 30]], left)).toEqual([40]);
    // The same request goes on.
    expect(daysAfter([[12, 10, 10]], requestAfter(null, { day: 10, requestEarliest: 10 }, undefined))).toEqual([10, 12]);
  });

  it('is kept with the engine row as its earliest day and sorted days, and read back the same', () => {
    const r = requestAfter(requestAfter(null, { day: 7, requestEarliest: 5 }, undefined), { day: 5, requestEarliest: 5 }, 5);
    expect(requestColumns(r)).toEqual([5, [5, 7]]);
    expect(requestOfColumns(...requestColumns(r))).toEqual(r);
    expect(requestColumns(null)).toEqual([null, null]);
    expect(requestOfColumns(null, null)).toBeNull();
  });
});
