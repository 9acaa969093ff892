import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { adminClient, eventually } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountries, type BootedEarlyWarning } from '../int-support';
import { LiveRisk, type LiveInput } from './live-risk.service';

/**
 * The risk consumer stages risk events of several countries in one transaction. Every writer of the
 * outbox takes its per-key locks in key order (appendToOutbox sorts them); were the consumer to
 * take them in the order its batch first saw the countries, it and an import staging the same
 * countries in the other order would each hold one lock and wait for the other, and Postgres would
 * abort one of them. The deadlock itself is a race; the order the locks are taken in is not, so
 * that is what this suite pins down.
 */
describe('early-warning risk consumer: outbox lock order', () => {
  let ew: BootedEarlyWarning;
  let holder: Client;
  let probe: Client;

  beforeAll(async () => {
    ew = await bootEarlyWarning('lock-order');
    holder = adminClient();
    probe = adminClient();
    await holder.connect();
    await probe.connect();
  });

  afterAll(async () => {
    await holder?.end();
    await probe?.end();
    await ew?.close();
  });

  const deadlyAttacks = (country: string): LiveInput[] =>
    Array.from({ length: 40 }, (_, i) => ({
      signal: {
        country,
        admin1: null,
        occurredAt: new Date(Date.now() - 3_600_000),
        type: 'violence_against_civilians' as const,
        subType: 'attack' as const,
        fatalities: 40,
        severity: 5,
      },
      origin: 'api' as const,
      assessAfter: i === 39,
    }));

  it('given a batch that saw the later country code first, it waits for the earlier code holding neither lock', async () => {
    const [earlier, later] = (await freshCountries(2)).sort();
    const lockOf = (country: string) => `outbox:${country}`;
    const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await holder.query('SELECT pg_advisory_lock(hashtext($1))', [lockOf(earlier)]);

    const live = ew.app.get(LiveRisk);
    const applying = ew.app.get(DataSource).transaction((m) => live.apply(m, [...deadlyAttacks(later), ...deadlyAttacks(earlier)]));
    try {
      // The consumer's transaction is waiting for the earlier country's key: it has staged what it
      // staged before that.
      const blocked = async () => Number((await probe.query('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows[0].n) === 1;
      await eventually(blocked, 30_000, 50);
      const [{ free }] = (await probe.query<{ free: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS free', [lockOf(later)])).rows;
      if (free) await probe.query('SELECT pg_advisory_unlock(hashtext($1))', [lockOf(later)]);
      expect(free, `the consumer took ${lockOf(later)} before ${lockOf(earlier)}`).toBe(true);
    } finally {
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [lockOf(earlier)]);
    }
    const events = await applying;
    // Both countries escalated and staged their events once the lock was free.
    expect(new Set(events.filter((e) => e.type === 'RiskEscalated').map((e) => e.country))).toEqual(new Set([earlier, later]));
    const staged = await ew.count(
      `SELECT count(DISTINCT country) AS n FROM early_warning.risk_assessments WHERE country = ANY($1::text[]) AND kind = 'escalated' AND published`,
      [[earlier, later]],
    );
    expect(staged).toBe(2);
  });
});
