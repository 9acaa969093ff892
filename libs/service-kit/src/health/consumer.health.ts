import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Consumer } from 'kafkajs';

/**
 * How long a fetch the consumer has begun may go unanswered before it is said not to be consuming.
 * A fetch is answered within the consumer's maxWaitTimeInMs (a quarter second) when the broker is
 * there; kafkajs retries one that fails for about 47 s before it crashes the consumer, and waits 30 s
 * on a broker that does not answer, the whole while saying nothing an indicator could follow.
 */
export const FETCH_UNANSWERED_MS = 10_000;

/**
 * Whether the service's Kafka consumer is consuming: running, and its fetches answered. kafkajs stops
 * the consumer on every crash and restarts it when the error is one it retries (a broker restart, the
 * consumer's database out of reach): the replica is not ready meanwhile, and ready again once the
 * consumer has rejoined its group. Before that crash, while kafkajs still retries a broker it has
 * lost, the consumer is not consuming either: a fetch begun and unanswered for FETCH_UNANSWERED_MS
 * says so (it said "consuming" through a whole broker outage). kafkajs fetches from each broker that
leads a partition of the consumer's on its own (one fetcher per node), so the bound is kept per broker:
one broker answering cannot hide another that hangs, whose partitions nobody consumes meanwhile (a
fetch answered by any broker cleared it). Only a fetch counts: the consumer
 * fetches nothing while a handler runs, however long, so a slow batch never makes it unready; nor
 * does a rebalance, which it waits out in its group, not on a fetch. On an error kafkajs does not
 * retry (a bug in a handler's plumbing, an authorisation error) it gives up for good while the
 * process stays up, its partitions consumed by nobody, and Nest only notes it: then the replica is
 * neither ready nor live, so the orchestrator restarts it.
 */
@Injectable()
export class ConsumerHealthIndicator implements BeforeApplicationShutdown {
  private pause?: string;
  private fatal?: string;
  /** Per broker (kafkajs's nodeId), when its oldest fetch still unanswered began. */
  private readonly fetchingSince = new Map<string, number>();
  private watched = false;
  private closing = false;

  constructor(private readonly indicators: HealthIndicatorService) {}

  /** Follows the consumer's stop, crash, group-join, rebalance and fetch events; called once the consumer runs. */
  watch(consumer: Pick<Consumer, 'on' | 'events'>): void {
    this.watched = true;
    consumer.on(consumer.events.STOP, () => {
      if (!this.closing) this.pause ??= 'the consumer stopped';
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) this.pause = `the consumer is restarting after: ${payload.error.message}`;
      else this.fatal = `the consumer stopped for good after an error it does not retry: ${payload.error.message}`;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.pause = undefined;
      this.fetchingSince.clear();
    });
    // A fetch that fails (the broker gone) emits no FETCH and is begun again: the oldest start of
    // each broker counts, and only that broker's answer ends it.
    consumer.on(consumer.events.FETCH_START, ({ payload }) => {
      const node = nodeOf(payload);
      if (!this.fetchingSince.has(node)) this.fetchingSince.set(node, Date.now());
    });
    consumer.on(consumer.events.FETCH, ({ payload }) => {
      this.fetchingSince.delete(nodeOf(payload));
    });
    // A fetch given up on because the group rebalances: the consumer rejoins, and fetches after.
    consumer.on(consumer.events.REBALANCING, () => {
      this.fetchingSince.clear();
    });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  /** For readiness: consuming now. */
  check(key: string) {
    const indicator = this.indicators.check(key);
    if (!this.watched) return indicator.up({ consuming: false });
    const problem = this.fatal ?? this.pause ?? this.unanswered();
    return problem ? indicator.down({ consuming: false, message: problem }) : indicator.up({ consuming: true });
  }

  /** For liveness: why the process should be restarted, if it should. */
  get givenUp(): string | undefined {
    return this.fatal;
  }

  private unanswered(): string | undefined {
    if (this.closing) return undefined;
    let oldest: [string, number] | undefined;
    for (const entry of this.fetchingSince) if (!oldest || entry[1] < oldest[1]) oldest = entry;
    if (!oldest) return undefined;
    const [node, since] = oldest;
    const waited = Date.now() - since;
    if (waited < FETCH_UNANSWERED_MS) return undefined;
    return `broker ${node} has not answered the consumer's fetches for ${Math.round(waited / 1000)} s (since ${new Date(since).toISOString()})`;
  }
}

/** The broker a fetch event is of (kafkajs's nodeId in FETCH_START and FETCH); `?` if it says none. */
function nodeOf(payload: unknown): string {
  const node = (payload as { nodeId?: unknown } | undefined)?.nodeId;
  return node === undefined || node === null ? '?' : String(node);
}
