import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_AGGREGATE_OBSERVED } from '@crisis-ops/contracts';
import type { PublishedEvent } from '@crisis-ops/service-kit';
import type { AggregateObservation, Signal } from '../domain';
import type { IntakeOrigin, SignalWriter } from '../signals/intake/signal-writer';
import type { ImportSink } from './import-runner';

/** Stages events in the caller's transaction (EventPublisher.stage). */
export interface ObservationStager {
  stage(manager: EntityManager, events: ReadonlyArray<PublishedEvent<typeof CE_AGGREGATE_OBSERVED>>): Promise<unknown>;
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The primary key of aggregate_observations: what makes two observations the same one. */
const keyOf = (o: Pick<AggregateObservation, 'source' | 'country' | 'admin1' | 'admin2' | 'periodStart'>): string =>
  [o.source, o.country, o.admin1 ?? '', o.admin2 ?? '', isoDay(o.periodStart)].join('\u0000');

// Fixed namespace of the name-based ids below; changing it would rename every observation.
const OBSERVATION_NAMESPACE = Buffer.from('5d0e3a4c8f2b4e7a9c61b0d2f4a8e317', 'hex');

/**
 * A name-based (RFC 9562 version 5) UUID of the observation's key: the table needs no id column,
 * and the same observation has the same id in every event and every database.
 */
export function observationId(o: Pick<AggregateObservation, 'source' | 'country' | 'admin1' | 'admin2' | 'periodStart'>): string {
  const h = createHash('sha1').update(OBSERVATION_NAMESPACE).update(keyOf(o), 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The AggregateObserved event of a newly recorded observation. */
export function aggregateObserved(o: AggregateObservation, origin: IntakeOrigin): PublishedEvent<typeof CE_AGGREGATE_OBSERVED> {
  const id = observationId(o);
  return {
    type: CE_AGGREGATE_OBSERVED,
    subject: id,
    data: {
      observationId: id,
      source: o.source,
      country: o.country,
      admin1: o.admin1 ?? '',
      admin2: o.admin2 ?? '',
      periodStart: timestampFromDate(o.periodStart),
      periodEnd: timestampFromDate(o.periodEnd),
      events: o.events,
      fatalities: o.fatalities,
      origin,
    },
  };
}

/**
 * The observations of a batch that the insert reported as new, in batch order. A key repeated in
 * the batch was inserted once (the first row; ON CONFLICT skips the rest), so only its first
 * occurrence counts.
 */
export function insertedInOrder(batch: readonly AggregateObservation[], insertedKeys: Iterable<string>): AggregateObservation[] {
  const pending = new Set(insertedKeys);
  return batch.filter((o) => pending.delete(keyOf(o)));
}

/**
 * Signals through the intake (origin "import"); observations idempotent per (source, area, period),
 * each new one announced by an AggregateObserved in the same transaction so the live risk engine
 * sees it, on the signals' topic and in commit order with the country's signals.
 */
export function intakeSink(intake: SignalWriter, db: DataSource, events: ObservationStager): ImportSink {
  return {
    async attribute(sources: ReadonlyMap<string, readonly string[]>) {
      const pairs = [...sources].flatMap(([source, owed]) => owed.map((attribution) => [source, attribution] as const));
      await db.query(
        'INSERT INTO source_attributions (source, attribution) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
    },
    async openDays(countries: readonly string[]) {
      // The engine's own field (RiskEngine.currentDay), kept in the stored header of its snapshot.
      const rows: Array<{ country: string; open_day: number }> = await db.query(
        `SELECT country, (snapshot->>'openDay')::int AS open_day FROM risk_engines WHERE country = ANY($1::text[]) AND snapshot->>'openDay' IS NOT NULL`,
        [countries],
      );
      return new Map(rows.map((r) => [r.country, new Date(r.open_day * 86_400_000)]));
    },
    async signals(batch: readonly Signal[]) {
      const results = await intake.record(batch, { origin: 'import' });
      const fresh = results.map((r) => r.status === 'recorded');
      const recorded = fresh.filter(Boolean).length;
      return { recorded, duplicates: results.length - recorded, differing: results.filter((r) => r.differs).length, fresh };
    },
    async observations(batch: readonly AggregateObservation[]) {
      if (batch.length === 0) return { recorded: 0, duplicates: 0, differing: 0, fresh: [] };
      const written = await db.transaction(async (m) => {
        // The key comes back as text: node-pg would turn a date into a Date at local midnight.
        const rows: Array<{ source: string; country: string; admin1: string; admin2: string; period_start: string }> = await m.query(
          `WITH inserted AS (
             INSERT INTO aggregate_observations (source, country, admin1, admin2, period_start, period_end, events, fatalities)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::int[], $8::int[])
             ON CONFLICT DO NOTHING
             RETURNING source, country, admin1, admin2, to_char(period_start, 'YYYY-MM-DD') AS period_start
           ), pairs AS (
             -- What a country's risk owes its sources is read there (as for signals, SignalWriter).
             INSERT INTO source_countries (source, country)
             SELECT source, country FROM inserted GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT DO NOTHING
           )
           SELECT * FROM inserted`,
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
        const inserted = insertedInOrder(
          batch,
          rows.map((r) => [r.source, r.country, r.admin1, r.admin2, r.period_start].join('\u0000')),
        );
        if (inserted.length > 0) await events.stage(m, inserted.map((o) => aggregateObserved(o, 'import')));
        // Already recorded with other counts (a revised month): not applied, and the report says how many.
        // Every row but the copies just inserted, a key's repeats within this batch included: those
        // are compared with its first copy, recorded by this insert, as a later batch's would be.
        const insertedRows = new Set(inserted);
        const again = batch.filter((o) => !insertedRows.has(o));
        const fresh = batch.map((o) => insertedRows.has(o));
        if (again.length === 0) return { recorded: inserted.length, differing: 0, fresh };
        const stored: Array<{ source: string; country: string; admin1: string; admin2: string; period_start: string; events: number; fatalities: number; period_end: string }> = await m.query(
          `SELECT a.source, a.country, a.admin1, a.admin2, to_char(a.period_start, 'YYYY-MM-DD') AS period_start, a.events, a.fatalities, to_char(a.period_end, 'YYYY-MM-DD') AS period_end
           FROM aggregate_observations a JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[]) AS d(source, country, admin1, admin2, period_start)
             ON (a.source, a.country, a.admin1, a.admin2, a.period_start) = (d.source, d.country, d.admin1, d.admin2, d.period_start)`,
          [again.map((o) => o.source), again.map((o) => o.country), again.map((o) => o.admin1 ?? ''), again.map((o) => o.admin2 ?? ''), again.map((o) => isoDay(o.periodStart))],
        );
        const byKey = new Map(stored.map((r) => [[r.source, r.country, r.admin1, r.admin2, r.period_start].join('\u0000'), r]));
        const differing = again.filter((o) => {
          const r = byKey.get(keyOf(o));
          return r !== undefined && (r.events !== o.events || r.fatalities !== o.fatalities || r.period_end !== isoDay(o.periodEnd));
        }).length;
        return { recorded: inserted.length, differing, fresh };
      });
      return { recorded: written.recorded, duplicates: batch.length - written.recorded, differing: written.differing, fresh: written.fresh };
    },
  };
}
