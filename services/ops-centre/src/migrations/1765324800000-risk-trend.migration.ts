import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console drew its own trend (first against last point of a score history) and said "rising" of
 * areas early-warning called falling. The read model now keeps early-warning's: the change of score
 * of the area's last RiskAssessed that had a previous score (`riskTrendDeltaOf` of
 * @crisis-ops/contracts). Rows recorded before are filled from the timeline by the same rule
 * (Math.round's halves upward: floor(x + 0.5)).
 */
export class RiskTrend1765324800000 implements MigrationInterface {
  name = 'RiskTrend1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_areas ADD COLUMN trend_delta double precision');
    // The type as published when this shipped, written out: a later rename must not change this migration.
    await q.query(`
      WITH latest AS (
        SELECT DISTINCT ON (country, coalesce(payload->>'admin1', ''))
               country, coalesce(payload->>'admin1', '') AS admin1,
               floor(((payload->>'score')::float8 - (payload->>'previousScore')::float8) * 10 + 0.5) / 10 AS delta
          FROM timeline_entries
         WHERE ce_type = 'org.crisis-ops.early-warning.risk-assessed.v1' AND payload ? 'previousScore'
         ORDER BY country, coalesce(payload->>'admin1', ''), coalesce((payload->>'assessedAt')::timestamptz, occurred_at) DESC, received_at DESC
      )
      UPDATE risk_areas r SET trend_delta = latest.delta FROM latest WHERE latest.country = r.country AND latest.admin1 = r.admin1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_areas DROP COLUMN trend_delta');
  }
}
