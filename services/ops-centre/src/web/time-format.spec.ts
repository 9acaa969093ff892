import { describe, expect, it } from 'vitest';
import { fmtDay } from '../../web/src/time.format';

describe("the console's days", () => {
  it('writes a day as that calendar day, and a day that does not exist as given, said to be none', () => {
    expect(fmtDay('2027-03-14')).toBe('14 Mar 2027');
    expect(fmtDay('2026-11-27T00:00:00.000Z')).toBe('27 Nov 2026');
    // A polling day another service published as 30 February read "2 Mar 2027", a real and wrong day.
    expect(fmtDay('2027-02-30')).toBe('2027-02-30 (no such day)');
    expect(fmtDay('2028-02-29')).toBe('29 Feb 2028');
    expect(fmtDay(null)).toBe('–');
  });
});
