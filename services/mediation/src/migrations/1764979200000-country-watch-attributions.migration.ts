import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the signals a country's tally was built from owe (SignalRecorded's attributions: ACLED's
 * attribution for an ACLED import's signals), kept with the tally so the country watch can show it
 * (ACLED's terms: attribute it wherever results built from its data are shown). Additive. The events
 * tallied before this said nothing, so a tally starts owing what the signals seen from now on owe.
 */
export class CountryWatchAttributions1764979200000 implements MigrationInterface {
  name = 'CountryWatchAttributions1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE country_watch ADD COLUMN attributions text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE country_watch DROP COLUMN attributions');
  }
}
