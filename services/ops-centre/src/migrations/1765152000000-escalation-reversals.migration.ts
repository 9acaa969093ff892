import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An escalation its area fell back from (RiskDeescalated below its level): when, and to which level.
 * Its alert stayed "open / critical" at the top of triage and its response "awaiting" for ever, as if
 * the area were still at that level. On the alert it is `cleared_*` (the alert stays open: an officer
 * may still need to look), on the response `reversed_*`. Rows recorded before are filled from the
 * RiskDeescalated events on the timeline, which keeps every event, by the rule the projector applies
 * (projection.ts `reverses`): below the escalation's level, and naming it or of its area and raised
 * after it; the first such de-escalation counts.
 */
export class EscalationReversals1765152000000 implements MigrationInterface {
  name = 'EscalationReversals1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alerts ADD COLUMN cleared_at timestamptz, ADD COLUMN cleared_to_level smallint');
    await q.query('ALTER TABLE escalation_responses ADD COLUMN reversed_at timestamptz, ADD COLUMN reversed_to_level smallint');
    // A de-escalation looks up its area's escalations not yet reversed.
    await q.query('CREATE INDEX alerts_area_uncleared ON alerts (country, admin1) WHERE cleared_at IS NULL');
    await q.query('CREATE INDEX escalation_responses_area_unreversed ON escalation_responses (country, admin1) WHERE reversed_at IS NULL');
    // The type and levels as published when this shipped, written out: a later rename must not change this migration.
    const deescalations = `
      SELECT t.occurred_at AS at, t.payload->>'escalationId' AS escalation_id, t.country, coalesce(t.payload->>'admin1', '') AS admin1,
        CASE t.payload->>'newLevel' WHEN 'RISK_LEVEL_LOW' THEN 1 WHEN 'RISK_LEVEL_ELEVATED' THEN 2 WHEN 'RISK_LEVEL_HIGH' THEN 3 WHEN 'RISK_LEVEL_CRITICAL' THEN 4 END AS level
      FROM timeline_entries t WHERE t.ce_type = 'org.crisis-ops.early-warning.risk-deescalated.v1'`;
    await q.query(`
      WITH d AS (${deescalations}),
      earliest AS (
        SELECT DISTINCT ON (a.id) a.id, d.at, d.level FROM alerts a
        JOIN d ON d.level < a.level AND (d.escalation_id = a.escalation_id OR (d.country = a.country AND d.admin1 = a.admin1 AND d.at >= a.opened_at))
        WHERE a.cleared_at IS NULL ORDER BY a.id, d.at
      )
      UPDATE alerts a SET cleared_at = earliest.at, cleared_to_level = earliest.level FROM earliest WHERE a.id = earliest.id`);
    await q.query(`
      WITH d AS (${deescalations}),
      earliest AS (
        SELECT DISTINCT ON (r.escalation_id) r.escalation_id, d.at, d.level FROM escalation_responses r
        JOIN d ON d.level < r.level AND (d.escalation_id = r.escalation_id OR (d.country = r.country AND d.admin1 = r.admin1 AND d.at >= r.escalated_at))
        WHERE r.reversed_at IS NULL ORDER BY r.escalation_id, d.at
      )
      UPDATE escalation_responses r SET reversed_at = earliest.at, reversed_to_level = earliest.level FROM earliest WHERE r.escalation_id = earliest.escalation_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX escalation_responses_area_unreversed, alerts_area_uncleared');
    await q.query('ALTER TABLE escalation_responses DROP COLUMN reversed_at, DROP COLUMN reversed_to_level');
    await q.query('ALTER TABLE alerts DROP COLUMN cleared_at, DROP COLUMN cleared_to_level');
  }
}
