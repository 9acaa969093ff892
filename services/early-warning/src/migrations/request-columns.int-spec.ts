import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { migrationScratch, type MigrationScratch } from '@crisis-ops/testing';
import { RiskEnginesRequestColumnsSettled1764806700000 } from './1764806700000-risk-engines-request-columns-settled.migration';

/** The settling migration on the two shapes a risk_engines table can have, each in a scratch schema of the test database. */
describe('early-warning migrations: the request columns settled', () => {
  let scratch: MigrationScratch | undefined;
  let db: Client;
  let schema = '';

  beforeAll(async () => {
    scratch = await migrationScratch('ew_request_columns');
    ({ db, schema } = scratch);
  });

  afterAll(() => scratch?.close());

  const columns = async () =>
    (await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'risk_engines' AND column_name LIKE 'request%' ORDER BY 1`, [schema])).rows;
  const settle = () => scratch?.up(new RiskEnginesRequestColumnsSettled1764806700000());

  it('widens a day-count request_earliest to milliseconds and brings back request_news_from, where the first version left them', async () => {
    await db.query(`CREATE TABLE "${schema}".risk_engines (country text PRIMARY KEY, request_earliest integer, request_days integer[])`);
    await settle();
    expect(await columns()).toEqual([
      { column_name: 'request_days', data_type: 'ARRAY' },
      { column_name: 'request_earliest', data_type: 'bigint' },
      { column_name: 'request_news_from', data_type: 'date' },
    ]);
    await db.query(`INSERT INTO "${schema}".risk_engines (country, request_earliest) VALUES ('XAA', $1)`, [Date.now()]);
    // The released shape: nothing changes.
    await settle();
    expect((await columns()).map((c) => c.data_type)).toEqual(['ARRAY', 'bigint', 'date']);
  });
});
