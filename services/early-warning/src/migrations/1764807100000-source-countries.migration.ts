import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The countries each source has recorded data of (signals or aggregate observations), so that a
 * country's risk can say what the data it was built from owes (ACLED's terms: attribute it wherever
 * results built from its data are shown; `/risk` and `risk.csv` said nothing). Asking the signals
 * table instead would scan a large import's rows for every country shown: no index leads with
 * (source, country), and one on the intake's hot table would cost every insert. Additive; filled
 * from what is recorded.
 */
export class SourceCountries1764807100000 implements MigrationInterface {
  name = 'SourceCountries1764807100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_countries (
        source   text NOT NULL,
        country  text NOT NULL,
        PRIMARY KEY (source, country)
      )`);
    await q.query(`
      INSERT INTO source_countries (source, country)
      SELECT source, country FROM signals UNION SELECT source, country FROM aggregate_observations`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE source_countries');
  }
}
