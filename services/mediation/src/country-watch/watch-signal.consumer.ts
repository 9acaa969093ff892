import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, decodeEvent, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { BATCH_HANDLER, EventConsumer, KafkaBatchContext } from '@crisis-ops/service-kit';

interface Tally {
  signals: number;
  fatalities: number;
  lastSignalAt: Date;
  lastEventId: string;
  /** What the batch's signals of the country owe (SignalRecorded's attributions). */
  attributions: Set<string>;
}

/**
 * Keeps a per-country tally of recorded signals, with what they owe (their attributions): the
 * context a mediation proposal starts from.
 * Signals come in batches (a bulk import publishes them by the million), tallied per country and
 * written with one statement per batch.
 */
@Controller()
export class WatchSignalConsumer {
  constructor(private readonly events: EventConsumer) {}

  @EventPattern(TOPIC_SIGNALS, BATCH_HANDLER)
  async onSignals(@Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.events.consumeBatch(ctx, async (events, m) => {
      const tallies = new Map<string, Tally>();
      for (const event of events) {
        if (event.type !== CE_SIGNAL_RECORDED) continue;
        const signal = decodeEvent(CE_SIGNAL_RECORDED, event.data);
        const occurredAt = signal.occurredAt ? timestampDate(signal.occurredAt) : event.time;
        const t = tallies.get(signal.country);
        if (!t) tallies.set(signal.country, { signals: 1, fatalities: signal.fatalities, lastSignalAt: occurredAt, lastEventId: event.id, attributions: new Set(signal.attributions) });
        else {
          t.signals++;
          t.fatalities += signal.fatalities;
          if (occurredAt > t.lastSignalAt) t.lastSignalAt = occurredAt;
          t.lastEventId = event.id;
          for (const a of signal.attributions) t.attributions.add(a);
        }
      }
      if (tallies.size === 0) return;
      const rows = [...tallies];
      // What the tally was built from owes (ACLED's terms: attribute it wherever results built from its
      // data are shown): the union of what its signals said, each once, sorted. A country's list travels
      // as one JSON array (unnest would flatten a two-dimensional text[]); most are empty.
      await m.query(
        `INSERT INTO country_watch (country, signals_seen, fatalities_seen, last_signal_at, last_event_id, attributions)
         SELECT c, s, f, l, e, ARRAY(SELECT DISTINCT v FROM jsonb_array_elements_text(a) AS v ORDER BY 1)
         FROM unnest($1::text[], $2::int8[], $3::int8[], $4::timestamptz[], $5::text[], $6::jsonb[]) AS x(c, s, f, l, e, a)
         ON CONFLICT (country) DO UPDATE SET
           signals_seen = country_watch.signals_seen + EXCLUDED.signals_seen,
           fatalities_seen = country_watch.fatalities_seen + EXCLUDED.fatalities_seen,
           last_signal_at = GREATEST(country_watch.last_signal_at, EXCLUDED.last_signal_at),
           last_event_id = EXCLUDED.last_event_id,
           attributions = ARRAY(SELECT DISTINCT v FROM unnest(country_watch.attributions || EXCLUDED.attributions) AS v ORDER BY 1),
           updated_at = now()`,
        [
          rows.map(([c]) => c),
          rows.map(([, t]) => t.signals),
          rows.map(([, t]) => t.fatalities),
          rows.map(([, t]) => t.lastSignalAt),
          rows.map(([, t]) => t.lastEventId),
          rows.map(([, t]) => JSON.stringify([...t.attributions])),
        ],
      );
    });
  }
}
