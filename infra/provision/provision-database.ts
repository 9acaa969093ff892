import { Client, escapeIdentifier as ident, escapeLiteral as literal } from 'pg';
import { SERVICES, appRoleOf, migratorRoleOf, type ServiceSpec } from '@crisis-ops/contracts';
import { rolePasswordEnvName, type DatabaseAdminSettings } from './provision-settings';

/**
 * The platform database and, per service, a schema owned by `<schema>_migrator` and usable (DML
 * only) by `<schema>_app`. Nothing is granted to PUBLIC, so no role sees another service's schema.
 * Every step is idempotent and also repairs drift (owner, grants, role attributes), so it runs on
 * every `infra.sh up`, in docker-compose's init container and in tests. A password is set only when
 * one is given or the role is new: re-running provisioning must not undo a rotation done by hand.
 */
export interface DatabaseProvisionOptions {
  readonly services?: readonly ServiceSpec[];
  /** The password to set on a role; undefined leaves an existing role's password alone. */
  readonly rolePassword?: (role: string) => string | undefined;
  /** A new role without a password of its own gets its name (development); default true. */
  readonly roleNameAsPassword?: boolean;
}

export interface DatabaseProvisionResult {
  readonly database: string;
  readonly databaseCreated: boolean;
  readonly roles: readonly string[];
  readonly rolesCreated: readonly string[];
  readonly schemas: readonly string[];
  readonly schemasCreated: readonly string[];
}

const PG_DUPLICATE_DATABASE = '42P04';

export async function provisionDatabase(
  admin: DatabaseAdminSettings,
  options: DatabaseProvisionOptions = {},
): Promise<DatabaseProvisionResult> {
  const services = options.services ?? SERVICES;
  const rolePassword = options.rolePassword ?? (() => undefined);
  const roleNameAsPassword = options.roleNameAsPassword ?? true;
  const connect = async (database: string) => {
    const client = new Client({
      host: admin.host,
      port: admin.port,
      user: admin.user,
      password: admin.password,
      database,
      application_name: 'crisis-ops-provision',
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    return client;
  };

  const maintenance = await connect('postgres');
  try {
    // CREATE ROLE/DATABASE have no IF NOT EXISTS: without this lock two provisioners started
    // together (parallel test runs, compose init + a developer) race into duplicate errors.
    // Closing the session releases it.
    await maintenance.query(`SELECT pg_advisory_lock(hashtext('crisis-ops-provision'))`);
    if (!roleNameAsPassword) await refuseRolesWithoutPassword(maintenance, services, rolePassword);
    const databaseCreated = await ensureDatabase(maintenance, admin.database);
    const db = ident(admin.database);
    // PUBLIC may connect to (and create temp tables in) a new database by default; only the
    // service roles below may.
    await maintenance.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);

    const roles: string[] = [];
    const rolesCreated: string[] = [];
    for (const { schema } of services) {
      for (const role of [migratorRoleOf(schema), appRoleOf(schema)]) {
        if (await ensureRole(maintenance, role, rolePassword(role), roleNameAsPassword)) rolesCreated.push(role);
        await maintenance.query(`GRANT CONNECT ON DATABASE ${db} TO ${ident(role)}`);
        await maintenance.query(`ALTER ROLE ${ident(role)} SET search_path TO ${ident(schema)}`);
        roles.push(role);
      }
    }

    const target = await connect(admin.database);
    const schemasCreated: string[] = [];
    try {
      // PG 15 already took CREATE on public away from PUBLIC; USAGE too, so nothing lands there.
      await target.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      for (const { schema } of services) {
        if (await ensureSchema(target, schema)) schemasCreated.push(schema);
      }
    } finally {
      await target.end();
    }
    return {
      database: admin.database,
      databaseCreated,
      roles,
      rolesCreated,
      schemas: services.map((s) => s.schema),
      schemasCreated,
    };
  } finally {
    await maintenance.end();
  }
}

async function ensureDatabase(client: Client, name: string): Promise<boolean> {
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount) return false;
  try {
    await client.query(`CREATE DATABASE ${ident(name)} ENCODING 'UTF8' TEMPLATE template0`);
    return true;
  } catch (err) {
    // Another provisioner without our lock (e.g. an older script) may have won the race.
    if ((err as { code?: string }).code === PG_DUPLICATE_DATABASE) return false;
    throw err;
  }
}

/** Names every role still to create without a password of its own at once, before anything is created. */
async function refuseRolesWithoutPassword(client: Client, services: readonly ServiceSpec[], rolePassword: (role: string) => string | undefined): Promise<void> {
  const all = services.flatMap(({ schema }) => [migratorRoleOf(schema), appRoleOf(schema)]);
  const existing = new Set((await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [all])).rows.map((r) => r.rolname));
  const unset = all.filter((role) => !existing.has(role) && rolePassword(role) === undefined);
  if (unset.length > 0) throw new Error(`under NODE_ENV=production no role is created with its name as password; set ${unset.map(rolePasswordEnvName).join(', ')}`);
}

/**
 * Creates the role or brings an existing one back to the expected attributes. The password is set
 * when one is given; otherwise an existing role keeps its own and a new one gets its name, where
 * that is allowed (development), or is refused, naming the variable that would give it one.
 */
async function ensureRole(client: Client, role: string, password: string | undefined, roleNameAsPassword: boolean): Promise<boolean> {
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const exists = Boolean(found.rowCount);
  if (!exists && password === undefined && !roleNameAsPassword) {
    throw new Error(`role ${role} does not exist yet and ${rolePasswordEnvName(role)} is not set`);
  }
  const initial = password ?? (exists ? undefined : role);
  // DDL takes no bind parameters, hence the literal; the server stores only the SCRAM hash.
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${initial === undefined ? '' : ` PASSWORD ${literal(initial)}`}`;
  await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} WITH ${attributes}`);
  return !exists;
}

async function ensureSchema(client: Client, schema: string): Promise<boolean> {
  const s = ident(schema);
  const migrator = ident(migratorRoleOf(schema));
  const app = ident(appRoleOf(schema));
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  const statements = [
    `CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${migrator}`,
    // Repairs a schema someone created by hand (e.g. as the admin).
    `ALTER SCHEMA ${s} OWNER TO ${migrator}`,
    `REVOKE ALL ON SCHEMA ${s} FROM PUBLIC`,
    // USAGE only: the app role may not CREATE; tables come from the migrator's migrations.
    `GRANT USAGE ON SCHEMA ${s} TO ${app}`,
    // Tables and sequences the migrator creates later are usable by the app without a grant in
    // every migration...
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
    // ...and those created before these defaults existed get the same grants.
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${app}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${app}`,
  ];
  for (const sql of statements) await client.query(sql);
  return !found.rowCount;
}
