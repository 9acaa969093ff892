import { describe, expect, it } from 'vitest';
import { isCalendarDay, isClockTime, parseInstant, unencodedPlusHint, UUID_PATTERN } from './calendar';

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

describe('parseInstant', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    [' 2024-05-01T10:20:30Z ', '2024-05-01T10:20:30.000Z'],
    ['2024-05-01 10:20', '2024-05-01T10:20:00.000Z'],
    ['2024-05-01T10:20:30.123456', '2024-05-01T10:20:30.123Z'],
    ['2024-05-01T10:20:30+02:00', '2024-05-01T08:20:30.000Z'],
    ['2024-05-01T10:20-0530', '2024-05-01T15:50:00.000Z'],
    // A comma is ISO 8601's decimal sign as much as a point.
    ['2021-06-05T10:00:00,5Z', '2021-06-05T10:00:00.500Z'],
    ['2021-06-05 10:00:00,25+01:00', '2021-06-05T09:00:00.250Z'],
  ])('reads %j as %s (no zone is UTC)', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(['2023-02-29', '2024-13-01', '0000-01-01', '2024-05-01T24:00', '2024-05-01T10:60', '2024-05-01T10:20:60Z', '2024-05-01T', '01/05/2024', '', 'soon', '2024-05-01T10:20:30+2', '2021-W22-6', '2021-156', '2021-06-05T10:00:00,Z'])(
    'refuses %j',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );

  it('takes a valid Date as it is and refuses an invalid one or another type', () => {
    const d = new Date('2024-05-01T00:00:00Z');
    expect(parseInstant(d)).toBe(d);
    expect(parseInstant(new Date('x'))).toBeUndefined();
    expect(parseInstant(1_714_521_600_000)).toBeUndefined();
  });
});

describe('unencodedPlusHint', () => {
  it('says how to send an offset whose "+" a URL query turned into a space, and nothing of any other value', () => {
    expect(unencodedPlusHint('2026-11-27T00:00:00 01:00')).toBe(' (a "+" in a URL query arrives as a space: send the offset\'s "+" as %2B, 2026-11-27T00:00:00%2B01:00)');
    expect(unencodedPlusHint('2026-11-27T00:00 0530')).toContain('2026-11-27T00:00%2B0530');
    expect(unencodedPlusHint('2026-11-27T00:00:00+01:00')).toBe('');
    expect(unencodedPlusHint('yesterday')).toBe('');
    expect(unencodedPlusHint(undefined)).toBe('');
  });
});
