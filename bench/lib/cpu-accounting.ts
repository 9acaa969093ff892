import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { adminClient } from '@crisis-ops/testing';

/**
 * CPU time per component over a benchmark phase, read from /proc (user + system, all threads), so
 * a ratio can be explained by where the machine's cores went rather than guessed at:
 *
 * - `service`: the early-warning processes the benchmark started;
 * - `postgres`: backends of the service's own roles plus Postgres' background processes (WAL
 *   writer, checkpointer...), so other tenants of the test database are not counted;
 * - `broker`: the Kafka broker (KRaft, one JVM);
 * - `bench`: this process (load generator or bare producer).
 *
 * Linux only; elsewhere every figure reads 0 and the report says so.
 */
export type Component = 'service' | 'postgres' | 'broker' | 'bench';

export interface CpuSnapshot {
  readonly at: number;
  /** CPU ms per process id, per component (the bench itself as pid 0). */
  readonly ms: Readonly<Record<Component, ReadonlyMap<number, number>>>;
}

const TICK_MS = (() => {
  try {
    return 1000 / Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim());
  } catch {
    return 10;
  }
})();

function processMs(pid: number): number {
  try {
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop() ?? '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

function brokerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kafka.Kafka')) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export class CpuAccounting {
  private constructor(
    private readonly servicePids: () => readonly number[],
    private readonly roles: readonly string[],
    private readonly db: ReturnType<typeof adminClient>,
  ) {}

  static async start(servicePids: () => readonly number[], roles: readonly string[]): Promise<CpuAccounting> {
    const db = adminClient();
    await db.connect();
    return new CpuAccounting(servicePids, roles, db);
  }

  async snapshot(): Promise<CpuSnapshot> {
    const { rows } = await this.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE usename = ANY($1::text[]) OR backend_type <> 'client backend'`,
      [this.roles],
    );
    const read = (pids: readonly number[]) => new Map(pids.map((pid) => [pid, processMs(pid)]));
    const own = process.cpuUsage();
    return {
      at: performance.now(),
      ms: {
        service: read(this.servicePids()),
        postgres: read(rows.map((r) => r.pid)),
        broker: read(brokerPids()),
        bench: new Map([[0, (own.user + own.system) / 1000]]),
      },
    };
  }

  async stop(): Promise<void> {
    await this.db.end();
  }
}

/**
 * One line per component: CPU µs per item and share of one core over the phase. Only processes alive
 * at the end are counted; one that started during the phase counts from zero, which is what it used.
 */
export function cpuReport(label: string, from: CpuSnapshot, to: CpuSnapshot, items: number): string {
  const seconds = (to.at - from.at) / 1000;
  const parts = (Object.keys(to.ms) as Component[]).map((c) => {
    let ms = 0;
    for (const [pid, end] of to.ms[c]) ms += Math.max(0, end - (from.ms[c].get(pid) ?? 0));
    return { c, perItem: (ms * 1000) / items, cores: ms / 1000 / seconds };
  });
  const total = parts.reduce((s, p) => s + p.perItem, 0);
  const cores = parts.reduce((s, p) => s + p.cores, 0);
  if (total === 0) return `  ${label}: CPU accounting unavailable (no /proc)`;
  return (
    `  ${label} CPU per signal: ` +
    parts.map((p) => `${p.c} ${p.perItem.toFixed(0)} µs`).join(', ') +
    ` = ${total.toFixed(0)} µs; ${cores.toFixed(2)} cores busy (` +
    parts.map((p) => `${p.c} ${(p.cores * 100).toFixed(0)} %`).join(', ') +
    ')'
  );
}
