import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intSettings } from './int-settings';

/**
 * The database boundary between services, as provisioning sets it up: an app role does DML in its
 * own schema and nothing else; only a schema's migrator creates objects in it.
 */
const settings = intSettings();
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const mediationTable = `it_iso_${suffix}`;
const ownTable = `it_own_${suffix}`;
const PERMISSION_DENIED = { code: '42501' };

const clients: Client[] = [];
async function connectAs(role: string): Promise<Client> {
  const { host, port, database } = settings.database;
  const client = new Client({ host, port, database, user: role, password: settings.rolePassword(role) ?? role });
  await client.connect();
  clients.push(client);
  return client;
}

let mediationMigrator: Client;
let mediationApp: Client;
let earlyWarningMigrator: Client;
let earlyWarningApp: Client;

describe('role isolation between service schemas', () => {
  beforeAll(async () => {
    mediationMigrator = await connectAs('mediation_migrator');
    mediationApp = await connectAs('mediation_app');
    earlyWarningMigrator = await connectAs('early_warning_migrator');
    earlyWarningApp = await connectAs('early_warning_app');
    await mediationMigrator.query(`CREATE TABLE mediation.${mediationTable} (id int PRIMARY KEY, note text)`);
    await mediationMigrator.query(`INSERT INTO mediation.${mediationTable} VALUES (1, 'confidential')`);
  });

  afterAll(async () => {
    await mediationMigrator?.query(`DROP TABLE IF EXISTS mediation.${mediationTable}`);
    await earlyWarningMigrator?.query(`DROP TABLE IF EXISTS early_warning.${ownTable}`);
    await Promise.allSettled(clients.map((c) => c.end()));
  });

  it("lets the owning service's app role read the table (control)", async () => {
    const { rows } = await mediationApp.query(`SELECT note FROM ${mediationTable}`);
    expect(rows).toEqual([{ note: 'confidential' }]);
  });

  it("refuses another service's app role to read it", async () => {
    await expect(earlyWarningApp.query(`SELECT * FROM mediation.${mediationTable}`)).rejects.toMatchObject(PERMISSION_DENIED);
  });

  it("refuses another service's migrator to read it too", async () => {
    await expect(earlyWarningMigrator.query(`SELECT * FROM mediation.${mediationTable}`)).rejects.toMatchObject(
      PERMISSION_DENIED,
    );
  });

  it("lets an app role create nothing in another service's schema", async () => {
    for (const ddl of [
      `CREATE TABLE mediation.it_intruder_${suffix} (id int)`,
      `CREATE VIEW mediation.it_intruder_${suffix} AS SELECT 1 AS one`,
      `CREATE SEQUENCE mediation.it_intruder_${suffix}`,
      `CREATE FUNCTION mediation.it_intruder_${suffix}() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
    ]) {
      await expect(earlyWarningApp.query(ddl), ddl).rejects.toMatchObject(PERMISSION_DENIED);
    }
  });

  it('lets an app role create no table in its own schema, nor in public', async () => {
    for (const ddl of [
      `CREATE TABLE early_warning.it_app_${suffix} (id int)`,
      `CREATE TABLE it_app_${suffix} (id int)`,
      `CREATE TABLE public.it_app_${suffix} (id int)`,
    ]) {
      await expect(earlyWarningApp.query(ddl), ddl).rejects.toMatchObject(PERMISSION_DENIED);
    }
  });

  it("sets each role's search_path to its schema", async () => {
    const { rows } = await earlyWarningApp.query('SHOW search_path');
    expect(rows[0]).toEqual({ search_path: 'early_warning' });
  });

  it('lets the migrator create tables, whose rows and sequences the app role may use but not alter', async () => {
    await earlyWarningMigrator.query(`CREATE TABLE ${ownTable} (id serial PRIMARY KEY, note text)`);
    const { rows: schemaOf } = await earlyWarningMigrator.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = $1`,
      [ownTable],
    );
    expect(schemaOf).toEqual([{ table_schema: 'early_warning' }]);

    await earlyWarningApp.query(`INSERT INTO ${ownTable} (note) VALUES ('a'), ('b')`);
    await earlyWarningApp.query(`UPDATE ${ownTable} SET note = 'c' WHERE note = 'b'`);
    await earlyWarningApp.query(`DELETE FROM ${ownTable} WHERE note = 'a'`);
    const { rows } = await earlyWarningApp.query(`SELECT id, note FROM ${ownTable}`);
    expect(rows).toEqual([{ id: 2, note: 'c' }]);

    for (const ddl of [`ALTER TABLE ${ownTable} ADD COLUMN x int`, `TRUNCATE ${ownTable}`, `DROP TABLE ${ownTable}`]) {
      await expect(earlyWarningApp.query(ddl), ddl).rejects.toMatchObject(PERMISSION_DENIED);
    }
  });
});
