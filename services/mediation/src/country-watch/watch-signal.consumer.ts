import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, decodeEvent, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { EventConsumer } from '@crisis-ops/service-kit';

/** Keeps a per-country tally of recorded signals: the context a mediation proposal starts from. */
@Controller()
export class WatchSignalConsumer {
  constructor(private readonly events: EventConsumer) {}

  @EventPattern(TOPIC_SIGNALS)
  async onSignal(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.events.consume(ctx, async (event, m) => {
      if (event.type !== CE_SIGNAL_RECORDED) return;
      const signal = decodeEvent(CE_SIGNAL_RECORDED, event.data);
      const occurredAt = signal.occurredAt ? timestampDate(signal.occurredAt) : event.time;
      await m.query(
        `INSERT INTO country_watch (country, signals_seen, fatalities_seen, last_signal_at, last_event_id)
         VALUES ($1, 1, $2, $3, $4)
         ON CONFLICT (country) DO UPDATE SET
           signals_seen = country_watch.signals_seen + 1,
           fatalities_seen = country_watch.fatalities_seen + EXCLUDED.fatalities_seen,
           last_signal_at = GREATEST(country_watch.last_signal_at, EXCLUDED.last_signal_at),
           last_event_id = EXCLUDED.last_event_id,
           updated_at = now()`,
        [signal.country, signal.fatalities, occurredAt, event.id],
      );
    });
  }
}
