import { describe, expect, it } from 'vitest';
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
