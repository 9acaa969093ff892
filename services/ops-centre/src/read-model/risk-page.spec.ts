import { describe, expect, it } from 'vitest';
import { decodeRiskCursor, encodeRiskCursor } from './risk-page';

describe('the risk board cursor', () => {
  it('gives back the row it was written from, a score to its last bit included', () => {
    for (const c of [
      { level: 4, score: 93.25, country: 'MLI', admin1: '' },
      { level: 1, score: 0.1 + 0.2, country: 'BFA', admin1: 'Boucle du Mouhoun' },
      { level: 3, score: 71.20000000000002, country: 'XKX', admin1: 'Prishtinë' },
    ]) {
      expect(decodeRiskCursor(encodeRiskCursor(c))).toEqual(c);
    }
  });

  it('refuses what it did not write, so that nothing reaches Postgres to fail there', () => {
    const enc = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    for (const cursor of [
      '',
      'not a cursor!',
      enc(['k0', 4, 1, 'MLI', '']),
      enc(['k1', 5, 1, 'MLI', '']),
      enc(['k1', 2.5, 1, 'MLI', '']),
      enc(['k1', 4, 'NaN', 'MLI', '']),
      enc(['k1', 4, 1, 'mli', '']),
      enc(['k1', 4, 1, 'MLI', 'a\u0000b']),
      enc(['k1', 4, 1, 'MLI']),
      'x'.repeat(3_000),
    ]) {
      expect(decodeRiskCursor(cursor)).toBeUndefined();
    }
  });
});
