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
