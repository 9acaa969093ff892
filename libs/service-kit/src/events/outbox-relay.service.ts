import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { OutboxRelay } from '@crisis-ops/messaging';
import { observeOutboxBacklog, platformMetrics } from '@crisis-ops/observability';
import { KAFKA_PRODUCER, SERVICE_CONFIG } from '../tokens';

/** Runs the service's outbox relay for the life of the app (active on one replica at a time). */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly relay: OutboxRelay;
  private stopObserving?: () => void;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, @Inject(KAFKA_PRODUCER) producer: Producer) {
    const published = platformMetrics().eventsPublished;
    this.relay = new OutboxRelay({
      database: { ...config.database },
      producer,
      pollMs: config.outboxPollMs,
      retentionMs: config.outboxRetentionMinutes * 60_000,
      logger: { log: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m), error: (m, e) => this.logger.error(m, (e as Error)?.stack) },
      onPublished: (n) => published.add(n, { topic: 'all', type: 'all', service: config.service }),
    });
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
