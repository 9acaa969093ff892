import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /response-times pages with a cursor through pending escalations first, then the rest. Whether
 * a row is pending changes while an officer pages (a proposal or an opening arrives), and so would its
 * place: one shown among the pending rows and answered before the next page came again among the
 * settled ones. A cursor therefore carries the database snapshot of its first page
 * (`pg_current_snapshot()`), and every later page lists the rows as that snapshot grouped them.
 *
 * To tell how a row stood then, each write that changes whether it is listed (`escalated_at` set) or
 * pending records, once per transaction, the transaction (`grouped_xid`) and how the row stood
 * before it (`was_listed`, `was_pending`): a row whose `grouped_xid` the snapshot does not see is
 * listed and grouped as it was before. Only a second regrouping after the snapshot (pending, settled,
 * pending again) would be read wrong; no event does that today.
 *
 * The pending rule is PENDING_RESPONSE of read-model/response-page.ts, written out as it
 * stands: mediation answers from level 3 (high). A change of that rule changes both.
 */
export class EscalationResponsePaging1765411200000 implements MigrationInterface {
  name = 'EscalationResponsePaging1765411200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_responses ADD COLUMN grouped_xid xid8, ADD COLUMN was_listed boolean, ADD COLUMN was_pending boolean');
    // Read through jsonb: a column the rule names may be missing, where an earlier migration's down
    // ran (its int test rebuilds the schema as it stood), and a write must not fail for that.
    const col = (r: string, c: string) => `(to_jsonb(${r})->>'${c}')`;
    const pending = (r: string) => `(${col(r, 'opened_at')} IS NULL AND ${col(r, 'closed_unopened_at')} IS NULL
      AND (${col(r, 'proposed_at')} IS NOT NULL OR ${col(r, 'level')} IS NULL OR ${col(r, 'level')}::int >= 3)
      AND NOT (${col(r, 'reversed_at')} IS NOT NULL AND ${col(r, 'reversed_to_level')} IS NOT NULL AND ${col(r, 'level')} IS NOT NULL
               AND ${col(r, 'reversed_to_level')}::int < ${col(r, 'level')}::int))`;
    await q.query(`
      CREATE FUNCTION escalation_responses_regroup() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        listed_now boolean := NEW.escalated_at IS NOT NULL;
        pending_now boolean := listed_now AND ${pending('NEW')};
        listed_before boolean := false;
        pending_before boolean := false;
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          listed_before := OLD.escalated_at IS NOT NULL;
          pending_before := listed_before AND ${pending('OLD')};
        END IF;
        -- The first regrouping of a transaction keeps how the row stood before the transaction.
        IF (listed_now <> listed_before OR pending_now <> pending_before) AND NEW.grouped_xid IS DISTINCT FROM pg_current_xact_id() THEN
          NEW.grouped_xid := pg_current_xact_id();
          NEW.was_listed := listed_before;
          NEW.was_pending := pending_before;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query('CREATE TRIGGER escalation_responses_regroup BEFORE INSERT OR UPDATE ON escalation_responses FOR EACH ROW EXECUTE FUNCTION escalation_responses_regroup()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER escalation_responses_regroup ON escalation_responses');
    await q.query('DROP FUNCTION escalation_responses_regroup()');
    await q.query('ALTER TABLE escalation_responses DROP COLUMN grouped_xid, DROP COLUMN was_listed, DROP COLUMN was_pending');
  }
}
