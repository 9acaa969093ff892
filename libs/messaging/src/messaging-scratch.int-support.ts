import type { DataSource } from 'typeorm';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { createScratchSchema, createScratchTopics, scratchDatabaseConfig } from '@crisis-ops/testing';
import { messagingMigrations } from './messaging-migrations';

/** What the messaging lib's int suites stand on: a throwaway schema with the outbox and inbox, and throwaway topics. */
export interface MessagingScratch {
  readonly schema: string;
  readonly database: ReturnType<typeof scratchDatabaseConfig>;
  /** Connected as the app, on the scratch schema. */
  readonly dataSource: DataSource;
  /** Closes the data source, then deletes the topics and drops the schema. */
  close(): Promise<void>;
}

export async function messagingScratch(prefix: string, topicNames: string[], options: { poolSize?: number; partitions?: number } = {}): Promise<MessagingScratch> {
  const schema = await createScratchSchema(prefix);
  const topics = await createScratchTopics(topicNames, options.partitions);
  const database = scratchDatabaseConfig(schema.schema, options.poolSize ?? 4);
  await runMigrations({ config: database, migrations: [...messagingMigrations] });
  const dataSource = createServiceDataSource({ config: database, as: 'app' });
  await dataSource.initialize();
  return {
    schema: schema.schema,
    database,
    dataSource,
    async close() {
      await dataSource.destroy();
      await topics.delete();
      await schema.drop();
    },
  };
}
