import * as pg from 'pg';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import type { ServiceConfig } from '@crisis-ops/config';

type EntityList = MixedList<string | Function | EntitySchema>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

export interface ServiceDataSourceInput {
  readonly config: ServiceConfig['database'];
  readonly entities?: EntityList;
  readonly migrations?: EntityList;
  /** `app` for the running service, `migrator` for schema changes. */
  readonly as: 'app' | 'migrator';
  readonly applicationName?: string;
}

/**
 * TypeORM options for one service's own schema. The connection's search_path is pinned to the
 * schema, so raw SQL in migrations and queries lands there without qualification and can never fall
 * through to `public` or to another service's schema.
 */
export function serviceDataSourceOptions(input: ServiceDataSourceInput): DataSourceOptions {
  const { config } = input;
  const migrator = input.as === 'migrator';
  return {
    type: 'postgres',
    // TypeORM loads pg dynamically; a bundle or a pruned dist/package.json can miss it otherwise.
    driver: pg,
    host: config.host,
    port: config.port,
    database: config.name,
    username: migrator ? config.migratorUser : config.user,
    password: migrator ? config.migratorPassword : config.password,
    schema: config.schema,
    entities: input.entities ?? [],
    migrations: input.migrations ?? [],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // TypeORM would otherwise try to install uuid-ossp into the service schema.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    // Two for the migrator: one session holds the advisory lock while TypeORM migrates on the other.
    poolSize: migrator ? 2 : config.poolSize,
    applicationName: input.applicationName,
    extra: { options: `-c search_path=${quoteIdent(config.schema)} ${DEAD_PEER_SETTINGS}`, keepAlive: true },
  } as DataSourceOptions;
}

/**
 * Session settings that make Postgres notice a client that vanished without a word (its host powered
 * off, the network cut) in about half a minute instead of the kernel's two hours: the backend ends,
 * and with it whatever it held — an open transaction's row and outbox key locks, the outbox relay's
 * leadership, the migrations lock — which every other replica was waiting on meanwhile.
 */
export const DEAD_PEER_SETTINGS = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c tcp_user_timeout=30000';

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function createServiceDataSource(input: ServiceDataSourceInput): DataSource {
  return new DataSource(serviceDataSourceOptions(input));
}
