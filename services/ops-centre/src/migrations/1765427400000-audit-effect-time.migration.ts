import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An audit entry, a comment, an acknowledgement and a close were stamped now(): the start of their
 * transaction, before it waited for the alert's row lock, so ten concurrent assigns read out of the
 * order they took effect (the newest entry `p2 -> p1` while the alert was p7's). The service now
 * stamps each action once it holds the lock, with clock_timestamp(), and so do these columns'
 * defaults, for any row written without a time; the audit is listed in the order entries were
 * written (their ids, drawn after the lock).
 *
 * Rows written before keep the time they were recorded with. The audit is evidence: a migration
 * that moved its times, even to the earliest each action can have taken effect, would replace what
 * was recorded with what was inferred, and nothing could give the recorded time back.
 */
export class AuditEffectTime1765427400000 implements MigrationInterface {
  name = 'AuditEffectTime1765427400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT clock_timestamp()');
    await q.query('ALTER TABLE alert_comments ALTER COLUMN at SET DEFAULT clock_timestamp()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE alert_comments ALTER COLUMN at SET DEFAULT now()');
    await q.query('ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT now()');
  }
}
