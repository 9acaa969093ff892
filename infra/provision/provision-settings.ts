/**
 * Connection settings of provisioning, read from the same environment variables locally
 * (.run/<profile>/env.sh), in docker-compose's init container and in the integration tests, so
 * all three provision and check the same thing.
 */
export interface DatabaseAdminSettings {
  readonly host: string;
  readonly port: number;
  /** A superuser: creating roles and databases needs one. */
  readonly user: string;
  readonly password: string;
  /** The platform database that holds one schema per service. */
  readonly database: string;
}

export interface ProvisionSettings {
  readonly database: DatabaseAdminSettings;
  readonly kafkaBrokers: readonly string[];
  /**
   * Password to give a service role: env `DATABASE_ROLE_PASSWORD_<ROLE>`, or undefined when it is
   * unset, which leaves an existing role's password as it is (an operator may have rotated it).
   */
  readonly rolePassword: (role: string) => string | undefined;
  /**
   * Whether a role created without a password of its own gets its name as password, as the local
   * profiles and the services' development defaults expect. Never under NODE_ENV=production.
   */
  readonly roleNameAsPassword: boolean;
}

export const rolePasswordEnvName = (role: string): string => `DATABASE_ROLE_PASSWORD_${role.toUpperCase()}`;

export function provisionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProvisionSettings {
  const port = Number(env['DATABASE_PORT'] ?? '55432');
  if (!Number.isInteger(port) || port <= 0) throw new Error(`DATABASE_PORT is not a port: ${env['DATABASE_PORT']}`);
  const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS lists no broker');
  return {
    database: {
      host: env['DATABASE_HOST'] ?? '127.0.0.1',
      port,
      user: env['DATABASE_ADMIN_USER'] ?? 'crisis_ops_admin',
      password: env['DATABASE_ADMIN_PASSWORD'] ?? 'crisis_ops_admin',
      database: env['DATABASE_NAME'] ?? 'crisis_ops',
    },
    kafkaBrokers: brokers,
    rolePassword: (role) => env[rolePasswordEnvName(role)] || undefined,
    roleNameAsPassword: env['NODE_ENV'] !== 'production',
  };
}
