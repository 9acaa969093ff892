import { describe, expect, it } from 'vitest';
import { uuidV7, uuidV7Time } from './uuid-v7';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7', () => {
  it('is a version 7, variant 1 UUID carrying its millisecond timestamp', () => {
    const at = Date.UTC(2026, 10, 26, 21, 30, 0, 123);
    const id = uuidV7(at + 1_000_000); // ahead of any id drawn earlier in this process
    expect(id).toMatch(V7);
    expect(uuidV7Time(id)).toBe(at + 1_000_000);
  });

  it('sorts in the order generated: within one millisecond, across milliseconds, and when the clock goes back', () => {
    const base = Date.now() + 10_000_000;
    const ids = [
      ...Array.from({ length: 10_000 }, () => uuidV7(base)), // more than the 12-bit counter holds
      uuidV7(base + 5),
      uuidV7(base + 1), // the clock went back
      uuidV7(base + 6),
    ];
    for (const id of ids) expect(id).toMatch(V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A full counter borrows the next millisecond instead of wrapping around.
    expect(uuidV7Time(ids[9_999])).toBeGreaterThan(base);
  });

  it('draws different random bits for ids of one millisecond', () => {
    const at = Date.now() + 20_000_000;
    const tails = new Set(Array.from({ length: 1_000 }, () => uuidV7(at).slice(19)));
    expect(tails.size).toBe(1_000);
  });
});
