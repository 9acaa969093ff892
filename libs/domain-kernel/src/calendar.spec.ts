import { describe, expect, it } from 'vitest';
import { isCalendarDay, isClockTime, UUID_PATTERN } from './calendar';

describe('calendar checks', () => {
  it('takes the days that exist, leap days included, and refuses the ones new Date would roll over', () => {
    expect(isCalendarDay(2024, 2, 29)).toBe(true);
    expect(isCalendarDay(2000, 2, 29)).toBe(true);
    expect(isCalendarDay(2025, 2, 29)).toBe(false);
    expect(isCalendarDay(1900, 2, 29)).toBe(false);
    expect(isCalendarDay(2025, 4, 31)).toBe(false);
    expect(isCalendarDay(2025, 13, 1)).toBe(false);
    expect(isCalendarDay(0, 6, 5)).toBe(false);
  });

  it('takes clock times up to 23:59:59', () => {
    expect(isClockTime(23, 59, 59)).toBe(true);
    expect(isClockTime(24, 0, 0)).toBe(false);
    expect(isClockTime(10, 60)).toBe(false);
  });

  it('matches UUIDs in their text form only', () => {
    expect(UUID_PATTERN.test('0192f0c4-7b7e-7cc0-8a3e-1f2b3c4d5e6f')).toBe(true);
    expect(UUID_PATTERN.test('a'.repeat(36))).toBe(false);
    expect(UUID_PATTERN.test('-'.repeat(36))).toBe(false);
  });
});
