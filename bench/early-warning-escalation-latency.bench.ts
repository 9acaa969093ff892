/**
 * Latency from a signal's commit to its RiskEscalated on Kafka, at a sustained 1,000 signals/s
 * through POST /signals/batch: every 100 ms one request of 100 signals, of which 96 are background
 * (agreements, which weigh nothing) across ten user-assigned countries new to the database and 4 are deadly attacks
 * in an admin1 new to the run, enough to raise that admin1 from low. The 202 (sent after commit)
 * marks the commit; the RiskEscalated of that admin1, read from early-warning.risk.v1 by a fresh
 * consumer group, marks the end. Service as its own process on the test infra.
 *
 *   BENCH_RATE (signals/s, default 1000), BENCH_SECONDS (default 30)
 */
import { loadavg } from 'node:os';
import { CE_RISK_ESCALATED, decodeEvent, TOPIC_RISK } from '@crisis-ops/contracts';
import { testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { freshCountries, percentile, startEarlyWarning, waitForNoLag } from './lib/early-warning-process';

const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PORT = Number(process.env.BENCH_PORT ?? 14_592);
const TICK_MS = 100;
const PER_TICK = Math.round((RATE * TICK_MS) / 1000);
const TRIGGER = 4;

async function main() {
  const run = uniqueSuffix();
  const source = `bench-latency-${run}`;
  // Ten countries new to early-warning: each ends the run with 30 admin1s, as a large real country has.
  const COUNTRIES = await freshCountries(10);
  const { service, post } = await startEarlyWarning(PORT);
  const committedAt = new Map<string, number>();
  const escalatedAt = new Map<string, number>();
  const reader = testKafka('bench-latency-reader').consumer({ groupId: `bench-latency-${run}`, maxWaitTimeInMs: 20 });
  await reader.connect();
  await reader.subscribe({ topic: TOPIC_RISK, fromBeginning: false });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.['ce_type']?.toString() !== CE_RISK_ESCALATED || !message.value) return;
      const e = decodeEvent(CE_RISK_ESCALATED, message.value);
      if (e.admin1.startsWith(`${run}-`) && !escalatedAt.has(e.admin1)) escalatedAt.set(e.admin1, performance.now());
    },
  });
  const until = Date.now() + 30_000;
  while ((await reader.describeGroup()).state !== 'Stable') {
    if (Date.now() > until) throw new Error('reader did not join');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Earlier runs (tests, the intake benchmark) may have left signals to assess: measure from zero lag.
  const drainMs = await waitForNoLag();
  const load0 = loadavg()[0];
  let sent = 0;
  let n = 0;
  const pending: Promise<void>[] = [];
  try {
    const t0 = performance.now();
    const ticks = Math.round((SECONDS * 1000) / TICK_MS);
    for (let tick = 0; tick < ticks; tick++) {
      const occurredAt = new Date(Date.now() - 60_000).toISOString();
      const area = `${run}-${tick}`;
      const country = COUNTRIES[tick % COUNTRIES.length];
      const items = [
        ...Array.from({ length: PER_TICK - TRIGGER }, (_, i) => ({
          id: `bg-${tick}-${i}`,
          source,
          country: COUNTRIES[i % COUNTRIES.length],
          type: 'strategic_developments',
          subType: 'agreement',
          occurredAt,
        })),
        ...Array.from({ length: TRIGGER }, (_, i) => ({
          id: `tr-${tick}-${i}`,
          source,
          country,
          admin1: area,
          type: 'violence_against_civilians',
          subType: 'attack',
          fatalities: 40,
          severity: 5,
          occurredAt,
        })),
      ];
      pending.push(
        post('/signals/batch', { items }).then((res) => {
          if (res.status !== 202) throw new Error(`POST /signals/batch answered ${res.status}`);
          committedAt.set(area, performance.now());
          sent += items.length;
        }),
      );
      n++;
      // Hold the rate: the next request leaves on its tick whatever the previous ones are doing.
      const wait = t0 + (tick + 1) * TICK_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
    const offeredSeconds = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 120_000;
    while (escalatedAt.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const latencies = [...committedAt].filter(([a]) => escalatedAt.has(a)).map(([a, t]) => (escalatedAt.get(a) as number) - t).sort((x, y) => x - y);
    console.log(`early-warning-escalation-latency  offered ${(sent / offeredSeconds).toFixed(0)} signals/s for ${offeredSeconds.toFixed(0)} s (${n} requests of ${PER_TICK}, one escalating admin1 each)  load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} (1 min)`);
    console.log(`  escalations seen ${latencies.length}/${n}  (backlog drained in ${(drainMs / 1000).toFixed(0)} s before the run)`);
    console.log(`  commit → RiskEscalated on Kafka  p50 ${percentile(latencies, 50).toFixed(0)} ms  p99 ${percentile(latencies, 99).toFixed(0)} ms  max ${latencies[latencies.length - 1]?.toFixed(0)} ms`);
  } finally {
    await reader.disconnect();
    await service.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
