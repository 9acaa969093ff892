import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseSignalQuery } from './signal-query';
import { INSTANT_FORMS } from '@crisis-ops/domain-kernel';

describe('the signal list query', () => {
  const fields = (q: Record<string, unknown>) => parseSignalQuery(q as Record<string, string | undefined>, false).violations.map((v) => v.field);

  it('refuses a filter given twice rather than matching the pair as one text', () => {
    expect(fields({ source: ['acled', 'ucdp-ged'] })).toEqual(['source']);
    expect(fields({ country: ['BFA', 'MLI'], type: 'battles' })).toEqual(['country']);
  });

  it('refuses an empty source filter, which would have matched every source', () => {
    expect(fields({ source: '' })).toEqual(['source']);
    expect(fields({ source: 'x'.repeat(101) })).toEqual(['source']);
    expect(parseSignalQuery({ source: 'acled' }, false).query?.source).toBe('acled');
  });

  it('takes back the cursors it gives, and no number Postgres cannot hold', () => {
    expect(decodeCursor(encodeCursor(9_223_372_036_854_775_807n))).toBe(9_223_372_036_854_775_807n);
    expect(decodeCursor(encodeCursor('9999999999999999999'))).toBeUndefined();
    expect(fields({ cursor: encodeCursor('9999999999999999999') })).toEqual(['cursor']);
  });
});

describe('signal query limits and ranges', () => {
  it('takes a limit written as digits only, as /risk takes its history count', () => {
    for (const limit of ['1e2', '0x10', '5.0', ' 5']) expect(parseSignalQuery({ limit }, false).violations, limit).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 1000' }]);
    expect(parseSignalQuery({ limit: '250' }, false).query?.limit).toBe(250);
  });

  it('refuses a range that ends before it begins, which matched nothing and read as no signals', () => {
    expect(parseSignalQuery({ from: '2024-05-01', to: '2024-04-01' }, false).violations).toEqual([{ field: 'to', reason: 'must be later than from' }]);
    expect(parseSignalQuery({ from: '2024-05-01', to: '2024-05-01' }, false).violations).toEqual([{ field: 'to', reason: 'must be later than from' }]);
    expect(parseSignalQuery({ from: '2024-04-01', to: '2024-05-01' }, false).violations).toEqual([]);
    // An offset's "+" sent unencoded arrives as a space: the answer says how to send it.
    expect(parseSignalQuery({ from: '2026-11-27T00:00:00 01:00' }, false).violations).toEqual([
      { field: 'from', reason: `must be an ISO 8601 date or date-time (${INSTANT_FORMS}) (a "+" in a URL query arrives as a space: send the offset's "+" as %2B, 2026-11-27T00:00:00%2B01:00)` },
    ]);
  });

  it('takes a bound finer than the millisecond signals are stored to as the next millisecond, exact for from (≥) and to (<)', () => {
    const bounds = (from: string, to: string) => {
      const q = parseSignalQuery({ from, to }, false).query;
      return [q?.from?.toISOString(), q?.to?.toISOString()];
    };
    // A signal of 00:00:00.000 is before both: from leaves it out, to lets it in. Cut down, it was the other way round.
    expect(bounds('2024-02-29T00:00:00.0001Z', '2024-03-01')).toEqual(['2024-02-29T00:00:00.001Z', '2024-03-01T00:00:00.000Z']);
    expect(bounds('2024-02-28', '2024-02-29T00:00:00.0005Z')).toEqual(['2024-02-28T00:00:00.000Z', '2024-02-29T00:00:00.001Z']);
    expect(bounds('2024-02-28T23:59:59.999000Z', '2024-02-29T00:00:00.123456Z')).toEqual(['2024-02-28T23:59:59.999Z', '2024-02-29T00:00:00.124Z']);
    expect(bounds('2024-02-28T23:59:59.9999Z', '2024-03-01T00:00:00Z')).toEqual(['2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  });
});

describe('the country a signal query names', () => {
  const refusal = (country: string, exerciseCountries: boolean) => parseSignalQuery({ country }, exerciseCountries).violations;

  it('is refused when it names no country, as /risk refuses it, where it answered an empty list as if there were no signals', () => {
    for (const exercises of [false, true]) {
      expect(refusal('BKF', exercises)).toEqual([{ field: 'country', reason: 'BKF is not an ISO 3166-1 country' }]);
      expect(refusal('bfa', exercises)).toEqual([{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]);
    }
    expect(parseSignalQuery({ country: 'BFA' }, false).query?.country).toBe('BFA');
  });

  it('takes an exercise code only where exercises run, as /risk does', () => {
    expect(refusal('QQQ', false)).toEqual([{ field: 'country', reason: expect.stringContaining('QQQ is a user-assigned code, taken only for exercises') }]);
    expect(parseSignalQuery({ country: 'QQQ' }, true).query?.country).toBe('QQQ');
  });

  it("asks by XKX for Kosovo's UNK, which intake records as XKX: by UNK it found none", () => {
    expect(parseSignalQuery({ country: 'UNK' }, false)).toEqual({ query: expect.objectContaining({ country: 'XKX' }), violations: [] });
  });
});
