/**
 * Bulk import of a generated 1,000,000-row ACLED-format file through early-warning's intake (the
 * path of `npm run import` and of import jobs: parse, validate, one transaction per batch with the
 * signals and their SignalRecorded outbox rows), against Postgres COPY of the same file into a table
 * of 31 text columns. Both into a scratch schema of the test database; the outbox rows are not
 * relayed, so the benchmark does not flood the shared broker with a million events.
 *
 *   BENCH_IMPORT_ROWS (default 1000000), BENCH_IMPORT_BATCH (default 2000); file: tmp/bench/acled-<rows>.csv
 */
import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { systemClock } from '@crisis-ops/domain-kernel';
import type { ServiceConfig } from '@crisis-ops/config';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { EventPublisher } from '@crisis-ops/service-kit';
import { adminClient, createScratchSchema, scratchDatabaseConfig, workspaceRoot } from '@crisis-ops/testing';
import { migrations } from '../services/early-warning/src/migrations';
import { SignalWriter } from '../services/early-warning/src/signals/intake/signal-writer';
import { runImport } from '../services/early-warning/src/imports/import-runner';
import { intakeSink } from '../services/early-warning/src/imports/import-sink';
import { ACLED_HEADER, ensureAcledFile } from './lib/acled-file';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_IMPORT_BATCH ?? 2_000);

async function main() {
  const file = await ensureAcledFile(path.join(workspaceRoot(), 'tmp/bench', `acled-${ROWS}.csv`), ROWS);
  const schema = await createScratchSchema('bench_import');
  const database = scratchDatabaseConfig(schema.schema, 4);
  await runMigrations({ config: database, migrations: [...migrations] as never });
  const dataSource = createServiceDataSource({ config: database, as: 'app' });
  await dataSource.initialize();
  const admin = adminClient();
  await admin.connect();
  try {
    const publisher = new EventPublisher({ service: 'early-warning' } as ServiceConfig);
    const writer = new SignalWriter(dataSource, publisher, systemClock);
    const load0 = loadavg()[0];
    let t0 = performance.now();
    const report = await runImport(createReadStream(file), intakeSink(writer, dataSource, publisher), { batchSize: BATCH });
    const importSeconds = (performance.now() - t0) / 1000;
    const [{ n: outboxRows }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox');

    const columns = ACLED_HEADER.split(',').map((c) => `"${c}" text`).join(', ');
    await admin.query(`CREATE TABLE "${schema.schema}".copy_target (${columns})`);
    t0 = performance.now();
    // Server-side COPY of the same file (the server runs on this machine as the test profile's cluster).
    await admin.query(`COPY "${schema.schema}".copy_target FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true)`);
    const copySeconds = (performance.now() - t0) / 1000;
    const [{ n: copied }] = (await admin.query(`SELECT count(*)::int AS n FROM "${schema.schema}".copy_target`)).rows;

    console.log(`early-warning-import  rows=${ROWS} batch=${BATCH}  load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} (1 min)`);
    console.log(`  import (parse, validate, signals + outbox rows) ${importSeconds.toFixed(1)} s  ${(report.rows / importSeconds).toFixed(0)} rows/s  accepted=${report.accepted} rejected=${report.rejected} outbox=${outboxRows}  (target < 60 s)`);
    console.log(`  Postgres COPY of the same file                  ${copySeconds.toFixed(1)} s  ${(copied / copySeconds).toFixed(0)} rows/s`);
    console.log(`  ratio import/COPY time                          ${(importSeconds / copySeconds).toFixed(1)}×`);
  } finally {
    await admin.end();
    await dataSource.destroy();
    await schema.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
