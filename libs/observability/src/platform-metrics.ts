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
      description: 'Event handling attempts that threw (each retry counts)',
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
  };
  return instruments;
}

export function platformMetrics(): PlatformMetrics {
  const { eventsPublished, eventsConsumed, eventsFailed, eventsDeadLettered } = getInstruments();
  return { eventsPublished, eventsConsumed, eventsFailed, eventsDeadLettered };
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

/** Registers a lag probe reporting one value per topic/partition; returns an unregister function. */
export function observeConsumerLag(fn: () => PartitionLag[] | Promise<PartitionLag[]>): () => void {
  const gauge = getInstruments().consumerLag;
  // The SDK keeps reporting the last value of a series that is no longer observed, so after a
  // rebalance a partition this instance gave away would show its old lag forever; report 0 instead.
  const seen = new Map<string, { topic: string; partition: string }>();
  const callback = guarded('consumer_lag', async (result) => {
    const current = new Set<string>();
    for (const { topic, partition, lag } of await fn()) {
      const attributes = { topic, partition: String(partition) };
      const key = `${topic}\u0000${attributes.partition}`;
      current.add(key);
      seen.set(key, attributes);
      result.observe(lag, attributes);
    }
    for (const [key, attributes] of seen) {
      if (!current.has(key)) result.observe(0, attributes);
    }
  });
  gauge.addCallback(callback);
  return () => gauge.removeCallback(callback);
}
