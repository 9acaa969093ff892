import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AggregateObservation, Signal } from '../domain';
import { EventTimeOrder, type ImportItem } from './event-time-order';

const DAY = 86_400_000;
const signal = (day: number, id: string): ImportItem => ({
  kind: 'signal',
  signal: { id, source: 'test', occurredAt: new Date(day * DAY), reportedAt: new Date(day * DAY + 3_600_000), country: 'MLI', admin1: null, admin2: null, location: 'Gao', latitude: null, longitude: null, type: 'battles', subType: null, fatalities: 2, severity: null, notes: 'a "quoted"\nnote, 🕊' } as Signal,
});
const observation = (day: number): ImportItem => ({
  kind: 'observation',
  observation: { source: 'test', country: 'MLI', admin1: 'Gao', admin2: null, periodStart: new Date(day * DAY), periodEnd: new Date((day + 30) * DAY), events: 3, fatalities: 1 } as unknown as AggregateObservation,
});
const idOf = (item: ImportItem) => (item.kind === 'signal' ? item.signal.id : `obs@${item.observation.periodStart.toISOString().slice(0, 10)}`);
// A parent of its own: other suites' imports make temporary directories too, at the same time.
const parent = mkdtempSync(path.join(tmpdir(), 'event-time-order-spec-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const runsLeft = () => readdirSync(parent).length;
/** Files of this process still open under the parent (Linux: /proc/self/fd). */
const openRuns = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(parent);
    } catch {
      return false;
    }
  }).length;

describe('EventTimeOrder', () => {
  it('gives records back by event time, ties in the order they came, whether held in memory or merged from temporary files', async () => {
    const items = [signal(30, 'a'), observation(10), signal(20, 'b'), signal(10, 'c'), signal(30, 'd'), signal(5, 'e'), observation(20), signal(20, 'f')];
    for (const chunk of [100, 3, 1]) {
      const order = new EventTimeOrder(chunk, parent);
      for (const item of items) await order.add(item);
      const out: ImportItem[] = [];
      for await (const item of order.sorted()) out.push(item);
      expect(out.map(idOf), `chunk ${chunk}`).toEqual(['e', 'obs@1970-01-11', 'c', 'b', 'obs@1970-01-21', 'f', 'a', 'd']);
      // What went through a file comes back as it went in, its dates as Dates.
      expect(out[0]).toEqual(signal(5, 'e'));
      expect(out[1]).toEqual(observation(10));
      expect(runsLeft()).toBe(0);
    }
  });

  it('reads runs back whole across their 64 KiB blocks, a character split between two included', async () => {
    const days = Array.from({ length: 6_000 }, (_, i) => (i * 7_919) % 6_000);
    const order = new EventTimeOrder(1_000, parent);
    for (const d of days) await order.add(signal(d, `r${d}`));
    const out: ImportItem[] = [];
    for await (const item of order.sorted()) out.push(item);
    expect(out).toHaveLength(6_000);
    expect(out.map(idOf)).toEqual(Array.from({ length: 6_000 }, (_, d) => `r${d}`));
    for (const d of [0, 1_234, 5_999]) expect(out[d]).toEqual(signal(d, `r${d}`));
    expect(runsLeft()).toBe(0);
  });

  it('merges no more runs at once than it may hold open, through longer runs first, and gives every record back in order', async () => {
    const days = Array.from({ length: 2_000 }, (_, i) => (i * 7_919) % 2_000);
    const order = new EventTimeOrder(100, parent, '', 3);
    for (const d of days) await order.add(signal(d, `m${d}`));
    const out: string[] = [];
    let openAtOnce = 0;
    for await (const item of order.sorted()) {
      if (out.length === 0) openAtOnce = openRuns();
      out.push(idOf(item) as string);
    }
    expect(openAtOnce).toBeLessThanOrEqual(3);
    expect(out).toEqual(Array.from({ length: 2_000 }, (_, d) => `m${d}`));
    expect(runsLeft()).toBe(0);
  });

  it('removes its temporary files when the import stops before reading them all', async () => {
    // Runs long enough that reading them pauses (the line iterator queues about a thousand).
    const order = new EventTimeOrder(3_000, parent);
    for (let d = 9_000; d > 0; d--) await order.add(signal(d, `s${d}`));
    expect(runsLeft()).toBe(1);
    for await (const item of order.sorted()) {
      expect(idOf(item)).toBe('s1');
      break;
    }
    expect(runsLeft()).toBe(0);
    // Nor left open: a deleted file still held would keep its disk space until the process ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(openRuns()).toBe(0);
  });
});
