import { describe, expect, it } from 'vitest';
import { planCatchUp, RecentIds } from './stream-catch-up';

const seenOf = (ids: string[], capacity = 100) => {
  const seen = new RecentIds(capacity);
  for (const id of ids) seen.add(id);
  return seen;
};

describe('RecentIds', () => {
  it('forgets the oldest id first once over capacity', () => {
    const seen = seenOf(['a', 'b', 'c', 'd'], 3);
    expect(seen.size).toBe(3);
    expect(seen.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => seen.has(id))).toBe(true);
  });

  it('keeps one entry per id, so repeats do not push others out', () => {
    const seen = seenOf(['a', 'b', 'a', 'a', 'c'], 3);
    expect(seen.size).toBe(3);
    expect(['a', 'b', 'c'].every((id) => seen.has(id))).toBe(true);
  });
});

describe('planCatchUp', () => {
  it('streams only what was not streamed before the loss, oldest first', () => {
    // Newest first, as the catch-up scan returns them; e1 and e2 fall in the overlap and went out live.
    const plan = planCatchUp(['e5', 'e4', 'e3', 'e2', 'e1'], seenOf(['e1', 'e2']), 10);
    expect(plan).toEqual({ ids: ['e3', 'e4', 'e5'], skipped: 0 });
  });

  it('keeps the newest missed events when more than the cap were missed, and counts the rest', () => {
    const plan = planCatchUp(['e6', 'e5', 'e4', 'e3', 'e2', 'e1'], seenOf(['e1']), 3);
    expect(plan).toEqual({ ids: ['e4', 'e5', 'e6'], skipped: 2 });
  });

  it('does not let already streamed events use up the cap', () => {
    const plan = planCatchUp(['e4', 's3', 'e3', 's2', 's1'], seenOf(['s1', 's2', 's3']), 2);
    expect(plan).toEqual({ ids: ['e3', 'e4'], skipped: 0 });
  });

  it('plans nothing when everything was already streamed', () => {
    expect(planCatchUp(['a', 'b'], seenOf(['a', 'b']))).toEqual({ ids: [], skipped: 0 });
  });
});
