import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What mediation knows of each country's recent signals, as context for proposing a process. */
export class CreateCountryWatch1764115500000 implements MigrationInterface {
  name = 'CreateCountryWatch1764115500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE country_watch (
        country         char(3) PRIMARY KEY,
        signals_seen    integer NOT NULL,
        fatalities_seen integer NOT NULL,
        last_signal_at  timestamptz NOT NULL,
        last_event_id   text NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE country_watch');
  }
}
