/**
 * Signals per second through early-warning's POST /signals/batch → Postgres (signals + outbox, one
 * transaction per request) → outbox relay → Kafka, timed until the last SignalRecorded is read back
 * from the broker; against the same encoded SignalRecorded payloads (same keys, CloudEvents headers)
 * sent by a bare kafkajs idempotent producer (acks=all, same batch size) to the same broker, to a
 * scratch topic, in the same run. The service runs as its own process (dist build) on the test infra.
 *
 *   BENCH_SIGNALS (default 20000), BENCH_BATCH (default 1000), BENCH_CONCURRENCY (default 4 requests)
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, SignalRecordedSchema, TOPIC_SIGNALS, decodeEvent } from '@crisis-ops/contracts';
import { cloudEventHeaders, createIdempotentProducer } from '@crisis-ops/messaging';
import { createScratchTopics, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { BENCH_COUNTRIES, startEarlyWarning } from './lib/early-warning-process';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 20_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PORT = Number(process.env.BENCH_PORT ?? 14_591);

async function main() {
  const run = uniqueSuffix();
  const source = `bench-intake-${run}`;
  const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
  // Agreements weigh nothing in the risk model: the benchmark moves no country's risk.
  const items = Array.from({ length: SIGNALS }, (_, i) => ({
    id: `b-${i}`,
    source,
    country: BENCH_COUNTRIES[i % BENCH_COUNTRIES.length],
    admin1: `Region ${i % 7}`,
    location: `Town ${i % 101}`,
    type: 'strategic_developments',
    subType: 'agreement',
    occurredAt,
    fatalities: 0,
    severity: 2,
    notes: 'benchmark signal, not real data',
  }));

  const { service, post } = await startEarlyWarning(PORT);
  const scratch = `bench.intake.${run}`;
  const topics = await createScratchTopics([scratch]);
  const producer = createIdempotentProducer(testKafka('bench-intake-bare'));
  await producer.connect();
  const reader = testKafka('bench-intake-reader').consumer({ groupId: `bench-intake-${run}`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topic: TOPIC_SIGNALS, fromBeginning: false });
  let seen = 0;
  let lastSeenAt = 0;
  await reader.run({
    eachMessage: async ({ message }) => {
      if (!BENCH_COUNTRIES.includes(message.key?.toString() ?? '')) return;
      const type = message.headers?.['ce_type']?.toString();
      if (type !== CE_SIGNAL_RECORDED || !message.value) return;
      if (decodeEvent(CE_SIGNAL_RECORDED, message.value).source === source) {
        seen++;
        lastSeenAt = performance.now();
      }
    },
  });
  await waitFor(async () => (await reader.describeGroup()).state === 'Stable', 30_000);
  const load0 = loadavg()[0];

  try {
    // API: requests of BATCH signals, CONCURRENCY at a time, timed until the last event is on Kafka.
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const i = next;
          next += BATCH;
          if (i >= SIGNALS) return;
          const res = await post('/signals/batch', { items: items.slice(i, i + BATCH) });
          if (res.status !== 202) throw new Error(`POST /signals/batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }),
    );
    const committedSeconds = (performance.now() - t0) / 1000;
    await waitFor(async () => seen >= SIGNALS, 300_000);
    const apiSeconds = (lastSeenAt - t0) / 1000;

    // Bare producer: the same SignalRecorded payloads, encoded as the service encodes them.
    const payloads = items.map((s) => {
      const message = create(SignalRecordedSchema, {
        signalId: randomUUID(),
        source: s.source,
        sourceSignalId: s.id,
        occurredAt: timestampFromDate(new Date(s.occurredAt)),
        reportedAt: timestampFromDate(new Date(s.occurredAt)),
        country: s.country,
        admin1: s.admin1,
        location: s.location,
        type: s.type,
        subType: s.subType,
        severity: s.severity,
        notes: s.notes,
        origin: 'api',
      });
      return { key: s.country, value: Buffer.from(toBinary(SignalRecordedSchema, message)), subject: message.signalId };
    });
    const t1 = performance.now();
    for (let i = 0; i < SIGNALS; i += BATCH) {
      await producer.send({
        topic: scratch,
        acks: -1,
        messages: payloads.slice(i, i + BATCH).map((p) => ({
          key: p.key,
          value: p.value,
          headers: cloudEventHeaders({ id: randomUUID(), type: CE_SIGNAL_RECORDED, source: 'early-warning', time: new Date(), subject: p.subject }),
        })),
      });
    }
    const bareSeconds = (performance.now() - t1) / 1000;

    const api = SIGNALS / apiSeconds;
    const bare = SIGNALS / bareSeconds;
    console.log(`early-warning-intake  signals=${SIGNALS} batch=${BATCH} concurrent requests=${CONCURRENCY}  load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} (1 min)`);
    console.log(`  POST /signals/batch → Postgres + outbox → Kafka  ${api.toFixed(0)} signals/s (all committed after ${committedSeconds.toFixed(1)} s, all on Kafka after ${apiSeconds.toFixed(1)} s)`);
    console.log(`  bare kafkajs producer, same payloads            ${bare.toFixed(0)} signals/s`);
    console.log(`  ratio API/bare                                   ${(api / bare).toFixed(2)}  (target ≥ 0.5)`);
  } finally {
    await reader.disconnect();
    await producer.disconnect();
    await topics.delete();
    await service.stop();
  }
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`benchmark condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
