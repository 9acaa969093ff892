import type { DataSource } from 'typeorm';
import type { AggregateObservation, Signal } from '../domain';
import type { SignalWriter } from '../signals/intake/signal-writer';
import type { ImportSink } from './import-runner';

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Signals through the intake (origin "import"); observations idempotent per (source, area, period). */
export function intakeSink(intake: SignalWriter, db: DataSource): ImportSink {
  return {
    async signals(batch: readonly Signal[]) {
      const results = await intake.record(batch, { origin: 'import' });
      const recorded = results.filter((r) => r.status === 'recorded').length;
      return { recorded, duplicates: results.length - recorded };
    },
    async observations(batch: readonly AggregateObservation[]) {
      const rows: unknown[] = await db.query(
        `INSERT INTO aggregate_observations (source, country, admin1, admin2, period_start, period_end, events, fatalities)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::int[], $8::int[])
         ON CONFLICT DO NOTHING RETURNING 1`,
        [
          batch.map((o) => o.source),
          batch.map((o) => o.country),
          batch.map((o) => o.admin1 ?? ''),
          batch.map((o) => o.admin2 ?? ''),
          batch.map((o) => isoDay(o.periodStart)),
          batch.map((o) => isoDay(o.periodEnd)),
          batch.map((o) => o.events),
          batch.map((o) => o.fatalities),
        ],
      );
      return { recorded: rows.length, duplicates: batch.length - rows.length };
    },
  };
}
