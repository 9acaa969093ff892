import { z } from 'zod';
import { brokerList, booleanFlag, ConfigError, loadConfig, port } from './load-config';

/**
 * What every service needs to boot: its HTTP port, Kafka, and two database identities (the app
 * role it runs as, and the migrator role that owns its schema and runs its migrations).
 */
export const serviceEnvSchema = (defaultPort: number, schema: string) =>
  z.object({
    PORT: port(defaultPort),
    KAFKA_BROKERS: brokerList,
    DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PORT: port(55432),
    DATABASE_NAME: z.string().min(1).default('crisis_ops'),
    DATABASE_USER: z.string().min(1).default(`${schema}_app`),
    DATABASE_PASSWORD: z.string().min(1).default(`${schema}_app`),
    DATABASE_MIGRATOR_USER: z.string().min(1).default(`${schema}_migrator`),
    DATABASE_MIGRATOR_PASSWORD: z.string().min(1).default(`${schema}_migrator`),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    MIGRATE_ON_BOOT: booleanFlag(true),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
    // The relay publishes from a thread of its own, off the event loop that serves HTTP and consumes.
    OUTBOX_RELAY_THREAD: booleanFlag(true),
    // Longer than an event can stay on a domain topic (retention.ms 30 days, plus up to segment.ms,
    // 7 days, until its segment is deleted): a consumer group reset must never find an event whose
    // inbox row is gone, or the event would be applied twice.
    INBOX_RETENTION_DAYS: z.coerce.number().int().min(38, 'must be at least 38 (days an event can stay on a topic, plus one)').max(3650).default(45),
  });

export type ServiceEnv = z.infer<ReturnType<typeof serviceEnvSchema>>;

export interface ServiceConfig {
  readonly service: string;
  readonly schema: string;
  readonly port: number;
  readonly kafkaBrokers: string[];
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    readonly schema: string;
    readonly user: string;
    readonly password: string;
    readonly migratorUser: string;
    readonly migratorPassword: string;
    readonly poolSize: number;
  };
  readonly migrateOnBoot: boolean;
  readonly outboxPollMs: number;
  readonly outboxRelayThread: boolean;
  readonly inboxRetentionDays: number;
}

export function loadServiceConfig(
  service: string,
  schema: string,
  defaultPort: number,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  // The defaults are the role names: fit for a laptop, and guessable anywhere else.
  const unset = env['NODE_ENV'] === 'production' ? ['DATABASE_PASSWORD', 'DATABASE_MIGRATOR_PASSWORD'].filter((v) => !env[v]?.trim()) : [];
  const required = unset.map((variable) => ({ variable, reason: 'is required when NODE_ENV=production (its default is the role name)' }));
  let e: ServiceEnv;
  try {
    e = loadConfig(service, serviceEnvSchema(defaultPort, schema), env);
  } catch (err) {
    // Every bad variable in one message, the missing passwords with the rest.
    if (err instanceof ConfigError) throw new ConfigError(service, [...required, ...err.problems]);
    throw err;
  }
  if (required.length) throw new ConfigError(service, required);
  return {
    service,
    schema,
    port: e.PORT,
    kafkaBrokers: e.KAFKA_BROKERS,
    database: {
      host: e.DATABASE_HOST,
      port: e.DATABASE_PORT,
      name: e.DATABASE_NAME,
      schema,
      user: e.DATABASE_USER,
      password: e.DATABASE_PASSWORD,
      migratorUser: e.DATABASE_MIGRATOR_USER,
      migratorPassword: e.DATABASE_MIGRATOR_PASSWORD,
      poolSize: e.DATABASE_POOL_SIZE,
    },
    migrateOnBoot: e.MIGRATE_ON_BOOT,
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxRelayThread: e.OUTBOX_RELAY_THREAD,
    inboxRetentionDays: e.INBOX_RETENTION_DAYS,
  };
}
