/**
 * Signals per second through early-warning's POST /signals/batch → Postgres (signals + outbox, one
 * transaction per request) → outbox relay → Kafka, against the same encoded SignalRecorded payloads
 * (same keys, CloudEvents headers) sent by a bare kafkajs idempotent producer (acks=all, same batch
 * size) to a scratch topic of the same broker, in the same run. The service runs as its own process
 * (dist build, risk consumer included, as deployed) on the test infra.
 *
 * Both sides are timed the same way: until the broker has acknowledged the last record. For the bare
 * producer that is its last acks=all send; for the API it is the signal topic's high watermark
 * (records replicated to every in-sync replica, as acks=all) reaching the count posted. Reading the
 * events back would time a consumer as well, which the bare side does not have; the content is
 * checked after the clock stops instead (every signal of the run, exactly once).
 * Both sides are warmed up first (JIT, connections, metadata), and the bare producer only starts once
 * early-warning's risk consumer has caught up, so neither side runs against the other's leftovers.
 * The two phases run in rounds, API then bare in each, and the ratio reported is the median round's:
 * a single bare run moves by half from one run to the next (one JavaScript thread waiting on acks),
 * which moved a one-round ratio more than anything the service did.
 *
 *   BENCH_SIGNALS (default 50000 per round and side), BENCH_ROUNDS (default 3), BENCH_BATCH (default
 *   1000), BENCH_CONCURRENCY (default 4 requests), BENCH_REPLICAS (default 1 early-warning process),
 *   BENCH_WARM_UP (default 20 batches per side)
 *
 * Each phase also reports where the CPU went (service, Postgres, broker, this process; see
 * lib/cpu-accounting.ts), so the ratio can be read against what each side costs per signal.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Admin } from 'kafkajs';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, SignalRecordedSchema, TOPIC_SIGNALS, decodeEvent } from '@crisis-ops/contracts';
import { cloudEventHeaders, createIdempotentProducer } from '@crisis-ops/messaging';
import { createScratchTopics, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { CpuAccounting, cpuReport } from './lib/cpu-accounting';
import { BENCH_COUNTRIES, riskLag, startEarlyWarning, waitForNoLag } from './lib/early-warning-process';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PORT = Number(process.env.BENCH_PORT ?? 14_591);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 20 * BATCH);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Item = ReturnType<typeof signalItems>[number];

function signalItems(source: string, n: number, prefix: string) {
  const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
  // Agreements weigh nothing in the risk model: the benchmark moves no country's risk.
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
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
}

/** The SignalRecorded records the service would publish for these items, encoded the same way. */
function bareRecords(items: readonly Item[]) {
  return items.map((s) => {
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
}

async function highWatermark(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

async function main() {
  const run = uniqueSuffix();
  const source = `bench-intake-${run}`;
  const warmUp = signalItems(source, WARM_UP, 'w');

  // BENCH_REPLICAS > 1: that many early-warning processes (one consumer group, one active relay),
  // requests spread over them in turn: the service scaled out on this machine.
  const services = [await startEarlyWarning(PORT)];
  for (let r = 1; r < REPLICAS; r++) services.push(await startEarlyWarning(PORT + r, { build: false }));
  let turn = 0;
  const post = (url: string, body: unknown) => services[turn++ % services.length].post(url, body);
  const scratch = `bench.intake.${run}`;
  const topics = await createScratchTopics([scratch]);
  const producer = createIdempotentProducer(testKafka('bench-intake-bare'));
  await producer.connect();
  const admin = testKafka('bench-intake-admin').admin();
  await admin.connect();
  const cpu = await CpuAccounting.start(() => services.map((s) => s.service.pid), ['early_warning_app', 'early_warning_migrator']);

  // Request bodies are serialised before a phase's clock starts, as the bare side's payloads are
  // encoded before its own: the load generator shares the two cores with what it measures.
  const requestBodies = (list: readonly Item[]) => Array.from({ length: Math.ceil(list.length / BATCH) }, (_, b) => JSON.stringify({ items: list.slice(b * BATCH, (b + 1) * BATCH) }));
  const postAll = async (bodies: readonly string[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const b = next++;
          if (b >= bodies.length) return;
          const res = await post('/signals/batch', bodies[b]);
          if (res.status !== 202) throw new Error(`POST /signals/batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }),
    );
  };
  const sendBare = async (records: ReturnType<typeof bareRecords>) => {
    for (let i = 0; i < records.length; i += BATCH) {
      await producer.send({
        topic: scratch,
        acks: -1,
        messages: records.slice(i, i + BATCH).map((p) => ({
          key: p.key,
          value: p.value,
          headers: cloudEventHeaders({ id: randomUUID(), type: CE_SIGNAL_RECORDED, source: 'early-warning', time: new Date(), subject: p.subject }),
        })),
      });
    }
  };

  try {
    // Warm-up of both paths, then a quiet start: everything published, the risk consumer caught up.
    const before = await highWatermark(admin, TOPIC_SIGNALS);
    await postAll(requestBodies(warmUp));
    await sendBare(bareRecords(warmUp));
    await waitFor(async () => (await highWatermark(admin, TOPIC_SIGNALS)) >= before + WARM_UP, 120_000);
    await waitForNoLag();
    console.log(`early-warning-intake  signals=${SIGNALS} per round and side, rounds=${ROUNDS} batch=${BATCH} concurrent requests=${CONCURRENCY} replicas=${REPLICAS}`);
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const prefix = `b${round}`;
      const items = signalItems(source, SIGNALS, prefix);
      const bodies = requestBodies(items);
      const load0 = loadavg()[0];

      // API: requests of BATCH signals, CONCURRENCY at a time, until the broker holds all of them.
      const starts = await admin.fetchTopicOffsets(TOPIC_SIGNALS);
      const base = starts.reduce((sum, p) => sum + Number(p.high), 0);
      const cpu0 = await cpu.snapshot();
      const t0 = performance.now();
      await postAll(bodies);
      const committedSeconds = (performance.now() - t0) / 1000;
      await waitFor(async () => (await highWatermark(admin, TOPIC_SIGNALS)) >= base + SIGNALS, 300_000, 10);
      const apiSeconds = (performance.now() - t0) / 1000;
      const cpuApi = await cpu.snapshot();
      const loadApi = loadavg()[0];
      // The risk consumer shares the cores (and the event loop) with intake: what it left for later.
      const riskBacklog = await riskLag(admin);

      // The bare producer starts on a machine as quiet as the API's start. How long the risk consumer
      // takes to get there is how long risk lags behind a burst like this one.
      const riskBehindMs = await waitForNoLag();
      const cpuRisk = await cpu.snapshot();
      const records = bareRecords(items);
      const cpu1 = await cpu.snapshot();
      const t1 = performance.now();
      await sendBare(records);
      const bareSeconds = (performance.now() - t1) / 1000;
      const cpuBare = await cpu.snapshot();

      await verifyPublished(starts, source, prefix, SIGNALS);

      const api = SIGNALS / apiSeconds;
      const bare = SIGNALS / bareSeconds;
      ratios.push(api / bare);
      console.log(`round ${round}  load average ${load0.toFixed(2)} → ${loadApi.toFixed(2)} → ${loadavg()[0].toFixed(2)} (1 min)`);
      console.log(`  POST /signals/batch → Postgres + outbox → Kafka  ${api.toFixed(0)} signals/s (all committed after ${committedSeconds.toFixed(1)} s, all on Kafka after ${apiSeconds.toFixed(1)} s)`);
      console.log(`  risk consumer caught up                          ${(riskBehindMs / 1000).toFixed(1)} s after the last signal was on Kafka (within 0.5 s); ${riskBacklog} of the ${SIGNALS} signals were still to assess then`);
      console.log(`  bare kafkajs producer, same payloads            ${bare.toFixed(0)} signals/s`);
      console.log(`  ratio API/bare                                   ${(api / bare).toFixed(2)}`);
      console.log(cpuReport('API phase (until all on Kafka)', cpu0, cpuApi, SIGNALS));
      console.log(cpuReport('API phase and the risk consumer catching up', cpu0, cpuRisk, SIGNALS));
      console.log(cpuReport('bare phase', cpu1, cpuBare, SIGNALS));
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(`ratio API/bare, median of ${ROUNDS} rounds  ${sorted[Math.floor((sorted.length - 1) / 2)].toFixed(2)}  (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.5)`);
  } finally {
    await cpu.stop();
    await admin.disconnect();
    await producer.disconnect();
    await topics.delete();
    for (const { service } of services) await service.stop();
  }
}

/**
 * Every signal of the timed run is on the topic past the offsets it started from, exactly once
 * (checked after timing). Reads only what the run appended, not the topic's whole history.
 */
async function verifyPublished(starts: ReadonlyArray<{ partition: number; high: string }>, source: string, prefix: string, expected: number): Promise<void> {
  const admin = testKafka('bench-intake-verify-admin').admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(TOPIC_SIGNALS)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const reader = testKafka('bench-intake-verify').consumer({ groupId: `bench-intake-verify-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  const ids = new Set<string>();
  const remaining = new Set(starts.filter((p) => (ends.get(p.partition) ?? 0) > Number(p.high)).map((p) => p.partition));
  let appended = 0;
  for (const p of starts) appended += (ends.get(p.partition) ?? 0) - Number(p.high);
  try {
    await reader.subscribe({ topic: TOPIC_SIGNALS });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) + 1 >= (ends.get(partition) ?? 0)) remaining.delete(partition);
        if (message.headers?.['ce_type']?.toString() !== CE_SIGNAL_RECORDED || !message.value) return;
        const event = decodeEvent(CE_SIGNAL_RECORDED, message.value);
        if (event.source === source && event.sourceSignalId?.startsWith(`${prefix}-`)) ids.add(event.sourceSignalId);
      },
    });
    for (const p of starts) reader.seek({ topic: TOPIC_SIGNALS, partition: p.partition, offset: p.high });
    await waitFor(async () => remaining.size === 0, 300_000);
  } finally {
    await reader.disconnect();
  }
  if (ids.size !== expected) throw new Error(`${ids.size} of the run's ${expected} signals are on ${TOPIC_SIGNALS}`);
  if (appended < expected) throw new Error(`the topic grew by ${appended}, fewer than the ${expected} signals posted`);
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`benchmark condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
