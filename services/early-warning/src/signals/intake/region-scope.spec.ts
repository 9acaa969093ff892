import { describe, expect, it } from 'vitest';
import { DomainError } from '@crisis-ops/domain-kernel';
import { assertMayRecord, REGION_FORBIDDEN, writerDesk } from './region-scope';

const refusal = (fn: () => void): DomainError => {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('not refused');
};

describe("a writer's desk and what it may record", () => {
  it('confines a token of a desk to it; global, none and no principal to nothing; any other claim to a desk no country has', () => {
    expect(writerDesk({ region: 'asia-pacific' })).toBe('asia-pacific');
    expect(writerDesk({ region: 'global' })).toBeNull();
    expect(writerDesk({ region: null })).toBeNull();
    expect(writerDesk(undefined)).toBeNull();
    expect(() => assertMayRecord({ region: 'atlantis' }, ['GHA'], () => 'country')).toThrow(DomainError);
  });

  it("refuses a desk's token every country of another desk or of none, naming each field, and lets it record its own", () => {
    expect(() => assertMayRecord({ region: 'africa' }, ['GHA', 'SDN'], (i) => `items[${i}].country`)).not.toThrow();
    expect(() => assertMayRecord({ region: null }, ['GHA', 'PHL', 'QZX'], () => 'country')).not.toThrow();
    expect(() => assertMayRecord({ region: 'global' }, ['QZX'], () => 'country')).not.toThrow();
    const error = refusal(() => assertMayRecord({ region: 'asia-pacific' }, ['PHL', 'GHA', 'JPN', 'QZX'], (i) => `items[${i}].country`));
    expect(error).toMatchObject({ code: REGION_FORBIDDEN, kind: 'forbidden' });
    expect(error.details?.['errors']).toEqual([
      { field: 'items[1].country', reason: 'GHA is a country of the africa desk: a token of region asia-pacific records countries of the asia-pacific desk only (a token of region africa or global records it)' },
      { field: 'items[3].country', reason: 'QZX is a country of no regional desk: a token of region asia-pacific records countries of the asia-pacific desk only (a token of region global records it)' },
    ]);
    expect(error.message).toContain('nothing was recorded: items[1].country: GHA is a country of the africa desk');
  });

  it('spells out the first ten faults in its message and names every one in errors', () => {
    const error = refusal(() => assertMayRecord({ region: 'americas' }, Array.from({ length: 25 }, () => 'GHA'), (i) => `items[${i}].country`));
    expect(error.details?.['errors']).toHaveLength(25);
    expect(error.message).toMatch(/items\[9\]\.country: .*; and 15 more \(see errors\)$/);
  });
});
