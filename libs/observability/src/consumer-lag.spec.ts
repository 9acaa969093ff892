import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metricsHandler, shutdownTelemetry, startTelemetry } from './telemetry';
import { observeConsumerLag, type PartitionLag } from './platform-metrics';

/** One scrape through the exporter, without a socket: resolves with the body once it is written. */
function scrape(): Promise<string> {
  return new Promise((resolve) => {
    const res = { statusCode: 0, setHeader: () => undefined, end: (body: string) => resolve(body) };
    metricsHandler({} as IncomingMessage, res as unknown as ServerResponse);
  });
}

const lagOf = (body: string, partition: number) => body.match(new RegExp(`^consumer_lag\\{[^}]*partition="${partition}"[^}]*\\} (\\S+)$`, 'm'))?.[1];
const ageOf = (body: string) => Number(body.match(/^consumer_lag_age_seconds(?:\{[^}]*\})? (\S+)$/m)?.[1]);

/** A broker's admin whose answers the test hands out, one read at a time; or none at all. */
function fakeAdmin() {
  const admin = {
    reads: 0,
    answering: true,
    lag: [] as PartitionLag[],
    read: () => {
      admin.reads++;
      return admin.answering ? Promise.resolve(admin.lag) : new Promise<PartitionLag[]>(() => undefined);
    },
  };
  return admin;
}

// A scrape that waits on the broker never ends here: let it fail soon.
describe('the consumer_lag gauge', { timeout: 10_000 }, () => {
  // The clock stands still unless a test moves it: a scrape that waited on a read would never end.
  // One fake clock for all the tests: the SDK keeps a gauge's newest sample, so the clock must not
  // go back between them.
  beforeAll(() => {
    startTelemetry({ serviceName: 'consumer-lag-spec' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await shutdownTelemetry();
  });

  it('answers a scrape at once while the broker never answers, with the last lag read and how old it is', async () => {
    const admin = fakeAdmin();
    admin.lag = [{ topic: 'mediation.cases', partition: 3, lag: 42 }];
    const stop = observeConsumerLag(admin.read, { everyMs: 10_000, timeoutMs: 5_000 });
    try {
      await vi.advanceTimersByTimeAsync(0);
      expect(lagOf(await scrape(), 3)).toBe('42');

      // The broker stops answering (kafkajs would retry each request for 30 s and more).
      admin.answering = false;
      await vi.advanceTimersByTimeAsync(80_000);
      const body = await scrape();
      expect(lagOf(body, 3)).toBe('42');
      expect(ageOf(body)).toBe(80);
      // A read given up on after its timeout makes room for the next: one per turn, not one per scrape.
      expect(admin.reads).toBe(9);

      admin.answering = true;
      admin.lag = [{ topic: 'mediation.cases', partition: 3, lag: 7 }];
      await vi.advanceTimersByTimeAsync(10_000);
      const after = await scrape();
      expect(lagOf(after, 3)).toBe('7');
      expect(ageOf(after)).toBe(0);
    } finally {
      stop();
    }
  });

  it('reads the broker on its timer, not on each scrape, and reports 0 for a partition given away', async () => {
    const admin = fakeAdmin();
    admin.lag = [{ topic: 'mediation.cases', partition: 3, lag: 42 }];
    const stop = observeConsumerLag(admin.read, { everyMs: 10_000 });
    try {
      await vi.advanceTimersByTimeAsync(0);
      for (let i = 0; i < 5; i++) await scrape();
      expect(admin.reads).toBe(1);
      admin.lag = [{ topic: 'mediation.cases', partition: 4, lag: 5 }];
      await vi.advanceTimersByTimeAsync(10_000);
      const body = await scrape();
      expect(lagOf(body, 3)).toBe('0');
      expect(lagOf(body, 4)).toBe('5');
    } finally {
      stop();
    }
  });

  it('reports an age that grows from the start while the broker has never answered', async () => {
    const admin = fakeAdmin();
    admin.answering = false;
    const stop = observeConsumerLag(admin.read, { everyMs: 10_000, timeoutMs: 5_000 });
    try {
      await vi.advanceTimersByTimeAsync(30_000);
      expect(ageOf(await scrape())).toBe(30);
    } finally {
      stop();
    }
  });

  it('stops reading once unregistered', async () => {
    const admin = fakeAdmin();
    const stop = observeConsumerLag(admin.read, { everyMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(admin.reads).toBe(1);
  });

  it('aborts a read it gives up on, and the one pending when unregistered, so that each lets go of its client', async () => {
    const signals: AbortSignal[] = [];
    const stop = observeConsumerLag(
      (signal) => {
        signals.push(signal);
        return new Promise<PartitionLag[]>(() => undefined);
      },
      { everyMs: 10_000, timeoutMs: 5_000 },
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signals.map((s) => s.aborted)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    expect(String(signals[0].reason)).toContain('no answer within 5000 ms');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    stop();
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });
});
