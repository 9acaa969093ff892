import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { OutboxRelay, ThreadedOutboxRelay, type RelayLogger } from '@crisis-ops/messaging';
import { observeOutboxBacklog, platformMetrics } from '@crisis-ops/observability';
import { DEAD_PEER_SETTINGS } from '@crisis-ops/persistence';
import { KAFKA_PRODUCER, SERVICE_CONFIG } from '../tokens';

let relayThreadEntry: string | undefined;

/**
 * Runs the outbox relay on a thread of its own, started from `entry` (the relay-thread.js built
 * beside the service's main.js); bootstrapService calls it. Apps booted another way (inside tests)
 * keep the relay on their one thread.
 */
export function relayOnThreadOf(entry: string | undefined): void {
  relayThreadEntry = entry;
}

/** Runs the service's outbox relay for the life of the app (active on one replica at a time). */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly relay: OutboxRelay | ThreadedOutboxRelay;
  private stopObserving?: () => void;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, @Inject(KAFKA_PRODUCER) producer: Producer) {
    const published = platformMetrics().eventsPublished;
    const logger: RelayLogger = { log: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m), error: (m, e) => this.logger.error(m, (e as Error)?.stack) };
    const common = {
      database: { ...config.database, sessionSettings: DEAD_PEER_SETTINGS },
      pollMs: config.outboxPollMs,
      inboxRetentionMs: config.inboxRetentionDays * 86_400_000,
      logger,
      onPublished: (n: number) => published.add(n, { topic: 'all', type: 'all', service: config.service }),
    };
    this.relay =
      config.outboxRelayThread && relayThreadEntry
        ? new ThreadedOutboxRelay({ ...common, entry: relayThreadEntry, serviceName: config.service, kafka: { clientId: `${config.service}-outbox-relay`, brokers: config.kafkaBrokers } })
        : new OutboxRelay({ ...common, producer });
  }

  get isActive(): boolean {
    return this.relay.isLeader;
  }

  get backlog(): number {
    return this.relay.backlog;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopObserving = observeOutboxBacklog(() => this.relay.backlog);
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopObserving?.();
    await this.relay.stop();
  }
}
