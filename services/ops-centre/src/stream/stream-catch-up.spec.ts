import { describe, expect, it } from 'vitest';
import { CATCH_UP_OVERLAP_MS, CatchUpGate, catchUpSince, planCatchUp, positionTime, RecentIds, streamPosition } from './stream-catch-up';
import type { StreamItem } from './stream-item';

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

describe('CatchUpGate', () => {
  const item = (id: string) => ({ id }) as StreamItem;
  const gated = () => {
    const sent: string[] = [];
    return { sent, gate: new CatchUpGate((i) => sent.push(i.id)) };
  };

  it('given live events during the catch-up, then they follow what was missed, without the ones the catch-up sent', () => {
    const { sent, gate } = gated();
    gate.live(item('c'));
    gate.live(item('d'));
    gate.missed(item('b'));
    gate.missed(item('c'));
    expect(sent).toEqual(['b', 'c']);
    gate.release();
    expect(sent).toEqual(['b', 'c', 'd']);
  });

  it('given a missed event handed to the streams only after the catch-up, then its live copy is dropped, and later events pass', () => {
    const { sent, gate } = gated();
    gate.missed(item('b'));
    gate.missed(item('c'));
    gate.release();
    gate.live(item('b'));
    gate.live(item('c'));
    gate.live(item('d'));
    expect(sent).toEqual(['b', 'c', 'd']);
  });

  it('given a failed catch-up, then the live events that waited go out in order', () => {
    const { sent, gate } = gated();
    gate.live(item('x'));
    gate.live(item('y'));
    gate.release();
    gate.live(item('z'));
    expect(sent).toEqual(['x', 'y', 'z']);
  });
});

describe('a stream position (where a stream began, for a console that has received no event)', () => {
  it('is told from an event id, and catches up from its time, less the overlap, without looking for an event', async () => {
    const at = new Date('2026-11-27T10:00:00.123Z');
    const { id } = await streamPosition(async <T>() => [{ at }] as T[]);
    expect(positionTime(id)).toEqual(at);
    expect(positionTime('0b8f2f4e-4d7e-4a55-9a43-6b0d2d7c1f11')).toBeUndefined();
    expect(positionTime('at:not a time')).toBeUndefined();
    // Read strictly: new Date rolled these into other times, caught up from (2000, year -1, 2 March) or past (9999).
    const now = new Date('2026-11-28T06:00:00Z');
    for (const bad of ['at:2026-02-30T00:00:00Z', 'at:0', 'at:-1', 'at:2026-11-28', 'at:2026-11-31T00:00:00Z', 'at:9999-01-01T00:00:00Z', 'at:1999-12-31T23:59:59Z', 'at:']) {
      expect(positionTime(bad, now), bad).toBeUndefined();
    }
    expect(positionTime('at:2026-11-28T07:00:00+01:00', now)).toEqual(new Date('2026-11-28T06:00:00Z'));
    // A database clock a little ahead of this replica's wrote it: still taken.
    expect(positionTime('at:2026-11-28T06:05:00.000Z', now)).toEqual(new Date('2026-11-28T06:05:00Z'));
    const queries: { sql: string; params: unknown[] }[] = [];
    const caughtUp = await catchUpSince(async <T>(sql: string, params: unknown[]) => (queries.push({ sql, params }), [] as T[]), id, () => true);
    expect(caughtUp).toEqual({ items: [], skipped: 0 });
    expect(queries).toHaveLength(1);
    expect(queries[0].params[0]).toEqual(new Date(at.getTime() - CATCH_UP_OVERLAP_MS));
  });
});
