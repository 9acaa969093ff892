/**
 * Outbox throughput against a bare producer, same broker, same payloads, same run.
 *
 *   bare:   kafkajs idempotent producer, acks=all, batches of BATCH → Kafka
 *   outbox: one Postgres transaction per BATCH events (rows + per-key locks) → relay → Kafka,
 *           timed until the last event is acknowledged by the broker
 *
 * The ratio outbox/bare is what the platform pays for "nothing committed is lost, nothing
 * uncommitted is published".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { appendToOutbox, cloudEventHeaders, createIdempotentProducer, messagingMigrations, OutboxRelay } from '@crisis-ops/messaging';
import { createScratchSchema, createScratchTopics, scratchDatabaseConfig, testInfra, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { CpuAccounting, cpuReport } from './lib/cpu-accounting';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const COUNTRIES = ['BFA', 'MLI', 'NER', 'TCD', 'SDN', 'SSD', 'COD', 'CAF', 'SOM', 'ETH'];
const TYPE = 'org.crisis-ops.bench.thing-happened.v1';
const payload = () => randomBytes(160); // about the size of an encoded SignalRecorded

async function main() {
  const topic = `bench.outbox.${uniqueSuffix()}`;
  const topics = await createScratchTopics([topic]);
  const schema = await createScratchSchema('bench');
  const database = scratchDatabaseConfig(schema.schema, 4);
  await runMigrations({ config: database, migrations: [...messagingMigrations] });
  const dataSource = createServiceDataSource({ config: database, as: 'app' });
  await dataSource.initialize();
  const producer = createIdempotentProducer(testKafka('bench'));
  await producer.connect();
  const payloads = Array.from({ length: EVENTS }, payload);
  // The scratch schema is used as the admin role; the relay and the writer run in this process.
  const cpu = await CpuAccounting.start(() => [], [testInfra().database.adminUser]);

  try {
    const cpuBare0 = await cpu.snapshot();
    let t0 = performance.now();
    for (let i = 0; i < EVENTS; i += BATCH) {
      await producer.send({
        topic,
        acks: -1,
        // The same records the relay sends: same key, payload and CloudEvents headers.
        messages: payloads.slice(i, i + BATCH).map((value, j) => ({
          key: COUNTRIES[(i + j) % COUNTRIES.length],
          value,
          headers: cloudEventHeaders({ id: randomUUID(), type: TYPE, source: 'bench', time: new Date() }),
        })),
      });
    }
    const bareSeconds = (performance.now() - t0) / 1000;
    const cpuBare1 = await cpu.snapshot();

    const relay = new OutboxRelay({ database: { ...database }, producer, pollMs: 50, batchSize: 5_000 });
    const cpuOutbox0 = await cpu.snapshot();
    t0 = performance.now();
    await relay.start();
    for (let i = 0; i < EVENTS; i += BATCH) {
      await dataSource.transaction((m) =>
        appendToOutbox(
          m,
          'bench',
          payloads.slice(i, i + BATCH).map((p, j) => ({ topic, key: COUNTRIES[(i + j) % COUNTRIES.length], type: TYPE, payload: p })),
        ),
      );
    }
    for (;;) {
      const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM outbox');
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const outboxSeconds = (performance.now() - t0) / 1000;
    const cpuOutbox1 = await cpu.snapshot();
    await relay.stop();

    const bare = EVENTS / bareSeconds;
    const outbox = EVENTS / outboxSeconds;
    console.log(`outbox-throughput  events=${EVENTS} batch=${BATCH}`);
    console.log(`  bare kafkajs producer  ${bare.toFixed(0)} events/s`);
    console.log(`  outbox → relay → Kafka ${outbox.toFixed(0)} events/s`);
    console.log(`  ratio outbox/bare      ${(outbox / bare).toFixed(2)}`);
    console.log(cpuReport('bare', cpuBare0, cpuBare1, EVENTS).replace('per signal', 'per event'));
    console.log(cpuReport('outbox', cpuOutbox0, cpuOutbox1, EVENTS).replace('per signal', 'per event'));
  } finally {
    await cpu.stop();
    await producer.disconnect();
    await dataSource.destroy();
    await schema.drop();
    await topics.delete();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
