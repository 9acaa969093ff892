import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { DataSource, EntityManager } from 'typeorm';
import type { Producer } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { isContractsError } from '@crisis-ops/contracts';
import { context, trace } from '@opentelemetry/api';
import { applyOnce, applyOnceBatch, PermanentEventError, ReceivedEvent, ReliableHandler } from '@crisis-ops/messaging';
import { platformMetrics, startEventSpan } from '@crisis-ops/observability';
import { KAFKA_PRODUCER, SERVICE_CONFIG } from '../tokens';
import type { KafkaBatchContext } from './batching-kafka.server';

/** Runs `fn` in the trace of one event of a batch (what it stages continues that event's trace). */
export type WithinEvent = <T>(event: ReceivedEvent, fn: () => T) => T;

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
      onOutcome: (outcome, e, count, detail) => {
        const attrs = { topic: e.topic, type: e.type, service: config.service };
        (outcome === 'processed' ? metrics.eventsConsumed : metrics.eventsDeadLettered).add(count, attrs);
        // A record refused unread (no readable envelope) failed too, though no handling attempt threw:
        // counted, so that every dead-lettered event shows as a failure first.
        if (detail?.unreadable) metrics.eventsFailed.add(count, attrs);
      },
    });
  }

  /**
   * consume for a batch handler (BATCH_HANDLER): the effect gets the batch's events not applied
   * before, in offset order, all in one transaction with their inbox rows. If the batch fails, each
   * event is retried on its own (ReliableHandler.handleBatch), so one bad event costs only itself.
   * Events already applied before are not passed again; if none is left, the effect does not run.
   * events_failed_total and an error span are for an event whose own handling threw, never for the
   * good events of a batch that one bad event rolled back.
   */
  async consumeBatch(ctx: KafkaBatchContext, effect: (events: ReceivedEvent[], manager: EntityManager, within: WithinEvent) => Promise<void>): Promise<void> {
    const failed = platformMetrics().eventsFailed;
    const records = ctx.getMessages().map((message) => ({ topic: ctx.getTopic(), partition: ctx.getPartition(), message }));
    await this.handler.handleBatch(
      records,
      async (events) => {
        const spans = events.map((e) => startEventSpan(`process ${e.topic}`, e.headers, { 'messaging.system': 'kafka', 'cloudevents.event_type': e.type, 'cloudevents.event_id': e.id }));
        const spanOf = new Map(events.map((e, i) => [e, spans[i]]));
        const within: WithinEvent = (event, fn) => {
          const span = spanOf.get(event);
          return span ? context.with(span.context, fn) : fn();
        };
        try {
          await applyOnceBatch(this.dataSource, this.config.service, events, (fresh, manager) => effect(fresh, manager, within));
          for (const span of spans) span.end();
        } catch (err) {
          if (events.length === 1) {
            // One event handled on its own (a batch of one, or a failed batch's events one by one): its failure.
            spans[0].end(err);
            failed.add(1, { topic: events[0].topic, type: events[0].type, service: this.config.service });
          } else {
            // The whole batch was rolled back, most often for one bad event among many: ReliableHandler
            // retries it, then hands its events back one at a time, and only those whose own handling
            // throws are counted failed and have their span marked an error ("one bad event costs only
            // itself"). These spans only say the batch attempt was undone; the fallback is logged there.
            const reason = (err as Error)?.message ?? String(err);
            for (const span of spans) {
              trace.getSpan(span.context)?.addEvent('batch rolled back: its events are handled again', { 'exception.message': reason, 'messaging.batch.message_count': events.length });
              span.end();
            }
          }
          if (isContractsError(err)) throw new PermanentEventError(err.code, err.message);
          throw err;
        }
      },
      ctx.getHeartbeat(),
    );
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
