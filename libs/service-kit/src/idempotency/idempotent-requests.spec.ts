import { describe, expect, it } from 'vitest';
import type { HttpException } from '@nestjs/common';
import { idempotencyKeyOf } from './idempotency-key';
import { fingerprintOf } from './idempotent-requests';

describe('what identifies a request made with an Idempotency-Key', () => {
  it('is its content, whatever order a client wrote the fields in', () => {
    const session = { place: 'Niamey', heldAt: '2026-03-04T09:00:00Z', participants: [{ gender: 'female', count: 3 }] };
    const reordered = { participants: [{ count: 3, gender: 'female' }], heldAt: '2026-03-04T09:00:00Z', place: 'Niamey' };
    expect(fingerprintOf('RecordSession', 'p-1', reordered)).toBe(fingerprintOf('RecordSession', 'p-1', session));
  });

  it('tells apart another content, another process or another command', () => {
    const session = { place: 'Niamey' };
    const base = fingerprintOf('RecordSession', 'p-1', session);
    expect(fingerprintOf('RecordSession', 'p-1', { place: 'Agadez' })).not.toBe(base);
    expect(fingerprintOf('RecordSession', 'p-2', session)).not.toBe(base);
    expect(fingerprintOf('AddParty', 'p-1', session)).not.toBe(base);
    // The order of a list is content: the first participant is not the second.
    expect(fingerprintOf('X', null, [1, 2])).not.toBe(fingerprintOf('X', null, [2, 1]));
  });
});

describe('the Idempotency-Key header', () => {
  const reasonFor = (req: Parameters<typeof idempotencyKeyOf>[0]) => {
    try {
      idempotencyKeyOf(req);
    } catch (err) {
      return ((err as HttpException).getResponse() as { errors: unknown[] }).errors;
    }
    return undefined;
  };

  it('is the key given once, or none', () => {
    expect(idempotencyKeyOf({ headers: { 'idempotency-key': 'k1' }, headersDistinct: { 'idempotency-key': ['k1'] } })).toBe('k1');
    expect(idempotencyKeyOf({ headers: {}, headersDistinct: {} })).toBeUndefined();
  });

  it('refuses a key given twice as such, where Node joined them ("k1, k2") and it was told it must be visible ASCII characters', () => {
    expect(reasonFor({ headers: { 'idempotency-key': 'k1, k2' }, headersDistinct: { 'idempotency-key': ['k1', 'k2'] } })).toEqual([
      { field: 'Idempotency-Key', reason: 'must be given once: this request has it more than once' },
    ]);
    expect(reasonFor({ headers: { 'idempotency-key': 'k 1' }, headersDistinct: { 'idempotency-key': ['k 1'] } })).toEqual([
      { field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters, e.g. a UUID' },
    ]);
  });
});
