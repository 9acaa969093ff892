import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSignals1764115300000 implements MigrationInterface {
  name = 'CreateSignals1764115300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signals (
        id               uuid PRIMARY KEY,
        source           text NOT NULL,
        source_signal_id text,
        country          char(3) NOT NULL,
        admin1           text,
        location         text,
        type             text NOT NULL,
        occurred_at      timestamptz NOT NULL,
        reported_at      timestamptz NOT NULL,
        fatalities       integer NOT NULL CHECK (fatalities >= 0),
        severity         smallint CHECK (severity BETWEEN 1 AND 5),
        notes            text,
        recorded_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // Idempotent intake: a client's id is unique within its source.
    await q.query('CREATE UNIQUE INDEX signals_source_id ON signals (source, source_signal_id) WHERE source_signal_id IS NOT NULL');
    await q.query('CREATE INDEX signals_country_occurred ON signals (country, occurred_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE signals');
  }
}
