import { describe, expect, it } from 'vitest';
import { decodeResponseCursor, encodeResponseCursor, type ResponseCursor } from './response-cursor';

const cursor: ResponseCursor = { pending: true, escalatedAt: '2026-11-27T10:15:00.123456Z', escalationId: 'a|b"c' };
const raw = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('response-times cursor', () => {
  it('gives back what it wrote, an escalation id of any text included', () => {
    expect(decodeResponseCursor(encodeResponseCursor(cursor))).toEqual(cursor);
    expect(decodeResponseCursor(encodeResponseCursor({ ...cursor, pending: false }))).toEqual({ ...cursor, pending: false });
  });

  it('refuses what Postgres would refuse (a 500) and what it did not write', () => {
    const bad: Partial<ResponseCursor>[] = [
      { escalatedAt: '2026-02-30T00:00:00.000000Z' },
      { escalatedAt: '2026-11-27T10:15:00.123Z' },
      { escalatedAt: '2026-11-27T24:00:00.000000Z' },
      { escalationId: '' },
      { escalationId: 'a\u0000b' },
      { escalationId: 'x'.repeat(501) },
    ];
    for (const b of bad) expect(decodeResponseCursor(encodeResponseCursor({ ...cursor, ...b })), JSON.stringify(b)).toBeUndefined();
    const refused = [
      '',
      'nonsense',
      'a+b',
      raw(['r3', 1, cursor.escalatedAt, 'x']),
      raw(['r2', true, cursor.escalatedAt, 'x']),
      raw(['r2', 1, 1764238500000, 'x']),
      raw(['r2', 1, cursor.escalatedAt, 7]),
      raw(['r2', 1, cursor.escalatedAt]),
      raw({}),
      'x'.repeat(5000),
    ];
    for (const c of refused) expect(decodeResponseCursor(c), c.slice(0, 40)).toBeUndefined();
  });

  it('refuses a cursor of the snapshot design (r1), which no page reads any more', () => {
    expect(decodeResponseCursor(raw(['r1', '812:820:813,815', 1, cursor.escalatedAt, 'x']))).toBeUndefined();
    // Even one shaped as today's but tagged r1.
    expect(decodeResponseCursor(raw(['r1', 1, cursor.escalatedAt, 'x']))).toBeUndefined();
  });
});
