import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboxBacklog } from './outbox-backlog';

/** A count of the outbox whose rows the test sets, and which records how often it was asked. */
function fakeOutbox(rows = 0) {
  const outbox = {
    rows,
    counts: 0,
    countRows: async () => {
      outbox.counts++;
      return outbox.rows;
    },
  };
  return outbox;
}

describe('the outbox backlog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('follows the outbox while a send never returns, once a second, where it read 0 for the whole outage', async () => {
    const backlog = new OutboxBacklog(1_000);
    const outbox = fakeOutbox(22);
    backlog.watch(outbox.countRows);
    // The drain took its rows and waits on a broker that does not answer; it never ends here.
    backlog.drainStarted();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backlog.current).toBe(22);
    outbox.rows = 94;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backlog.current).toBe(94);
    outbox.rows = 158;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backlog.current).toBe(158);
    await vi.advanceTimersByTimeAsync(77_000);
    // Not more than once a second, however long the outage.
    expect(outbox.counts).toBe(80);
    backlog.stop();
  });

  it('costs no count while drains end quickly with the outbox empty', async () => {
    const backlog = new OutboxBacklog(1_000);
    const outbox = fakeOutbox(3);
    backlog.watch(outbox.countRows);
    for (let i = 0; i < 100; i++) {
      backlog.drainStarted();
      await vi.advanceTimersByTimeAsync(5);
      backlog.drainEmptied();
      await vi.advanceTimersByTimeAsync(95);
    }
    expect(outbox.counts).toBe(0);
    expect(backlog.current).toBe(0);
    backlog.stop();
  });

  it('counts after a drain failed until one empties the outbox, then reads 0', async () => {
    const backlog = new OutboxBacklog(1_000);
    const outbox = fakeOutbox(5);
    backlog.watch(outbox.countRows);
    backlog.drainStarted();
    backlog.drainFailedToPublish();
    outbox.rows = 9;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backlog.current).toBe(9);
    backlog.drainStarted();
    backlog.drainEmptied();
    const counted = outbox.counts;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backlog.current).toBe(0);
    expect(outbox.counts).toBe(counted);
    backlog.stop();
  });

  it('asks once at a time of a database that does not answer, and keeps the last count', async () => {
    const backlog = new OutboxBacklog(1_000);
    const outbox = fakeOutbox(4);
    backlog.watch(outbox.countRows);
    backlog.drainStarted();
    await vi.advanceTimersByTimeAsync(1_000);
    let asked = 0;
    backlog.watch(() => {
      asked++;
      return new Promise<number>(() => undefined);
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asked).toBe(1);
    expect(backlog.current).toBe(4);
    backlog.stop();
  });

  it('stops counting once stopped (leadership lost)', async () => {
    const backlog = new OutboxBacklog(1_000);
    const outbox = fakeOutbox(7);
    backlog.watch(outbox.countRows);
    backlog.drainStarted();
    backlog.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outbox.counts).toBe(0);
  });
});
