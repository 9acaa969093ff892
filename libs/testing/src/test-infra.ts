import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { LOCAL_DEV_SECRET } from '@crisis-ops/auth';
import { loadServiceConfig, type ServiceConfig } from '@crisis-ops/config';
import { serviceSpec, type ServiceName } from '@crisis-ops/contracts';

/**
 * Where the real broker and database of the test run are. `npm test` starts them with the `test`
 * profile of infra/local/infra.sh and exports these variables; the defaults are that profile's.
 */
export function testInfra() {
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    database: {
      host: process.env.DATABASE_HOST ?? '127.0.0.1',
      port: Number(process.env.DATABASE_PORT ?? 55433),
      name: process.env.DATABASE_NAME ?? 'crisis_ops',
      adminUser: process.env.DATABASE_ADMIN_USER ?? 'crisis_ops_admin',
      adminPassword: process.env.DATABASE_ADMIN_PASSWORD ?? 'crisis_ops_admin',
    },
  };
}

export const uniqueSuffix = (): string => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export function adminClient(database?: string): Client {
  const { database: db } = testInfra();
  return new Client({ host: db.host, port: db.port, database: database ?? db.name, user: db.adminUser, password: db.adminPassword });
}

export function testKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
}

/**
 * Database settings for a scratch schema, connecting as the admin for both the app and the migrator
 * identity: for tests of shared plumbing that need tables but no service roles.
 */
export function scratchDatabaseConfig(schema: string, poolSize = 4) {
  const { database } = testInfra();
  return {
    host: database.host,
    port: database.port,
    name: database.name,
    schema,
    user: database.adminUser,
    password: database.adminPassword,
    migratorUser: database.adminUser,
    migratorPassword: database.adminPassword,
    poolSize,
  };
}

/** A throwaway schema owned by the admin, for tests that need tables but no service. */
export async function createScratchSchema(prefix = 'scratch'): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${uniqueSuffix()}`;
  const client = adminClient();
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  return {
    schema,
    async drop() {
      const c = adminClient();
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** Throwaway topics (auto-create is off on the broker), each with its `.dlq` twin when asked. */
export async function createScratchTopics(names: string[], partitions = 6): Promise<{ delete(): Promise<void> }> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: partitions })) });
  await admin.disconnect();
  return {
    async delete() {
      const a = testKafka('test-admin').admin();
      await a.connect();
      await a.deleteTopics({ topics: names }).catch(() => undefined);
      await a.disconnect();
    },
  };
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A service's validated configuration on the test infrastructure, for booting it in-process
 * (startServiceApp). Also sets what the process-wide auth and logging read from the environment.
 */
export function inProcessServiceConfig(name: ServiceName, overrides: Record<string, string> = {}): ServiceConfig {
  const infra = testInfra();
  process.env.AUTH_DEV_SECRET = LOCAL_DEV_SECRET;
  process.env.LOG_LEVEL ??= 'warn';
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  process.env.EARLY_WARNING_EXERCISE_COUNTRIES = 'true';
  const spec = serviceSpec(name);
  return loadServiceConfig(name, spec.schema, spec.defaultPort, {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    DATABASE_HOST: infra.database.host,
    DATABASE_PORT: String(infra.database.port),
    DATABASE_NAME: infra.database.name,
    OUTBOX_POLL_MS: '200',
    ...overrides,
  });
}
