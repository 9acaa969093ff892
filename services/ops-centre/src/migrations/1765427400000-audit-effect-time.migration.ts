import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The actions on alerts written before, each with the earliest time it can have taken effect, where
 * that is later than the time it was stamped. The actions are written out: a later one must not
 * change this migration.
 */
const MOVED = `
  SELECT id, alert_id, actor, action, detail, at AS started_at, effect_at
    FROM (SELECT id, alert_id, actor, action, detail, at,
                 max(at) OVER (PARTITION BY alert_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS effect_at
            FROM audit_log
           WHERE alert_id IS NOT NULL AND action IN ('acknowledge', 'assign', 'comment', 'close')) acts
   WHERE effect_at > at`;

/**
 * An audit entry, a comment, an acknowledgement and a close were stamped now(): the start of their
 * transaction, before it waited for the alert's row lock. Ten concurrent assigns were then listed
 * out of the order they took effect (the newest entry read `p2 -> p1` while the alert was p7's). The
 * service now stamps each action once, after the lock, with clock_timestamp(), and so do these
 * columns' defaults, for any row written without a time.
 *
 * Rows written before bear their transaction's start, which can precede the action before it on the
 * same alert. Their order is known: an entry's id is drawn when it is written, after the lock, so one
 * alert's actions (all but views, which take no lock) took effect in id order, each no earlier than
 * its own start nor than the action before it. Each is set to the latest of those starts, the
 * earliest time it can have taken effect; the acknowledgement, close or comment it recorded (written
 * in the same transaction, at the same now(), by the same officer) takes the same time. A view is
 * left as it was: it waited for nothing.
 */
export class AuditEffectTime1765427400000 implements MigrationInterface {
  name = 'AuditEffectTime1765427400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT clock_timestamp()');
    await q.query('ALTER TABLE alert_comments ALTER COLUMN at SET DEFAULT clock_timestamp()');
    // Each statement reads the entries as they were written: audit_log itself is set last.
    await q.query(`
      UPDATE alerts a SET acknowledged_at = e.effect_at FROM (${MOVED}) e
       WHERE e.action = 'acknowledge' AND a.id = e.alert_id AND a.acknowledged_by = e.actor AND a.acknowledged_at = e.started_at`);
    await q.query(`
      UPDATE alerts a SET closed_at = e.effect_at FROM (${MOVED}) e
       WHERE e.action = 'close' AND a.id = e.alert_id AND a.closed_by = e.actor AND a.closed_at = e.started_at`);
    await q.query(`
      UPDATE alert_comments c SET at = e.effect_at FROM (${MOVED}) e
       WHERE e.action = 'comment' AND c.alert_id = e.alert_id AND c.author = e.actor AND c.at = e.started_at AND c.body = e.detail->>'body'`);
    await q.query(`UPDATE audit_log l SET at = e.effect_at FROM (${MOVED}) e WHERE l.id = e.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The times set are the earliest each action can have taken effect; those they replaced are not kept.
    await q.query('ALTER TABLE alert_comments ALTER COLUMN at SET DEFAULT now()');
    await q.query('ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT now()');
  }
}
