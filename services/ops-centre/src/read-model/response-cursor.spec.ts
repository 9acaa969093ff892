import { describe, expect, it } from 'vitest';
import { decodeResponseCursor, encodeResponseCursor, type ResponseCursor } from './response-cursor';

const cursor: ResponseCursor = { snapshot: '812:820:813,815', pending: true, escalatedAt: '2026-11-27T10:15:00.123456Z', escalationId: 'a|b"c' };
const raw = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('response-times cursor', () => {
  it('gives back what it wrote, an escalation id of any text included', () => {
    expect(decodeResponseCursor(encodeResponseCursor(cursor))).toEqual(cursor);
    expect(decodeResponseCursor(encodeResponseCursor({ ...cursor, pending: false, snapshot: '5:5:' }))).toEqual({ ...cursor, pending: false, snapshot: '5:5:' });
  });

  it('refuses what Postgres would refuse (a 500) and what it did not write', () => {
    const bad: Partial<ResponseCursor>[] = [
      { snapshot: '10:5:' }, // xmin after xmax
      { snapshot: '0:5:' },
      { snapshot: '5:10:12' }, // in progress beyond xmax
      { snapshot: '5:10:7,6' }, // not increasing
      { snapshot: '05:10:' }, // not as Postgres writes it
      { snapshot: '18446744073709551616:18446744073709551616:' }, // beyond xid8
      { escalatedAt: '2026-02-30T00:00:00.000000Z' },
      { escalatedAt: '2026-11-27T10:15:00.123Z' },
      { escalatedAt: '2026-11-27T24:00:00.000000Z' },
      { escalationId: '' },
      { escalationId: 'a\u0000b' },
    ];
    for (const b of bad) expect(decodeResponseCursor(encodeResponseCursor({ ...cursor, ...b })), JSON.stringify(b)).toBeUndefined();
    for (const c of ['', 'nonsense', 'a+b', raw(['r2', cursor.snapshot, 1, cursor.escalatedAt, 'x']), raw(['r1', cursor.snapshot, true, cursor.escalatedAt, 'x']), raw({}), 'x'.repeat(9000)]) {
      expect(decodeResponseCursor(c), c.slice(0, 40)).toBeUndefined();
    }
  });
});
