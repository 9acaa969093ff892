import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Context from other services that moves a score (an agreement reached in mediation, later
 * elections), per area (admin1 '' = national) and for a span of days: the engine asks for it by
 * event day, so it is stored by day, not as a timestamp.
 */
export class RiskContext1764374600000 implements MigrationInterface {
  name = 'RiskContext1764374600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE risk_context (
        id               bigserial PRIMARY KEY,
        country          text NOT NULL,
        admin1           text NOT NULL DEFAULT '',
        kind             text NOT NULL,
        label            text NOT NULL,
        points           double precision NOT NULL CHECK (points BETWEEN -100 AND 100),
        valid_from       date NOT NULL,
        -- First day no longer in force (exclusive, like an aggregate's period_end).
        valid_until      date NOT NULL CHECK (valid_until > valid_from),
        reference        text NOT NULL DEFAULT '',
        source_event_id  text NOT NULL UNIQUE,
        recorded_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // Live risk loads a country's context not yet expired at the start of every batch it applies.
    await q.query('CREATE INDEX risk_context_country_until ON risk_context (country, valid_until)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE risk_context');
  }
}
