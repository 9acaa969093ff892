import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full signal fields, live risk state per country, assessments, import jobs and aggregate
 * observations. Appended after the walking skeleton's signals table (never edit a shipped migration).
 */
export class IntakeRiskImports1764374400000 implements MigrationInterface {
  name = 'IntakeRiskImports1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE signals
        ADD COLUMN admin2    text,
        ADD COLUMN latitude  double precision,
        ADD COLUMN longitude double precision,
        ADD COLUMN sub_type  text,
        ADD COLUMN origin    text NOT NULL DEFAULT 'api',
        ADD COLUMN seq       bigserial`);
    // Keyset pagination walks seq (insertion order); filters narrow by country or source first.
    await q.query('CREATE UNIQUE INDEX signals_seq ON signals (seq)');
    await q.query('CREATE INDEX signals_country_seq ON signals (country, seq)');
    await q.query('CREATE INDEX signals_source_seq ON signals (source, seq)');

    // One RiskEngine per country (it and its admin1s), as a JSON snapshot, updated with each signal.
    await q.query(`
      CREATE TABLE risk_engines (
        country     text PRIMARY KEY,
        snapshot    jsonb NOT NULL,
        signals     bigint NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // The latest score and level of every area (admin1 '' = national), for queries.
    await q.query(`
      CREATE TABLE risk_current (
        country       text NOT NULL,
        admin1        text NOT NULL DEFAULT '',
        score         double precision NOT NULL,
        level         text NOT NULL,
        level_since   date NOT NULL,
        assessed_day  date,
        trend_delta   double precision,
        drivers       jsonb,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (country, admin1)
      )`);
    await q.query(`
      CREATE TABLE risk_assessments (
        id              bigserial PRIMARY KEY,
        country         text NOT NULL,
        admin1          text NOT NULL DEFAULT '',
        kind            text NOT NULL CHECK (kind IN ('assessed', 'escalated', 'deescalated')),
        day             date NOT NULL,
        score           double precision NOT NULL,
        level           text NOT NULL,
        previous_level  text,
        escalation_id   text,
        drivers         jsonb NOT NULL,
        origin          text NOT NULL,
        provisional     boolean NOT NULL DEFAULT false,
        published       boolean NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX risk_assessments_country ON risk_assessments (country, id DESC)');
    await q.query(`
      CREATE TABLE import_jobs (
        id           uuid PRIMARY KEY,
        status       text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        file_name    text,
        bytes        bigint,
        format       text,
        source       text,
        rows_read    bigint NOT NULL DEFAULT 0,
        report       jsonb,
        error        text,
        created_by   text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz
      )`);
    // Counts for an area over a period (ACLED monthly, country-month series), idempotent per period.
    await q.query(`
      CREATE TABLE aggregate_observations (
        source        text NOT NULL,
        country       text NOT NULL,
        admin1        text NOT NULL DEFAULT '',
        admin2        text NOT NULL DEFAULT '',
        period_start  date NOT NULL,
        period_end    date NOT NULL,
        events        integer NOT NULL,
        fatalities    integer NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, country, admin1, admin2, period_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregate_observations, import_jobs, risk_assessments, risk_current, risk_engines');
    await q.query('ALTER TABLE signals DROP COLUMN admin2, DROP COLUMN latitude, DROP COLUMN longitude, DROP COLUMN sub_type, DROP COLUMN origin, DROP COLUMN seq');
  }
}
