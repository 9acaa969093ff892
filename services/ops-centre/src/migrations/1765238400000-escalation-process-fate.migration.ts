import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal or referral projected after its process's MediationOpened or MediationConcluded (a
 * referral staged while an approver opened the process, a dead letter redriven late) read
 * awaiting-opening for ever: the opening and the closing update only the rows that name their process
 * already. The projector now looks the process's fate up on the timeline when the answer comes
 * (timeline_process_fate); rows recorded before are filled from it by the same rule (projection.ts
 * `answerAfterFate`): opened no earlier than answered, else closed unopened when it was concluded.
 */
export class EscalationProcessFate1765238400000 implements MigrationInterface {
  name = 'EscalationProcessFate1765238400000';
  // Outside a transaction, for CREATE INDEX CONCURRENTLY: the timeline keeps every event (millions of
  // rows after an import), and a plain CREATE INDEX would hold its inserts for the whole scan, the
  // record-event consumer of every replica still running the previous build with them.
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    // A build interrupted (the replica killed) leaves the index invalid; IF NOT EXISTS would keep it so.
    await q.query(
      `DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE c.relname = 'timeline_process_fate' AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid)
         THEN DROP INDEX timeline_process_fate; END IF;
       END $$`,
    );
    // The types as published when this shipped, written out: a later rename must not change this migration.
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS timeline_process_fate ON timeline_entries ((payload->>'processId'))
       WHERE ce_type IN ('org.crisis-ops.mediation.mediation-opened.v1', 'org.crisis-ops.mediation.mediation-concluded.v1')`,
    );
    await this.fill(q);
  }

  /** The rows recorded before, filled from the timeline by the rule of `answerAfterFate` (one statement). */
  async fill(q: QueryRunner): Promise<void> {
    await q.query(`
      WITH fate AS (
        SELECT payload->>'processId' AS process_id,
          min(coalesce((payload->>'occurredAt')::timestamptz, occurred_at)) FILTER (WHERE ce_type = 'org.crisis-ops.mediation.mediation-opened.v1') AS opened_at,
          min(coalesce((payload->>'occurredAt')::timestamptz, occurred_at)) FILTER (WHERE ce_type = 'org.crisis-ops.mediation.mediation-concluded.v1') AS concluded_at
        FROM timeline_entries
        WHERE ce_type IN ('org.crisis-ops.mediation.mediation-opened.v1', 'org.crisis-ops.mediation.mediation-concluded.v1')
        GROUP BY 1
      )
      UPDATE escalation_responses r
         SET opened_at = CASE WHEN fate.opened_at IS NOT NULL THEN greatest(fate.opened_at, r.proposed_at) END,
             closed_unopened_at = CASE WHEN fate.opened_at IS NULL THEN fate.concluded_at END
        FROM fate
       WHERE fate.process_id = r.process_id AND r.opened_at IS NULL AND r.closed_unopened_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The rows filled are left as they are: what they say is what the timeline says.
    await q.query('DROP INDEX IF EXISTS timeline_process_fate');
  }
}
