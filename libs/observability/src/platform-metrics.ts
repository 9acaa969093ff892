import { diag, type Counter, type ObservableGauge, type ObservableResult } from '@opentelemetry/api';
import { getMeter } from './telemetry';

/** Labels of the event counters; `service` is the service doing the publishing or consuming. */
// A type alias (not an interface) so it satisfies the API's index-signature attribute type.
export type EventAttributes = {
  topic: string;
  type: string;
  service: string;
};

export interface PlatformMetrics {
  eventsPublished: Counter<EventAttributes>;
  eventsConsumed: Counter<EventAttributes>;
  eventsFailed: Counter<EventAttributes>;
  eventsDeadLettered: Counter<EventAttributes>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

interface Instruments extends PlatformMetrics {
  outboxBacklog: ObservableGauge;
  consumerLag: ObservableGauge;
  consumerLagAge: ObservableGauge;
}

let instruments: Instruments | undefined;

// Created on first use, not at import: instruments taken from the meter before startTelemetry ran
// would be bound to the no-op provider for the life of the process.
function getInstruments(): Instruments {
  if (instruments) return instruments;
  const meter = getMeter('crisis-ops.platform');
  instruments = {
    eventsPublished: meter.createCounter('events_published_total', {
      description: 'Events written to Kafka by the outbox relay',
    }),
    eventsConsumed: meter.createCounter('events_consumed_total', {
      description: 'Events handled successfully by a consumer',
    }),
    eventsFailed: meter.createCounter('events_failed_total', {
      description: 'Event handling attempts that threw (each retry counts), and records refused without an attempt (no readable envelope)',
    }),
    eventsDeadLettered: meter.createCounter('events_dead_lettered_total', {
      description: 'Events moved to the dead-letter topic after exhausting retries',
    }),
    outboxBacklog: meter.createObservableGauge('outbox_backlog', {
      description: 'Outbox rows not yet published to Kafka',
    }),
    consumerLag: meter.createObservableGauge('consumer_lag', {
      description: 'Messages between the committed offset and the high watermark, per partition',
    }),
    consumerLagAge: meter.createObservableGauge('consumer_lag_age_seconds', {
      description: 'Seconds since consumer_lag was last read from the broker (since start if never)',
      unit: 's',
    }),
  };
  return instruments;
}

export function platformMetrics(): PlatformMetrics {
  const { eventsPublished, eventsConsumed, eventsFailed, eventsDeadLettered } = getInstruments();
  return { eventsPublished, eventsConsumed, eventsFailed, eventsDeadLettered };
}

/**
 * Puts the consumer's counters (consumed, failed, dead-lettered) of each label set it will count
 * under at 0, so that their series are exported from boot. The SDK exports a counter's series only
 * after its first add(): events_dead_lettered_total was absent from /metrics until the first dead
 * letter, so an alert rule on it could not be checked against a live service, and Prometheus's
 * increase() missed that first dead letter (a series that appears at 1 has not increased).
 */
export function seedConsumerCounters(labelSets: readonly EventAttributes[]): void {
  const { eventsConsumed, eventsFailed, eventsDeadLettered } = getInstruments();
  for (const attributes of labelSets) {
    for (const counter of [eventsConsumed, eventsFailed, eventsDeadLettered]) counter.add(0, attributes);
  }
}

// A failing probe (database down, admin client disconnected) must not break the whole scrape: the
// series is simply absent for that scrape.
function guarded(name: string, observe: (result: ObservableResult) => Promise<void>) {
  return async (result: ObservableResult) => {
    try {
      await observe(result);
    } catch (error) {
      diag.warn(`${name} callback failed`, error);
    }
  };
}

/** Registers the outbox's backlog probe; returns a function that unregisters it. */
export function observeOutboxBacklog(fn: () => number | Promise<number>): () => void {
  const gauge = getInstruments().outboxBacklog;
  const callback = guarded('outbox_backlog', async (result) => {
    result.observe(await fn());
  });
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}

export interface ConsumerLagOptions {
  /** How often the lag is read from the broker (default every 10 s). */
  readonly everyMs?: number;
  /** A read not answered within this is given up on, and the next turn reads again (default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * Reads the lag (one value per topic/partition) with `read` in the background, every `everyMs`, and
 * serves scrapes the latest reading, with its age as consumer_lag_age_seconds. A scrape never waits
 * on the broker: the callback once awaited the admin's offsets calls, and while the broker did not
 * answer a scrape took 30 s (kafkajs's request timeout), past Prometheus's 10 s scrape timeout, so
 * every metric of the service went missing in a broker incident. Returns an unregister function.
 */
export function observeConsumerLag(read: (signal: AbortSignal) => PartitionLag[] | Promise<PartitionLag[]>, options: ConsumerLagOptions = {}): () => void {
  const { consumerLag, consumerLagAge } = getInstruments();
  const lag = latestInBackground('consumer_lag', read, options.everyMs ?? 10_000, options.timeoutMs ?? 5_000);
  // The SDK keeps reporting the last value of a series that is no longer observed, so after a
  // rebalance a partition this instance gave away would show its old lag forever; report 0 instead.
  const seen = new Map<string, { topic: string; partition: string }>();
  // On a broker outage the last reading stays (its age grows) rather than a reassuring zero.
  const observeLag = (result: ObservableResult) => {
    const latest = lag.latest();
    if (!latest) return;
    const current = new Set<string>();
    for (const { topic, partition, lag: value } of latest.value) {
      const attributes = { topic, partition: String(partition) };
      const key = `${topic}\u0000${attributes.partition}`;
      current.add(key);
      seen.set(key, attributes);
      result.observe(value, attributes);
    }
    for (const [key, attributes] of seen) {
      if (!current.has(key)) result.observe(0, attributes);
    }
  };
  const observeAge = (result: ObservableResult) => result.observe((Date.now() - lag.since()) / 1_000);
  consumerLag.addCallback(observeLag);
  consumerLagAge.addCallback(observeAge);
  return () => {
    lag.stop();
    consumerLag.removeCallback(observeLag);
    consumerLagAge.removeCallback(observeAge);
  };
}

/**
 * Calls `read` now and every `everyMs`, keeping the latest answer. One read at a time; one not
 * answered within `timeoutMs` is given up on (an answer after that is dropped) so that a read that
 * never settles cannot stop the refresh for good, and its signal is aborted so that it stops there
 * and lets go of what it holds (readConsumerGroupLag disconnects its admin client); so is the read
 * pending when the refresh stops.
 */
function latestInBackground<T>(name: string, read: (signal: AbortSignal) => T | Promise<T>, everyMs: number, timeoutMs: number) {
  const started = Date.now();
  let latest: { value: T; at: number } | undefined;
  let pending: AbortController | undefined;
  const refresh = () => {
    if (pending) return;
    const attempt = new AbortController();
    pending = attempt;
    const giveUp = setTimeout(() => {
      if (pending !== attempt) return;
      pending = undefined;
      attempt.abort(new Error(`${name}: no answer within ${timeoutMs} ms`));
      diag.warn(`${name}: no answer within ${timeoutMs} ms; serving the reading of ${latest ? new Date(latest.at).toISOString() : 'none yet'}`);
    }, timeoutMs);
    giveUp.unref();
    Promise.resolve(attempt.signal)
      .then(read)
      .then(
        (value) => {
          if (pending === attempt) latest = { value, at: Date.now() };
        },
        (error) => {
          if (!attempt.signal.aborted) diag.warn(`${name} read failed`, error);
        },
      )
      .finally(() => {
        clearTimeout(giveUp);
        if (pending === attempt) pending = undefined;
      });
  };
  refresh();
  const timer = setInterval(refresh, everyMs);
  timer.unref();
  return {
    latest: () => latest,
    /** When the latest reading was taken (start, if none yet). */
    since: () => latest?.at ?? started,
    stop: () => {
      clearInterval(timer);
      pending?.abort(new Error(`${name}: no longer read`));
      pending = undefined;
    },
  };
}
