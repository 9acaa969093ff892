import type { MigrationInterface, QueryRunner } from 'typeorm';

/** ACLED_ATTRIBUTION as this migration wrote it: a migration does not change with the code. */
const ACLED = "Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com. Use is subject to ACLED's terms of use and attribution policy.";

/**
 * The attributions a source's data owes (ACLED's terms, UCDP's CC BY 4.0), kept by an import of its
 * rows, so that the signals export attributes them: an ACLED file imported under a source of its own
 * left no trace of ACLED, and its export (and anything built from it) went out unattributed. Additive;
 * the sources already recorded under a name imports take as ACLED's (`acled…`) are attributed as an
 * import of them now would.
 */
export class SourceAttributions1764806900000 implements MigrationInterface {
  name = 'SourceAttributions1764806900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_attributions (
        source       text NOT NULL,
        attribution  text NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, attribution)
      )`);
    await q.query(`INSERT INTO source_attributions (source, attribution) SELECT DISTINCT source, $1 FROM signals WHERE lower(btrim(source)) LIKE 'acled%'`, [ACLED]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE source_attributions');
  }
}
