import { createServiceDataSource, ServiceDataSourceInput } from './data-source';

/**
 * Runs a service's migrations as its migrator role. Replicas that boot together would otherwise race
 * on the same migration; a session-level advisory lock keyed by the schema lets one run them while
 * the others wait and then find nothing left to do.
 */
export async function runMigrations(input: Omit<ServiceDataSourceInput, 'as'>): Promise<string[]> {
  const dataSource = createServiceDataSource({ ...input, as: 'migrator', applicationName: `${input.config.schema}-migrate` });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    // First the lock: two replicas creating the schema at once would collide (CREATE SCHEMA IF NOT
    // EXISTS is not safe against a concurrent one).
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${input.config.schema}`]);
    try {
      const [{ exists }] = await runner.query(
        'SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1) AS exists',
        [input.config.schema],
      );
      if (!exists) {
        // Provisioning normally creates the schema (owned by the migrator); this covers a database
        // where the migrator was granted CREATE instead. TypeORM never creates it itself. The app
        // role gets what provisioning would give it, or its first query would be refused.
        const s = `"${input.config.schema}"`;
        const app = `"${input.config.user}"`;
        for (const sql of [
          `CREATE SCHEMA ${s}`,
          `GRANT USAGE ON SCHEMA ${s} TO ${app}`,
          `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
          `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
        ]) {
          await runner.query(sql);
        }
      }
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${input.config.schema}`]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
