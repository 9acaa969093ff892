import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './process-cursor';

const id = 'b04e90a0-5d32-43f6-9f73-84e4d5f46b11';
const forged = (proposedAt: string) => Buffer.from(`${proposedAt}|${id}`).toString('base64url');

describe('the listing cursor', () => {
  it('reads back what it wrote, at the ends of the years Postgres and toISOString share', () => {
    for (const proposedAt of ['2026-03-04T09:00:00.000Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      expect(decodeCursor(encodeCursor({ proposedAt, id }))).toEqual({ proposedAt, id });
    }
  });

  it('refuses an instant of an expanded year or of year 0000, which Postgres refused with a 500', () => {
    for (const proposedAt of ['+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+002026-03-04T09:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      expect(decodeCursor(forged(proposedAt)), proposedAt).toBeUndefined();
    }
  });

  it('refuses an instant JavaScript reads and Postgres does not, and what is no cursor', () => {
    for (const proposedAt of ['2026-02-30T00:00:00.000Z', '1', '2026-03-04T09:00:00Z']) expect(decodeCursor(forged(proposedAt)), proposedAt).toBeUndefined();
    expect(decodeCursor('nonsense')).toBeUndefined();
    expect(decodeCursor(Buffer.from(`2026-03-04T09:00:00.000Z|${id}|x`).toString('base64url'))).toBeUndefined();
  });
});
