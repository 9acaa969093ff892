import { describe, expect, it } from 'vitest';
import { NOTHING_OBSERVED, OBSERVED_GAP_DAYS, observe, type ObservedDays } from './observed-days';

const fed = (days: number[], from: ObservedDays = NOTHING_OBSERVED): ObservedDays => days.reduce(observe, from);

describe('the days an engine has observed (where T counts from)', () => {
  it('given live reports, then T counts from the first, and later days move nothing', () => {
    expect(fed([1000, 1001, 1040])).toEqual({ since: 1000, earlier: [] });
  });

  it('given a late report within the gap of the history, then the history starts there', () => {
    expect(fed([1000, 1000 - OBSERVED_GAP_DAYS])).toEqual({ since: 1000 - OBSERVED_GAP_DAYS, earlier: [] });
  });

  it('given one report dated far back, then it is kept apart and T does not move', () => {
    expect(fed([1000, 1000 - 365])).toEqual({ since: 1000, earlier: [[635, 635]] });
    expect(fed([1000, -30_000])).toEqual({ since: 1000, earlier: [[-30_000, -30_000]] });
  });

  it('given history imported after live reports, oldest first or newest first, then once it reaches the live reports T counts from its start', () => {
    const history = Array.from({ length: 700 }, (_, d) => d);
    expect(fed([700, ...history])).toEqual({ since: 0, earlier: [] });
    expect(fed([700, ...[...history].reverse()])).toEqual({ since: 0, earlier: [] });
  });

  it('given history that ends more than the gap before the live reports, then the gap stays a gap: T counts from the live reports', () => {
    const history = Array.from({ length: 300 }, (_, d) => d);
    expect(fed([400, ...history])).toEqual({ since: 400, earlier: [[0, 299]] });
    // Reports filling the gap, none more than the gap from the next, join the two.
    expect(fed([380, 350, 320], fed([400, ...history]))).toEqual({ since: 0, earlier: [] });
    expect(fed([350], fed([400, ...history]))).toEqual({ since: 400, earlier: [[0, 299], [350, 350]] });
  });

  it('keeps at most 16 spans apart, forgetting the shortest', () => {
    const outliers = Array.from({ length: 20 }, (_, i) => -1000 * (i + 1));
    const history = Array.from({ length: 10 }, (_, d) => -500 + d);
    const o = fed([1000, ...history, ...outliers]);
    expect(o.since).toBe(1000);
    expect(o.earlier).toHaveLength(16);
    expect(o.earlier).toContainEqual([-500, -491]);
  });
});
