import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the data a country's risk was built from owes (ACLED's attribution: its terms ask for it
 * wherever results built from its data are shown), as early-warning's risk events carry it
 * (`attributions`): the board, the map and the country page showed an ACLED import's risk with no
 * word of ACLED. Kept per country, the latest event's (`seen_at`, its time, so a late one does not
 * set it back), and on each alert, its escalation's. Additive: events recorded before carry none, so
 * nothing is filled; a country's next risk event says what it owes.
 */
export class RiskAttributions1765700000000 implements MigrationInterface {
  name = 'RiskAttributions1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE country_attributions (
        country      char(3) PRIMARY KEY,
        attributions text[] NOT NULL,
        seen_at      timestamptz NOT NULL
      )`);
    await q.query(`ALTER TABLE alerts ADD COLUMN attributions text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerts DROP COLUMN attributions');
    await q.query('DROP TABLE country_attributions');
  }
}
