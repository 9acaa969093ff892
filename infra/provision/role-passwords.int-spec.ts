import { randomUUID } from 'node:crypto';
import { Client, escapeIdentifier as ident, escapeLiteral as literal } from 'pg';
import { appRoleOf, migratorRoleOf, type ServiceSpec } from '@crisis-ops/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { intSettings } from './int-settings';
import { provisionDatabase } from './provision-database';
import { rolePasswordEnvName } from './provision-settings';

const settings = intSettings();

/** A service of its own, so rotating its roles' passwords cannot disturb suites running beside this one. */
const scratchService = (): ServiceSpec => ({ name: 'partnerships', schema: `it_pw_${randomUUID().slice(0, 8)}`, defaultPort: 0, consumesEvents: false });
const scratch: ServiceSpec[] = [];

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ ...settings.database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Whether the role logs in with this password (a wrong one is refused by the server). */
async function logsIn(role: string, password: string): Promise<boolean> {
  const { host, port, database } = settings.database;
  const c = new Client({ host, port, database, user: role, password });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe('provisioning and role passwords', () => {
  afterAll(async () => {
    await admin(async (c) => {
      for (const { schema } of scratch) {
        await c.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
        for (const role of [appRoleOf(schema), migratorRoleOf(schema)]) {
          await c.query(`DROP OWNED BY ${ident(role)}`).catch(() => undefined);
          await c.query(`DROP ROLE IF EXISTS ${ident(role)}`);
        }
      }
    });
  });

  it('leaves a password rotated by hand as it is when none is given, and sets one that is given', async () => {
    const service = scratchService();
    scratch.push(service);
    const app = appRoleOf(service.schema);
    await provisionDatabase(settings.database, { services: [service] });
    // Development: a new role without a password of its own gets its name.
    expect(await logsIn(app, app)).toBe(true);

    await admin((c) => c.query(`ALTER ROLE ${ident(app)} PASSWORD ${literal('rotated-by-the-operator')}`));
    await provisionDatabase(settings.database, { services: [service] });
    expect(await logsIn(app, 'rotated-by-the-operator')).toBe(true);
    expect(await logsIn(app, app)).toBe(false);

    await provisionDatabase(settings.database, { services: [service], rolePassword: (role) => (role === app ? 'from-the-environment' : undefined) });
    expect(await logsIn(app, 'from-the-environment')).toBe(true);
  });

  it('refuses to create a role with its name as password under production rules, naming the variable', async () => {
    const service = scratchService();
    scratch.push(service);
    const migrator = migratorRoleOf(service.schema);
    const app = appRoleOf(service.schema);
    // Both variables named in one refusal, the app role's too, although the migrator comes first.
    const refusal = provisionDatabase(settings.database, { services: [service], roleNameAsPassword: false, rolePassword: () => undefined });
    await expect(refusal).rejects.toThrow(`set ${rolePasswordEnvName(migrator)}, ${rolePasswordEnvName(app)}`);
    const roles = await admin((c) => c.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [[migrator, appRoleOf(service.schema)]]));
    expect(roles.rows).toEqual([]);

    await provisionDatabase(settings.database, { services: [service], roleNameAsPassword: false, rolePassword: (role) => `pw-of-${role}` });
    expect(await logsIn(migrator, `pw-of-${migrator}`)).toBe(true);
    expect(await logsIn(migrator, migrator)).toBe(false);
  });
});
