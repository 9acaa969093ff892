import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, LOCAL_DEV_SECRET, signDevToken, type Role } from '@crisis-ops/auth';

/** The Nx workspace root, found from the working directory (Nx runs targets from the root). */
export function workspaceRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nx.json above ${from}`);
  }
}

export interface ServiceEnvOptions {
  /** Variables added last; `undefined` removes a variable. */
  readonly env?: Record<string, string | undefined>;
  readonly port?: number;
  /** Sets OTEL_EXPORTER_OTLP_ENDPOINT and a short batch delay, so spans arrive within a second. */
  readonly otlpEndpoint?: string;
}

// Inherited from the developer's shell they would make a run depend on who started it.
const NOT_INHERITED = /^(PORT|AUTH_.*|OTEL_.*|DATABASE_(USER|PASSWORD|MIGRATOR_.*)|MIGRATE_ON_BOOT|OUTBOX_POLL_MS|LOG_LEVEL|VITEST.*|NODE_OPTIONS)$/;

/**
 * The environment of a service under test: the test infrastructure (as exported by
 * `.run/test/env.sh`), the public development secret, and whatever the caller adds or removes.
 */
export function serviceEnv({ env = {}, port, otlpEndpoint }: ServiceEnvOptions = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!NOT_INHERITED.test(key)) base[key] = value;
  const merged: Record<string, string | undefined> = {
    ...base,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    DATABASE_HOST: process.env.DATABASE_HOST ?? '127.0.0.1',
    DATABASE_PORT: process.env.DATABASE_PORT ?? '55433',
    DATABASE_NAME: process.env.DATABASE_NAME ?? 'crisis_ops',
    AUTH_DEV_SECRET: LOCAL_DEV_SECRET,
    LOG_LEVEL: 'info',
    // Tests post for ISO's user-assigned codes (ISO's user-assigned ranges) so they never move a real country's risk.
    EARLY_WARNING_EXERCISE_COUNTRIES: 'true',
    ...(port !== undefined ? { PORT: String(port) } : {}),
    ...(otlpEndpoint
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }
      : {}),
    ...env,
  };
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(merged)) if (value !== undefined) out[key] = value;
  return out;
}

/** `dist/services/<name>/main.js`, which the e2e target builds first. */
export function serviceMain(name: string): string {
  const main = path.join(workspaceRoot(), 'dist/services', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing; build it first (npx nx run ${name}:build)`);
  return main;
}

export interface StartServiceOptions extends ServiceEnvOptions {
  readonly port: number;
  readonly readyTimeoutMs?: number;
  /** Where stdout and stderr go; default `tmp/e2e-logs/<name>.log` under the workspace root. */
  readonly logFile?: string;
  /** Extra node flags, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
}

export interface RunningService {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** The last `n` lines of the service's log. */
  tail(n?: number): string;
  /** Resolves when a log line matches, e.g. the consumer having joined its group. */
  waitForLog(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if the process has not exited within 10 s. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

function tailOf(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-n - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a built service as its own process and resolves once `GET /health/ready` answers 200
 * (database and Kafka reachable, migrations run). Fails with the end of its log if it exits or is not
 * ready in time.
 */
export async function startService(name: string, options: StartServiceOptions): Promise<RunningService> {
  const { port, readyTimeoutMs = 60_000 } = options;
  const url = `http://127.0.0.1:${port}`;
  // Something already there would answer for us, and the test would run against the wrong process.
  if ((await answers(`${url}/health/live`)) !== undefined) {
    throw new Error(`port ${port} is already in use (a ${name} left over from an earlier run?)`);
  }
  const logFile = options.logFile ?? path.join(workspaceRoot(), 'tmp/e2e-logs', `${name}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'w' });
  // The GC settings services run with (scripts/services.sh says why).
  const child = spawn(process.execPath, ['--enable-source-maps', '--max-semi-space-size=32', '--single-threaded-gc', ...(options.nodeArgs ?? []), serviceMain(name)], {
    cwd: workspaceRoot(),
    env: serviceEnv({ ...options, env: { OTEL_SERVICE_NAME: name, ...options.env } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const done = exited(child).then(() => new Promise<void>((resolve) => log.end(resolve)));
  const tail = (n = 40) => tailOf(logFile, n);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(killer);
    }
    await done;
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await done;
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready; last log lines:\n${tail()}`);
    }
    if ((await answers(`${url}/health/ready`)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready on :${port} within ${readyTimeoutMs} ms; last log lines:\n${tail()}`);
    }
    await sleep(250);
  }

  return {
    name,
    port,
    url,
    pid: child.pid ?? -1,
    logFile,
    tail,
    stop,
    async waitForLog(pattern, timeoutMs = 30_000) {
      const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      const until = Date.now() + timeoutMs;
      while (!matches(readFileSync(logFile, 'utf8'))) {
        if (child.exitCode !== null || Date.now() > until) {
          throw new Error(`${name}: no log line matching ${pattern} within ${timeoutMs} ms; last log lines:\n${tail()}`);
        }
        await sleep(100);
      }
    },
  };
}

/** A bearer token the services accept when they run with the local development secret. */
export function devToken({ roles, region = null, subject = 'e2e-tester' }: { roles: Role[]; region?: string | null; subject?: string }): Promise<string> {
  return signDevToken({
    subject,
    roles,
    region,
    secret: LOCAL_DEV_SECRET,
    issuer: DEFAULT_AUTH_ISSUER,
    audience: DEFAULT_AUTH_AUDIENCE,
    ttlSeconds: 3_600,
  });
}
