import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adminClient, testInfra, uniqueSuffix } from '@crisis-ops/testing';
import { createServiceDataSource } from './data-source';
import { runMigrations } from './run-migrations';

class ThingsTable1764999999999 implements MigrationInterface {
  name = 'ThingsTable1764999999999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE things (id int PRIMARY KEY)');
    await q.query('INSERT INTO things VALUES (1)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE things');
  }
}

/**
 * A database where provisioning did not create the schema, and the migrator was granted CREATE on the
 * database instead: the runner creates the schema, and the app role must be able to use it.
 */
describe('migrations where the migrator creates its own schema', () => {
  const schema = `selfmade_${uniqueSuffix()}`;
  const migrator = `${schema}_migrator`;
  const app = `${schema}_app`;
  const { database } = testInfra();
  const config = { host: database.host, port: database.port, name: database.name, schema, user: app, password: 'app-pw', migratorUser: migrator, migratorPassword: 'migrator-pw', poolSize: 2 };

  const asAdmin = async (sql: string[]) => {
    const client = adminClient();
    await client.connect();
    try {
      for (const statement of sql) await client.query(statement);
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await asAdmin([`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, `DROP OWNED BY "${migrator}", "${app}"`, `DROP ROLE IF EXISTS "${migrator}"`, `DROP ROLE IF EXISTS "${app}"`]);
  });

  it('creates the schema once when two replicas boot together, and the app role can read what the migrations made', async () => {
    await asAdmin([
      `CREATE ROLE "${migrator}" LOGIN PASSWORD 'migrator-pw'`,
      `CREATE ROLE "${app}" LOGIN PASSWORD 'app-pw'`,
      `GRANT CONNECT, CREATE ON DATABASE "${database.name}" TO "${migrator}"`,
      `GRANT CONNECT ON DATABASE "${database.name}" TO "${app}"`,
    ]);
    const runs = await Promise.all([runMigrations({ config, migrations: [ThingsTable1764999999999] }), runMigrations({ config, migrations: [ThingsTable1764999999999] })]);
    expect(runs.flat()).toEqual(['ThingsTable1764999999999']);

    const dataSource = createServiceDataSource({ config, as: 'app' });
    await dataSource.initialize();
    try {
      expect(await dataSource.query('SELECT id FROM things')).toEqual([{ id: 1 }]);
      // Its sessions end within half a minute of their client's host vanishing, and their locks with them.
      const [settings] = await dataSource.query(
        `SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS every, current_setting('tcp_keepalives_count') AS probes, current_setting('tcp_user_timeout') AS unacked`,
      );
      expect(settings).toEqual({ idle: '10', every: '5', probes: '3', unacked: '30000' });
    } finally {
      await dataSource.destroy();
    }
  });
});
