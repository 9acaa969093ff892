import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { DOMAIN_TOPICS, eventToJson } from '@crisis-ops/contracts';
import { EventConsumer } from '@crisis-ops/service-kit';
import { traceIdOf } from '@crisis-ops/observability';
import { deskOf } from '../access/access-policy';
import { projectEvent } from '../read-model/read-model.projector';
import { StreamHub } from '../stream/stream-hub';
import { streamItemOf, type StreamItem } from '../stream/stream-item';

/**
 * Every domain event lands on the country's timeline and the read model, once, whatever Kafka
 * redelivers; once committed it goes to the live streams of this replica.
 */
@Controller()
export class RecordEventConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly hub: StreamHub,
  ) {}

  @EventPattern([...DOMAIN_TOPICS])
  async onEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    let committed: StreamItem | undefined;
    await this.events.consume(ctx, async (event, m) => {
      // Reset per attempt: only the attempt whose transaction commits may be broadcast.
      committed = undefined;
      const payload = eventToJson(event.type, event.data) as Record<string, unknown>;
      const country = typeof payload.country === 'string' && /^[A-Z]{3}$/.test(payload.country) ? payload.country : null;
      const traceId = traceIdOf(event.traceparent) ?? null;
      await m.query(
        `INSERT INTO timeline_entries (event_id, ce_type, ce_source, subject, country, occurred_at, topic, kafka_partition, kafka_offset, payload, trace_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (event_id) DO NOTHING`,
        [event.id, event.type, event.source, event.subject ?? null, country, event.time, event.topic, event.partition, event.offset, payload, traceId],
      );
      await projectEvent(m, { id: event.id, type: event.type, time: event.time, traceId }, payload);
      committed = streamItemOf({ ...event, traceId }, payload, deskOf);
    });
    // consume() returns once the transaction committed. A duplicate skips the effect, so nothing is
    // set; a failed attempt is reset by the next. Residual case: the effect of the last attempt
    // completes but its COMMIT fails, and the event is dead-lettered yet still shown live.
    if (committed) this.hub.publish(committed);
  }
}
