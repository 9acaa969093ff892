import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { BATCH_HANDLER, EventConsumer, KafkaBatchContext, SERVICE_CONFIG } from '@crisis-ops/service-kit';
import { traceIdOf } from '@crisis-ops/observability';
import { storableText } from '@crisis-ops/persistence';
import { projectEvent } from '../read-model/read-model.projector';
import { announceCommitted } from '../stream/stream-fanout';
import { eventPayloadOf } from './event-payload';

/**
 * Every domain event lands on the country's timeline and the read model, once, whatever Kafka
 * redelivers; once committed it goes to the live streams of every replica (StreamFanout). Events
 * come in batches, one transaction each, so the console keeps up with bursts instead of paying a
 * commit per event.
 */
@Controller()
export class RecordEventConsumer {
  constructor(
    private readonly events: EventConsumer,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @EventPattern([...DOMAIN_TOPICS], BATCH_HANDLER)
  async onEvents(@Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.events.consumeBatch(
      ctx,
      async (events, m) => {
        const entries = events.map((event) => {
          const payload = eventPayloadOf(event);
          const country = typeof payload.country === 'string' && /^[A-Z]{3}$/.test(payload.country) ? payload.country : null;
          return { event, payload, country, traceId: traceIdOf(event.traceparent) ?? null };
        });
        await m.query(
          `INSERT INTO timeline_entries (event_id, ce_type, ce_source, subject, country, occurred_at, topic, kafka_partition, kafka_offset, payload, trace_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::int[], $9::bigint[], $10::jsonb[], $11::text[])
           ON CONFLICT (event_id) DO NOTHING`,
          [
            entries.map((x) => x.event.id),
            // Headers are text the producer chose too (a type this build does not know, a subject): stored
            // as eventPayloadOf stores the payload's. The id is the inbox's key, recorded before this.
            entries.map((x) => storableText(x.event.type)),
            entries.map((x) => storableText(x.event.source)),
            entries.map((x) => (x.event.subject === undefined ? null : storableText(x.event.subject))),
            entries.map((x) => x.country),
            entries.map((x) => x.event.time),
            entries.map((x) => x.event.topic),
            entries.map((x) => x.event.partition),
            entries.map((x) => x.event.offset),
            entries.map((x) => JSON.stringify(x.payload)),
            entries.map((x) => x.traceId),
          ],
        );
        // In offset order: the read model sees a country's events as they happened.
        for (const { event, payload, traceId } of entries) await projectEvent(m, { id: event.id, type: event.type, time: event.time, traceId }, payload);
        // Delivered to every replica's live streams when, and only if, this transaction commits.
        await announceCommitted(m, this.config.database.schema, entries.map((x) => x.event.id));
      },
    );
  }
}
