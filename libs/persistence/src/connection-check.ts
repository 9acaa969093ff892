import * as pg from 'pg';
import type { ServiceConfig } from '@crisis-ops/config';

type DatabaseConfig = ServiceConfig['database'];

/**
 * SQLSTATEs of a login that waiting cannot mend: a wrong password (28P01), a role refused or
 * unknown (28000), a database that does not exist (3D000). Retrying them only delayed the exit by
 * half a minute of stack traces; a database not up yet (ECONNREFUSED, 57P03 starting up) is retried.
 */
const PERMANENT_LOGIN_FAILURES: Readonly<Record<string, (as: 'app' | 'migrator') => string>> = {
  '28P01': (as) => (as === 'app' ? 'DATABASE_PASSWORD (the password of DATABASE_USER)' : 'DATABASE_MIGRATOR_PASSWORD (the password of DATABASE_MIGRATOR_USER)'),
  '28000': (as) => (as === 'app' ? 'DATABASE_USER and DATABASE_PASSWORD' : 'DATABASE_MIGRATOR_USER and DATABASE_MIGRATOR_PASSWORD'),
  '3D000': () => 'DATABASE_NAME',
};

const sqlState = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Whether connecting failed for a reason retrying cannot mend (TypeORM's `toRetry` says no to these). */
export function isPermanentConnectionError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && code in PERMANENT_LOGIN_FAILURES;
}

/** `; check <the variables>` for a login refused for good, else nothing: to end an error's message. */
export function variablesToCheck(err: unknown, as: 'app' | 'migrator'): string {
  const check = PERMANENT_LOGIN_FAILURES[sqlState(err) ?? ''];
  return check ? `; check ${check(as)}` : '';
}

/** One line naming the role, where it connected, what Postgres said and the variables to check. */
export function connectionFailureMessage(err: unknown, config: DatabaseConfig, as: 'app' | 'migrator'): string {
  const user = as === 'app' ? config.user : config.migratorUser;
  return `cannot connect as ${user}@${config.host}:${config.port}/${config.name}: ${(err as Error).message}${variablesToCheck(err, as)}`;
}

/**
 * Logs in once as `as`, and throws {@link connectionFailureMessage} if Postgres refuses the login
 * for good. Anything else (the database not up yet) is left to the caller's retries: TypeOrmModule
 * retried a wrong password nine times, and its errors reached the console as a stack per attempt.
 */
export async function assertLoginAccepted(config: DatabaseConfig, as: 'app' | 'migrator', applicationName?: string): Promise<void> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.name,
    user: as === 'app' ? config.user : config.migratorUser,
    password: as === 'app' ? config.password : config.migratorPassword,
    application_name: applicationName,
    connectionTimeoutMillis: 10_000,
  });
  // A connection that dies after the login would otherwise raise an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    if (isPermanentConnectionError(err)) throw new Error(connectionFailureMessage(err, config, as));
    return;
  } finally {
    await client.end().catch(() => undefined);
  }
}
