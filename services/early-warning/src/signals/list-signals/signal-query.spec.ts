import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseSignalQuery } from './signal-query';

describe('the signal list query', () => {
  const fields = (q: Record<string, unknown>) => parseSignalQuery(q as Record<string, string | undefined>).violations.map((v) => v.field);

  it('refuses a filter given twice rather than matching the pair as one text', () => {
    expect(fields({ source: ['acled', 'ucdp-ged'] })).toEqual(['source']);
    expect(fields({ country: ['BFA', 'MLI'], type: 'battles' })).toEqual(['country']);
  });

  it('refuses an empty source filter, which would have matched every source', () => {
    expect(fields({ source: '' })).toEqual(['source']);
    expect(fields({ source: 'x'.repeat(101) })).toEqual(['source']);
    expect(parseSignalQuery({ source: 'acled' }).query?.source).toBe('acled');
  });

  it('takes back the cursors it gives, and no number Postgres cannot hold', () => {
    expect(decodeCursor(encodeCursor(9_223_372_036_854_775_807n))).toBe(9_223_372_036_854_775_807n);
    expect(decodeCursor(encodeCursor('9999999999999999999'))).toBeUndefined();
    expect(fields({ cursor: encodeCursor('9999999999999999999') })).toEqual(['cursor']);
  });
});

describe('signal query limits and ranges', () => {
  it('takes a limit written as digits only, as /risk takes its history count', () => {
    for (const limit of ['1e2', '0x10', '5.0', ' 5']) expect(parseSignalQuery({ limit }).violations, limit).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 1000' }]);
    expect(parseSignalQuery({ limit: '250' }).query?.limit).toBe(250);
  });

  it('refuses a range that ends before it begins, which matched nothing and read as no signals', () => {
    expect(parseSignalQuery({ from: '2024-05-01', to: '2024-04-01' }).violations).toEqual([{ field: 'to', reason: 'must be later than from' }]);
    expect(parseSignalQuery({ from: '2024-05-01', to: '2024-05-01' }).violations).toEqual([{ field: 'to', reason: 'must be later than from' }]);
    expect(parseSignalQuery({ from: '2024-04-01', to: '2024-05-01' }).violations).toEqual([]);
  });
});
