import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { DOMAIN_TOPICS, eventToJson } from '@crisis-ops/contracts';
import { EventConsumer } from '@crisis-ops/service-kit';
import { traceIdOf } from '@crisis-ops/observability';

/** Every domain event lands on the country's timeline, once, whatever Kafka redelivers. */
@Controller()
export class RecordEventConsumer {
  constructor(private readonly events: EventConsumer) {}

  @EventPattern([...DOMAIN_TOPICS])
  async onEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.events.consume(ctx, async (event, m) => {
      const payload = eventToJson(event.type, event.data) as Record<string, unknown>;
      const country = typeof payload.country === 'string' && /^[A-Z]{3}$/.test(payload.country) ? payload.country : null;
      await m.query(
        `INSERT INTO timeline_entries (event_id, ce_type, ce_source, subject, country, occurred_at, topic, kafka_partition, kafka_offset, payload, trace_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (event_id) DO NOTHING`,
        [event.id, event.type, event.source, event.subject ?? null, country, event.time, event.topic, event.partition, event.offset, payload, traceIdOf(event.traceparent) ?? null],
      );
    });
  }
}
