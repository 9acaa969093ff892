/**
 * CLI entry of provisioning: `npx tsx --tsconfig infra/tsconfig.json infra/provision/provision.ts`
 * with the environment of .run/<profile>/env.sh (infra/local/infra.sh runs it after `up`).
 * Database and topics are independent, so they are provisioned in parallel.
 */
import { provisionDatabase } from './provision-database';
import { provisionSettingsFromEnv } from './provision-settings';
import { provisionTopics } from './provision-topics';

async function main(): Promise<void> {
  const settings = provisionSettingsFromEnv();
  const { database: db } = settings;
  const [database, topics] = await Promise.all([
    provisionDatabase(db, { rolePassword: settings.rolePassword, roleNameAsPassword: settings.roleNameAsPassword }),
    provisionTopics(settings.kafkaBrokers),
  ]);
  console.log(
    `postgres ${db.host}:${db.port}/${database.database}${database.databaseCreated ? ' (created)' : ''}: ` +
      `${database.schemas.length} schemas (${database.schemasCreated.length} new), ` +
      `${database.roles.length} roles (${database.rolesCreated.length} new)`,
  );
  const grown = topics.grown.map((g) => `${g.topic} ${g.from}->${g.to}`).join(', ');
  const reconfigured = topics.reconfigured.map((c) => `${c.topic} ${c.config} ${c.from ?? 'default'}->${c.to}`).join(', ');
  const kept = topics.keptLonger.map((k) => `${k.topic} ${k.config}=${k.value} (declared ${k.declared})`).join(', ');
  console.log(
    `kafka ${settings.kafkaBrokers.join(',')}: ${topics.topics.length} topics (${topics.created.length} new` +
      `${grown ? `, grown: ${grown}` : ''}${reconfigured ? `, reconfigured: ${reconfigured}` : ''}${kept ? `, longer retention kept: ${kept}` : ''})`,
  );
}

main().catch((err: unknown) => {
  console.error(`provisioning failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
