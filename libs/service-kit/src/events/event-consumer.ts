import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { DataSource, EntityManager } from 'typeorm';
import type { Producer } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { isContractsError } from '@crisis-ops/contracts';
import { applyOnce, PermanentEventError, ReceivedEvent, ReliableHandler } from '@crisis-ops/messaging';
import { platformMetrics } from '@crisis-ops/observability';
import { KAFKA_PRODUCER, SERVICE_CONFIG } from '../tokens';

/**
 * What a service's `@EventPattern` handler calls: the effect runs once per event id (inbox), in one
 * transaction, with retries and a dead-letter topic, so the handler never throws back into Nest.
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly handler: ReliableHandler;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(KAFKA_PRODUCER) producer: Producer,
    private readonly dataSource: DataSource,
  ) {
    const metrics = platformMetrics();
    this.handler = new ReliableHandler({
      consumer: config.service,
      producer,
      logger: { warn: (m) => this.logger.warn(m), error: (m) => this.logger.error(m) },
      onOutcome: (outcome, e) => {
        const attrs = { topic: e.topic, type: e.type, service: config.service };
        (outcome === 'processed' ? metrics.eventsConsumed : metrics.eventsDeadLettered).add(1, attrs);
      },
    });
  }

  async consume(ctx: KafkaContext, effect: (event: ReceivedEvent, manager: EntityManager) => Promise<void>): Promise<void> {
    const failed = platformMetrics().eventsFailed;
    await this.handler.handle({ topic: ctx.getTopic(), partition: ctx.getPartition(), message: ctx.getMessage() }, async (event) => {
      try {
        await applyOnce(this.dataSource, this.config.service, event, (manager) => effect(event, manager));
      } catch (err) {
        failed.add(1, { topic: event.topic, type: event.type, service: this.config.service });
        // An unknown type or an undecodable payload will not decode better on the next attempt.
        if (isContractsError(err)) throw new PermanentEventError(err.code, err.message);
        throw err;
      }
    });
  }
}
