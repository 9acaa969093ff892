import type { Client } from 'pg';
import { adminClient, createScratchSchema } from './test-infra';

/** What a migration offers a test: its `up`, which takes a QueryRunner and only ever calls `query` on it here. */
interface Migration {
  up(queryRunner: never): Promise<unknown>;
}

export interface MigrationScratch {
  /** The scratch schema's name, for the table shapes a test builds in it by hand. */
  readonly schema: string;
  /** An admin connection to the test database. */
  readonly db: Client;
  /**
   * Runs the migration's `up` on the scratch schema as a migration runs: its unqualified SQL on the
   * search_path (which TypeORM points at the service's schema), each query answering its rows as
   * TypeORM's QueryRunner does.
   */
  up(migration: Migration): Promise<void>;
  /** Drops the schema and closes the connection. */
  close(): Promise<void>;
}

/**
 * A throwaway schema and an admin connection, to run one migration on tables shaped as an earlier
 * release left them: what a migration does to real rows is only seen on real Postgres.
 */
export async function migrationScratch(prefix: string): Promise<MigrationScratch> {
  const scratch = await createScratchSchema(prefix);
  const db = adminClient();
  try {
    await db.connect();
  } catch (err) {
    await scratch.drop();
    throw err;
  }
  return {
    schema: scratch.schema,
    db,
    async up(migration) {
      await db.query(`SET search_path TO "${scratch.schema}"`);
      try {
        await migration.up({ query: (sql: string, parameters?: unknown[]) => db.query(sql, parameters).then((r) => r.rows) } as never);
      } finally {
        await db.query('RESET search_path');
      }
    },
    async close() {
      await db.end();
      await scratch.drop();
    },
  };
}
