import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { RiskLevel, riskTrendDeltaOf } from '@crisis-ops/contracts';
import { adminClient, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishAssessment } from '../../test/events';
import { RiskTrend1765324800000 } from '../migrations/1765324800000-risk-trend.migration';

/** The trend the board and the country page show is early-warning's, from its RiskAssessed events. */
describe("ops-centre shows early-warning's risk trend", () => {
  const h = useOpsCentre('ops-centre-risk-trend-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-risk-trend' } });
  let base: string;
  let producer: Producer;
  let token: string;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string): Promise<any> => (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  const day = (n: number) => new Date(Date.UTC(2026, 0, n));

  beforeAll(() => {
    ({ base, producer, globalToken: token } = h);
  });

  it("says falling of an area whose last assessment fell, though its score stands above its history's first point", async () => {
    const country = await freshTestCountry();
    await publishAssessment(producer, { country, level: RiskLevel.LOW, score: 12, day: day(1) });
    await publishAssessment(producer, { country, level: RiskLevel.ELEVATED, score: 25.4, day: day(2), previousScore: 12 });
    await publishAssessment(producer, { country, level: RiskLevel.ELEVATED, score: 20.1, day: day(3), previousScore: 25.4 });
    const row = await eventually(async () => ((await api('/risk')) as Array<{ country: string; score: number }>).find((r) => r.country === country && r.score === 20.1));
    expect(row).toMatchObject({ trend: 'falling', trendDelta: -5.3 });
    expect((await api(`/countries/${country}`)).risk[0]).toMatchObject({ trend: 'falling', trendDelta: -5.3 });
  });

  it('fills, on migrating, the areas recorded before from the last assessment on the timeline that had a previous score', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const runner = { query: (sql: string, args?: unknown[]) => db.query(sql, args).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new RiskTrend1765324800000();
    try {
      // As the schema stood before the migration; all of it rolled back, so the read model is as it was.
      await db.query('BEGIN');
      await db.query('SET LOCAL search_path TO ops_centre');
      await migration.down(runner);
      for (const admin1 of ['', 'North']) {
        await db.query(`INSERT INTO risk_areas (country, admin1, level, score, updated_at) VALUES ($1, $2, 2, 20.1, $3)`, [country, admin1, day(3)]);
      }
      const assessed = [
        [day(2), { score: 25.4, previousScore: 12 }],
        [day(3), { score: 20.1, previousScore: 25.4 }],
        // Later, but an area's first: it says nothing of the trend.
        [day(4), { score: 30 }],
        [day(3), { admin1: 'North', score: 10, previousScore: 10.25 }],
      ] as const;
      for (const [at, payload] of assessed) {
        await db.query(
          `INSERT INTO timeline_entries (event_id, ce_type, ce_source, country, occurred_at, topic, kafka_partition, kafka_offset, payload)
           VALUES ($1, 'org.crisis-ops.early-warning.risk-assessed.v1', 'test', $2, $3, 'early-warning.risk.v1', 0, 0, $4)`,
          [randomUUID(), country, at, JSON.stringify({ country, level: 'RISK_LEVEL_ELEVATED', assessedAt: at.toISOString(), ...payload })],
        );
      }
      await migration.up(runner);
      const rows = await db.query('SELECT admin1, trend_delta FROM risk_areas WHERE country = $1 ORDER BY admin1', [country]);
      // Rounded as early-warning rounds (Math.round, halves upward): -0.25 to -0.2, where SQL's round says -0.3.
      expect(rows.rows.map((r) => [r.admin1, r.trend_delta])).toEqual([['', -5.3], ['North', riskTrendDeltaOf(10, 10.25)]]);
      expect(riskTrendDeltaOf(10, 10.25)).toBe(-0.2);
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
  });
});
