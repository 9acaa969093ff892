import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the process answering an escalation ended before it was ever opened (a proposal closed:
 * MediationConcluded): such an escalation read "opened pending" for ever. Rows recorded before this
 * column are filled from the MediationConcluded events on the timeline, which keeps every event.
 */
export class EscalationClosedUnopened1764892800000 implements MigrationInterface {
  name = 'EscalationClosedUnopened1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_responses ADD COLUMN closed_unopened_at timestamptz');
    // The type as published when this shipped, written out: a later rename must not change this migration.
    await q.query(
      `UPDATE escalation_responses r SET closed_unopened_at = t.occurred_at
       FROM timeline_entries t
       WHERE t.ce_type = 'org.crisis-ops.mediation.mediation-concluded.v1' AND t.payload->>'processId' = r.process_id AND r.opened_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_responses DROP COLUMN closed_unopened_at');
  }
}
