import { execSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { devToken, startService, testKafka, unusedCountryCodes, workspaceRoot, type RunningService } from '@crisis-ops/testing';

/** Countries of the benchmarks: user-assigned codes (never a real country), kept out of the tests' way. */
export const BENCH_COUNTRIES = ['QZA', 'QZB', 'QZC', 'QZD', 'QZE', 'QZF', 'QZG', 'QZH', 'QZI', 'QZJ'];

/** Builds early-warning (an Nx cache hit when nothing changed) and starts it as its own process. */
export async function startEarlyWarning(port: number, options: { build?: boolean } = {}): Promise<{ service: RunningService; post: (path: string, body: unknown) => Promise<{ status: number; body: unknown }> }> {
  const token = await devToken({ roles: ['analyst'], region: null, subject: 'bench' });
  // A body given as a string is sent as it is: a load generator that serialises its requests before
  // the clock starts (as the bare producer encodes its payloads before its own) spends none of the
  // machine's two cores on JSON while the service is measured. A 202's answer is read but not parsed,
  // for the same reason; anything else is parsed, to be reported.
  const agent = new http.Agent({ keepAlive: true });
  const once = (base: string, url: string, payload: string) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = http.request(`${base}${url}`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, body: status === 202 ? undefined : parseOrText(Buffer.concat(chunks).toString('utf8')) });
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  // A kept-alive connection the service closed while idle (between phases) fails the request sent on
  // it with ECONNRESET: sent again on a new one, as Node's documentation advises. Intake is idempotent
  // by (source, id), so a request that did reach the service records nothing twice.
  const poster = (base: string) => async (url: string, body: unknown) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    try {
      return await once(base, url, payload);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
      if (e.reusedSocket && e.code === 'ECONNRESET') return once(base, url, payload);
      throw err;
    }
  };
  // BENCH_URL: measure a service started by hand (e.g. under --cpu-prof) instead of starting one.
  if (process.env.BENCH_URL) {
    const url = process.env.BENCH_URL;
    return { service: { url, stop: async () => undefined } as unknown as RunningService, post: poster(url) };
  }
  if (options.build !== false) execSync('npx nx run early-warning:build --outputStyle=static', { cwd: workspaceRoot(), stdio: ['ignore', 'ignore', 'inherit'] });
  const service = await startService('early-warning', {
    port,
    logFile: path.join(workspaceRoot(), `tmp/bench-logs/early-warning-${port}.log`),
    env: { OUTBOX_POLL_MS: '200' },
    // BENCH_PROFILE=dir writes a CPU profile of the service there on exit.
    nodeArgs: [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
  });
  await service.waitForLog('consuming as group', 60_000);
  return { service, post: poster(service.url) };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Signals on the topic that early-warning's consumer group (the risk engine) has not yet committed. */
export async function riskLag(admin: Admin): Promise<number> {
  const ends = await admin.fetchTopicOffsets(TOPIC_SIGNALS);
  const [group] = await admin.fetchOffsets({ groupId: 'early-warning', topics: [TOPIC_SIGNALS] });
  return ends.reduce((sum, p) => {
    const committed = Number(group?.partitions.find((q) => q.partition === p.partition)?.offset ?? -1);
    return sum + Math.max(0, Number(p.high) - Math.max(0, committed));
  }, 0);
}

/** Waits until early-warning's consumer group has caught up with the signal topic (earlier runs leave backlogs). */
export async function waitForNoLag(timeoutMs = 600_000): Promise<number> {
  const admin = testKafka('bench-lag').admin();
  await admin.connect();
  const t0 = Date.now();
  try {
    for (;;) {
      const lag = await riskLag(admin);
      if (lag === 0) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`early-warning still ${lag} signals behind after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * `n` user-assigned codes early-warning has no risk state for, so a run's areas start at
 * low and its countries do not carry earlier runs' areas. Runs use them up; a fresh test database
 * gives them back.
 */
export const freshCountries = (n: number): Promise<string[]> => unusedCountryCodes(n, { tables: ['early_warning.risk_engines'], exclude: BENCH_COUNTRIES });
