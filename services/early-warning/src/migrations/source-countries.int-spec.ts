import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationScratch, type MigrationScratch } from '@crisis-ops/testing';
import { SourceCountries1764807100000 } from './1764807100000-source-countries.migration';

/**
 * What is recorded before the migration must owe what it owes after it: the pairs of signals and
 * observations already held are taken in (a deployment's ACLED imports would otherwise show their
 * risk unattributed until imported again). In a scratch schema of the test database.
 */
describe('early-warning migrations: source countries', () => {
  let scratch: MigrationScratch | undefined;

  beforeAll(async () => {
    scratch = await migrationScratch('ew_source_countries');
  });

  afterAll(() => scratch?.close());

  it('takes in the (source, country) pairs of the signals and observations already recorded, each once', async () => {
    const { db, schema } = scratch as MigrationScratch;
    await db.query(`CREATE TABLE "${schema}".signals (source text NOT NULL, country text NOT NULL)`);
    await db.query(`CREATE TABLE "${schema}".aggregate_observations (source text NOT NULL, country text NOT NULL)`);
    await db.query(`INSERT INTO "${schema}".signals VALUES ('acled-bfa', 'BFA'), ('acled-bfa', 'BFA'), ('acled-bfa', 'MLI'), ('desk', 'BFA')`);
    await db.query(`INSERT INTO "${schema}".aggregate_observations VALUES ('acled-bfa', 'BFA'), ('monthly', 'ZAF')`);
    await scratch?.up(new SourceCountries1764807100000());
    const { rows } = await db.query(`SELECT source, country FROM "${schema}".source_countries ORDER BY 1, 2`);
    expect(rows).toEqual([
      { source: 'acled-bfa', country: 'BFA' },
      { source: 'acled-bfa', country: 'MLI' },
      { source: 'desk', country: 'BFA' },
      { source: 'monthly', country: 'ZAF' },
    ]);
  });
});
