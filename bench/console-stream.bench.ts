/**
 * Live console stream (issue 5): the events/s ops-centre's SSE stream delivers to a connected browser
 * before it falls behind, and the time from publishing an event to Kafka until the page shows it.
 *
 *   ops-centre from dist (as in production) on the test infrastructure, its consumer in group
 *   "ops-centre"; headless Chromium with the console signed in as a global watch officer.
 *
 *   1. Stepped load: PartnerEngaged events on partnerships.engagements.v1, keyed over 24
 *      user-assigned country codes (all six partitions), at each rate for BENCH_STEP_SECONDS.
 *      That topic has no consumer but ops-centre, whose work per event (timeline row, read model,
 *      inbox; one transaction per batch) is the same for every type, so the shared broker's other consumer
 *      groups (mediation, early-warning) are not handed a backlog of tens of thousands of signals.
 *      Measured at the page: delivered/s = events the page's EventSource received per second in the
 *      step after its first second; latency = publish (the producer's send call) → the first render
 *      of the live table after the event reached the page. Above ~1,000 events/s a render carries
 *      more events than the 200 visible rows, so "shown" means taken into the rendered list.
 *      Falls behind: delivered < 95 % of offered, or p99 > 2 s (an event never shown counts as ∞).
 *   2. RiskEscalated at a low rate: BENCH_ESCALATIONS escalations of BENCH_MAP_COUNTRY to critical,
 *      each undone by a de-escalation to low once the map shows it (at most one per
 *      BENCH_ESCALATION_PERIOD_MS), publish → the country's map colour (a page on the map) and →
 *      its alert row (a page on alert triage).
 *
 * Leaves behind: timeline rows for the 24 codes; the map country at level low; the bench's alerts
 * closed; mediation (when next started on this broker) keeps one open process for the map country
 * and records the de-escalations on it.
 *
 *   BENCH_RATES (250,500,1000,2000,4000), BENCH_STEP_SECONDS (5), BENCH_ALL_STEPS (0: stop at the
 *   first step that falls behind), BENCH_ESCALATIONS (100), BENCH_ESCALATION_PERIOD_MS (800),
 *   BENCH_MAP_COUNTRY (NER), BENCH_CONSOLE_PORT (18480), CHROMIUM_PATH (/usr/bin/chromium)
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Partitioners, type Admin, type Message } from 'kafkajs';
import { chromium } from 'playwright-core';
import {
  CE_PARTNER_ENGAGED,
  CE_RISK_DEESCALATED,
  CE_RISK_ESCALATED,
  DOMAIN_TOPICS,
  EngagementKind,
  encodeEvent,
  PartnerEngagedSchema,
  RiskDeescalatedSchema,
  RiskEscalatedSchema,
  RiskLevel,
  TOPIC_PARTNERSHIPS,
  TOPIC_RISK,
} from '@crisis-ops/contracts';
import { cloudEventHeaders, consumerGroupLag } from '@crisis-ops/messaging';
import { devToken, startService, testKafka, workspaceRoot, type RunningService } from '@crisis-ops/testing';
import { openConsole, PageLog, percentile, streamOpen } from './console-stream.page';

const RATES = (process.env.BENCH_RATES ?? '250,500,1000,2000,4000').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_STEP_SECONDS ?? 5);
const ALL_STEPS = process.env.BENCH_ALL_STEPS === '1';
const ESCALATIONS = Number(process.env.BENCH_ESCALATIONS ?? 100);
const ESCALATION_PERIOD_MS = Number(process.env.BENCH_ESCALATION_PERIOD_MS ?? 800);
const MAP_COUNTRY = process.env.BENCH_MAP_COUNTRY ?? 'NER';
const PORT = Number(process.env.BENCH_CONSOLE_PORT ?? 18480);
const GROUP = 'ops-centre';
const TICK_MS = 20;
const WARMUP_MS = 1_000;
const DRAIN_MS = 90_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = () => loadavg()[0].toFixed(2);
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(0) : '∞');
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** User-assigned ISO 3166 codes (QMA-QZZ): no desk, so only global users see them. */
const COUNTRIES = Array.from({ length: 24 }, (_, i) => `Q${letters[12 + (i % 14)]}${letters[Math.floor(Math.random() * 26)]}`);

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function groupMembers(admin: Admin): Promise<number> {
  const { groups } = await admin.describeGroups([GROUP]);
  return groups[0]?.members.length ?? 0;
}

async function totalLag(admin: Admin): Promise<number> {
  return (await consumerGroupLag(admin, GROUP, DOMAIN_TOPICS)).reduce((n, p) => n + p.lag, 0);
}

function partnerEngaged(id: string, t: number, i: number): Message {
  const country = COUNTRIES[i % COUNTRIES.length];
  const time = new Date(t);
  return {
    key: country,
    value: Buffer.from(
      encodeEvent(
        CE_PARTNER_ENGAGED,
        create(PartnerEngagedSchema, { engagementId: id, partner: 'bench', country, kind: EngagementKind.TECHNICAL, description: 'console-stream bench', at: timestampFromDate(time) }),
      ),
    ),
    headers: cloudEventHeaders({ id, type: CE_PARTNER_ENGAGED, source: 'partnerships', time }),
  };
}

interface StepResult {
  rate: number;
  sent: number;
  offered: number;
  delivered: number;
  /** Most events the page received in one second of the step or its drain (what the pipeline can deliver at most). */
  peak: number;
  /** Events of other publishers on the shared test broker that reached the page meanwhile. */
  othersPerS: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  dropped: number;
  rendersPerS: number;
  lagAtEnd: number;
  cpu: number;
  load: string;
  members: number;
  behind: string | null;
}

async function main() {
  const root = workspaceRoot();
  if (!existsSync(path.join(root, 'dist/services/ops-centre/main.js')) || !existsSync(path.join(root, 'dist/services/ops-centre/web/index.html'))) {
    execSync('npx nx run ops-centre:build --outputStyle=static', { cwd: root, stdio: 'inherit' });
  }
  const load0 = load1();
  const admin = testKafka('bench-console-admin').admin();
  await admin.connect();
  // Another replica in the group would take a share of the partitions, and this page would miss its events.
  for (let waited = 0; (await groupMembers(admin)) > 0; waited += 5) {
    if (waited >= 180) throw new Error(`group "${GROUP}" still has members after 3 min: another ops-centre runs on the test broker; rerun when it has stopped`);
    if (waited === 0) console.log(`waiting for the other members of group "${GROUP}" to leave (another test run?)`);
    await sleep(5_000);
  }

  let service: RunningService | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
  const producer = testKafka('bench-console').producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    service = await startService('ops-centre', { port: PORT, logFile: path.join(root, 'tmp/bench/console-stream-ops-centre.log') });
    await service.waitForLog('consuming as group', 60_000);
    // Whatever earlier runs left in the topics is consumed first, so it is not measured.
    const t0 = Date.now();
    let backlog = await totalLag(admin);
    const initialBacklog = backlog;
    while (backlog > 0 && Date.now() - t0 < 600_000) {
      await sleep(1_000);
      backlog = await totalLag(admin);
      if (Math.round((Date.now() - t0) / 1000) % 30 === 0) console.log(`  catching up with what earlier runs left on the broker: ${backlog} events to go`);
    }
    if (backlog > 0) throw new Error(`ops-centre still ${backlog} events behind after 10 min of catching up`);
    const catchUpS = (Date.now() - t0) / 1000;

    const token = await devToken({ roles: ['global-watch-officer'], subject: 'bench-console' });
    const live = new PageLog(await openConsole(browser, service.url, token, MAP_COUNTRY));
    await streamOpen(live.page);
    await sleep(1_000);
    await live.pull();

    console.log(`console-stream  ops-centre :${PORT} from dist, headless Chromium on the live pane (global watch officer), PartnerEngaged over ${COUNTRIES.length} countries`);
    console.log(`  ${cpus().length} CPUs, load average (1 min) ${load0} at start; backlog consumed before measuring: ${initialBacklog} events${initialBacklog > 1_000 ? ` in ${catchUpS.toFixed(0)} s (net catch-up of the consumer, no page open: ~${(initialBacklog / catchUpS).toFixed(0)} events/s)` : ''}`);
    const results: StepResult[] = [];
    for (const rate of RATES) {
      const r = await runStep(rate, live, admin, service.pid);
      results.push(r);
      if (r.behind && !ALL_STEPS) break;
    }
    await live.page.context().close();

    console.log('');
    console.log('  offered/s  sent    delivered/s  deliv%  peak/s  other/s  p50 ms  p99 ms  max ms  never shown  dropped  renders/s  lag@end  ops-centre CPU  load1  verdict');
    for (const r of results) {
      console.log(
        `  ${r.offered.toFixed(0).padStart(9)}  ${String(r.sent).padEnd(6)}  ${r.delivered.toFixed(0).padStart(11)}  ${((100 * r.delivered) / r.offered).toFixed(1).padStart(5)}%  ${String(r.peak).padStart(6)}  ${r.othersPerS.toFixed(0).padStart(7)}  ${fmt(r.p50).padStart(6)}  ${fmt(r.p99).padStart(6)}  ${fmt(r.max).padStart(6)}  ${String(r.lost).padStart(11)}  ${String(r.dropped).padStart(7)}  ${r.rendersPerS.toFixed(1).padStart(9)}  ${String(r.lagAtEnd).padStart(7)}  ${(r.cpu * 100).toFixed(0).padStart(13)}%  ${r.load.padStart(5)}  ${r.behind ? `behind (${r.behind})` : 'keeps up'}${r.othersPerS > 0.05 * r.offered ? ' DISTURBED by other publishers' : ''}${r.members > 1 ? ` INVALID: ${r.members} replicas` : ''}`,
      );
    }
    const sustained = results.filter((r, i) => !r.behind && results.slice(0, i).every((q) => !q.behind)).at(-1);
    const first = results.find((r) => r.behind);
    console.log(`  highest sustained rate: ${sustained ? `${sustained.offered.toFixed(0)} events/s (step ${sustained.rate})` : `none (below ${RATES[0]} events/s)`}${first ? `; falls behind at the ${first.rate} events/s step: ${first.behind}` : '; did not fall behind at any step'}`);

    if (ESCALATIONS > 0) await escalations(browser, service.url, token, producer);
    console.log(`  load average (1 min) at end ${load1()}`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await browser.close().catch(() => undefined);
    // Leave no backlog in the group for the next ops-centre that starts on this broker.
    if (service) {
      const t = Date.now();
      while (Date.now() - t < DRAIN_MS && (await totalLag(admin).catch(() => 0)) > 0) await sleep(1_000);
      await service.stop();
    }
    await admin.disconnect();
  }

  async function runStep(rate: number, log: PageLog, admin: Admin, pid: number): Promise<StepResult> {
    const sent = new Map<string, number>();
    const inflight: Promise<unknown>[] = [];
    const total = Math.round(rate * STEP_S);
    const cpu0 = cpuSeconds(pid);
    const t0 = now();
    let n = 0;
    let puller = Promise.resolve();
    let lastPull = t0;
    while (n < total) {
      const due = Math.min(total, Math.floor(((now() - t0) / 1000) * rate));
      if (due > n) {
        const t = now();
        const batch: Message[] = [];
        for (; n < due; n++) {
          const id = randomUUID();
          sent.set(id, t);
          batch.push(partnerEngaged(id, t, n));
        }
        inflight.push(producer.send({ topic: TOPIC_PARTNERSHIPS, acks: -1, messages: batch }));
      }
      // Pull the page's records as we go, so its arrays stay small.
      if (now() - lastPull > 1_000) {
        lastPull = now();
        puller = puller.then(() => log.pull());
      }
      await sleep(TICK_MS);
    }
    await Promise.all(inflight);
    const tEnd = now();
    const cpu = (cpuSeconds(pid) - cpu0) / ((tEnd - t0) / 1000);
    const lagAtEnd = await totalLag(admin);
    const members = await groupMembers(admin);
    const load = load1();
    // Drain: every event of the step shown, or the drain time is up.
    const until = now() + DRAIN_MS;
    await puller;
    for (;;) {
      await log.pull();
      const shown = [...sent.keys()].filter((id) => log.rx.has(id) && log.renderAfter(log.rx.get(id) as number) !== Infinity).length;
      if (shown === sent.size || now() > until) break;
      await sleep(500);
    }
    // Other publishers' events still queued would slow the next step: start it with the group caught up.
    while (now() < until && (await totalLag(admin)) > 0) await sleep(500);
    const windowStart = t0 + WARMUP_MS;
    let offeredInWindow = 0;
    let receivedInWindow = 0;
    const latencies: number[] = [];
    const perSecond = new Map<number, number>();
    for (const [id, tp] of sent) {
      if (tp >= windowStart && tp <= tEnd) offeredInWindow++;
      const tr = log.rx.get(id);
      if (tr !== undefined && tr >= windowStart && tr <= tEnd) receivedInWindow++;
      if (tr !== undefined) perSecond.set(Math.floor((tr - t0) / 1000), (perSecond.get(Math.floor((tr - t0) / 1000)) ?? 0) + 1);
      latencies.push(tr === undefined ? Infinity : log.renderAfter(tr) - tp);
      log.rx.delete(id);
    }
    // What is left came from other publishers on the shared broker: ops-centre consumed it too.
    let others = 0;
    for (const tr of log.rx.values()) if (tr >= windowStart && tr <= tEnd) others++;
    log.rx.clear();
    latencies.sort((a, b) => a - b);
    const seconds = (tEnd - windowStart) / 1000;
    const offered = offeredInWindow / seconds;
    const delivered = receivedInWindow / seconds;
    const p99 = percentile(latencies, 99);
    const renders = log.commits.filter((t) => t >= windowStart && t <= tEnd).length;
    const dropped = log.dropped;
    log.dropped = 0;
    const reasons = [delivered < 0.95 * offered ? `delivered ${((100 * delivered) / offered).toFixed(0)} % of offered` : '', p99 > 2_000 ? `p99 ${fmt(p99)} ms > 2 s` : ''].filter(Boolean);
    const result: StepResult = {
      rate,
      sent: sent.size,
      offered,
      delivered,
      peak: Math.max(0, ...perSecond.values()),
      othersPerS: others / seconds,
      p50: percentile(latencies, 50),
      p99,
      max: latencies.at(-1) ?? NaN,
      lost: latencies.filter((l) => !Number.isFinite(l)).length,
      dropped,
      rendersPerS: renders / seconds,
      lagAtEnd,
      cpu,
      load,
      members,
      behind: reasons.length ? reasons.join(', ') : null,
    };
    console.log(`  step ${rate}/s: sent ${result.sent}, delivered ${delivered.toFixed(0)}/s, p50 ${fmt(result.p50)} ms, p99 ${fmt(p99)} ms, lag at end ${lagAtEnd}, load ${load}`);
    await sleep(1_000);
    return result;
  }
}

/** RiskEscalated at a low rate: publish → map colour, publish → alert row. */
async function escalations(browser: import('playwright-core').Browser, url: string, token: string, producer: import('kafkajs').Producer) {
  const map = new PageLog(await openConsole(browser, url, token, MAP_COUNTRY));
  await streamOpen(map.page);
  await map.page.goto(`${url}/#/map`);
  const alerts = new PageLog(await openConsole(browser, url, token, MAP_COUNTRY));
  await streamOpen(alerts.page);
  await alerts.page.goto(`${url}/#/alerts`);
  await alerts.page.getByTestId('alerts').waitFor();

  const send = (ceType: typeof CE_RISK_ESCALATED | typeof CE_RISK_DEESCALATED, value: Uint8Array, id = randomUUID()) =>
    producer.send({ topic: TOPIC_RISK, acks: -1, messages: [{ key: MAP_COUNTRY, value: Buffer.from(value), headers: cloudEventHeaders({ id, type: ceType, source: 'early-warning', time: new Date() }) }] });
  const deescalate = (escalationId: string) =>
    send(CE_RISK_DEESCALATED, encodeEvent(CE_RISK_DEESCALATED, create(RiskDeescalatedSchema, { escalationId, country: MAP_COUNTRY, previousLevel: RiskLevel.CRITICAL, newLevel: RiskLevel.LOW, score: 0.1, at: timestampFromDate(new Date()) })));
  await deescalate(randomUUID());
  const path = map.page.locator(`path[data-iso3="${MAP_COUNTRY}"]`);
  for (let i = 0; (await path.getAttribute('data-level')) !== 'low'; i++) {
    if (i > 150) throw new Error(`${MAP_COUNTRY} not shown at level low on the map`);
    await sleep(100);
  }
  await Promise.all([map.pull(), alerts.pull()]);

  const published: Array<{ escalationId: string; eventId: string; deEventId: string; t: number }> = [];
  const load0 = load1();
  const mapShows = (level: string) => map.page.locator(`path[data-iso3="${MAP_COUNTRY}"][data-level="${level}"]`).waitFor({ timeout: 30_000 });
  // Closed loop: the de-escalation is published only once the map shows the escalation, so the two
  // never land in one render (which would show no change at all); at most one escalation per period.
  for (let i = 0; i < ESCALATIONS; i++) {
    const escalationId = randomUUID();
    const eventId = randomUUID();
    const t = now();
    await send(
      CE_RISK_ESCALATED,
      encodeEvent(CE_RISK_ESCALATED, create(RiskEscalatedSchema, { escalationId, country: MAP_COUNTRY, admin1: '', previousLevel: RiskLevel.LOW, newLevel: RiskLevel.CRITICAL, score: 0.93, drivers: [{ kind: 'battles', label: 'console-stream bench', area: '', count: 9, weight: 0.9 }], at: timestampFromDate(new Date(t)) })),
      eventId,
    );
    await mapShows('critical');
    const deEventId = randomUUID();
    await send(CE_RISK_DEESCALATED, encodeEvent(CE_RISK_DEESCALATED, create(RiskDeescalatedSchema, { escalationId, country: MAP_COUNTRY, previousLevel: RiskLevel.CRITICAL, newLevel: RiskLevel.LOW, score: 0.1, at: timestampFromDate(new Date()) })), deEventId);
    published.push({ escalationId, eventId, deEventId, t });
    await mapShows('low');
    await sleep(Math.max(0, ESCALATION_PERIOD_MS - (now() - t)));
    if (i % 10 === 9) await Promise.all([map.pull(), alerts.pull()]);
  }
  const rate = (published.length / ((now() - published[0].t) / 1000)).toFixed(2);
  const until = now() + 15_000;
  while (now() < until && published.some((p) => !alerts.alerts.has(p.escalationId))) {
    await sleep(500);
    await Promise.all([map.pull(), alerts.pull()]);
  }
  await Promise.all([map.pull(), alerts.pull()]);

  const mapLatencies: number[] = [];
  const alertLatencies: number[] = [];
  for (const p of published) {
    // The first "critical" on the map after this escalation was published and before its de-escalation reached the page.
    const rx = map.rx.get(p.eventId);
    const rxDe = map.rx.get(p.deEventId) ?? Infinity;
    // (A map refresh from /risk may show it a moment before the stream does: from publish, not from rx.)
    const shown = rx === undefined ? undefined : map.map.find(([level, t]) => level === 'critical' && t >= p.t && t <= rxDe + 1);
    mapLatencies.push(shown ? shown[1] - p.t : Infinity);
    const row = alerts.alerts.get(p.escalationId);
    alertLatencies.push(row === undefined ? Infinity : row - p.t);
  }
  mapLatencies.sort((a, b) => a - b);
  alertLatencies.sort((a, b) => a - b);
  const line = (label: string, l: number[]) =>
    `  RiskEscalated published → ${label}  p50 ${fmt(percentile(l, 50))} ms  p99 ${fmt(percentile(l, 99))} ms  max ${fmt(l.at(-1) ?? NaN)} ms  (never shown ${l.filter((x) => !Number.isFinite(x)).length})`;
  console.log('');
  console.log(`  ${published.length} escalations of ${MAP_COUNTRY} to critical at ${rate}/s, each undone by a de-escalation once shown; load average ${load0} → ${load1()}`);
  console.log(line('map colour shown', mapLatencies));
  console.log(line('alert row shown ', alertLatencies));

  // Close the bench's alerts, so alert triage is not left with a hundred open ones.
  const mine = new Set(published.map((p) => p.escalationId));
  const open = (await (await fetch(`${url}/alerts?status=active&country=${MAP_COUNTRY}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ id: string; escalationId: string }>;
  for (const a of open.filter((x) => mine.has(x.escalationId))) {
    await fetch(`${url}/alerts/${a.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'console-stream bench' }) });
  }
  await map.page.context().close();
  await alerts.page.context().close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
