import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '@crisis-ops/auth';
import { fingerprintOf } from '@crisis-ops/service-kit';
import { DomainError, UUID_PATTERN, ValidationFailed } from '@crisis-ops/domain-kernel';
import { assertMayActOnCountry, assertMaySeeCountry, auditableDesks, mayAuditDesk, maySeeDesk, readableDesks, regionForbidden } from '../access/access-policy';
import { nextStatus, type AlertAction, type AlertStatus } from '../read-model/projection';
import { levelName } from '../read-model/risk-level';
import { admin1Of, driversOf } from '../read-model/national-area';
import { encodeAlertCursor, encodeAuditCursor, type AlertCursor, type AuditCursor } from './alert-cursor';
import { idempotentActions } from './idempotent-actions';

export const ALERT_STATUSES = ['open', 'acknowledged', 'closed', 'active', 'all'] as const;

/**
 * Triage order: alerts whose area still stands at their level first, highest and newest first; then
 * those a de-escalation cleared, which stay open for an officer to look at but no longer lead. The id
 * last, so that alerts opened at one instant keep one order from page to page; every key descending,
 * so that a page goes on after its last row by one row comparison (alertsAfter).
 */
export const ALERT_ORDER = '(cleared_at IS NULL) DESC, level DESC, opened_at DESC, id DESC';

/** An instant as the cursors carry it: microseconds, UTC. */
const instantKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** An alert row's comments counted (alert_comments_alert serves it), for alertOf. */
const COMMENT_COUNT = '(SELECT count(*) FROM alert_comments c WHERE c.alert_id = alerts.id) AS comment_count';

/** One page of a listing, and the cursor of the next when more follow. */
export interface Page<T> {
  rows: T[];
  next?: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */
const alertOf = (r: any) => ({
  id: r.id,
  escalationId: r.escalation_id,
  eventId: r.event_id,
  country: r.country,
  admin1: admin1Of(r.admin1),
  region: r.desk,
  level: Number(r.level),
  levelName: levelName(Number(r.level)),
  score: Number(r.score),
  drivers: driversOf(r.drivers),
  // What the data its escalation was built from owed (ACLED's attribution), kept from the event.
  attributions: Array.isArray(r.attributions) ? r.attributions : [],
  openedAt: r.opened_at,
  status: r.status as AlertStatus,
  assignee: r.assignee,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at,
  closedBy: r.closed_by,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
  traceId: r.trace_id,
  // When a de-escalation took the area below the alert's level, and to which level; null while not.
  clearedAt: r.cleared_at ?? null,
  clearedToLevel: r.cleared_to_level === null || r.cleared_to_level === undefined ? null : Number(r.cleared_to_level),
  clearedToLevelName: r.cleared_to_level === null || r.cleared_to_level === undefined ? null : levelName(Number(r.cleared_to_level)),
  // What a listing answers of the comments (not their text, which only a view or an action answers):
  // enough for a console showing the alert to see that another officer commented.
  commentCount: Number(r.comment_count),
});
const auditOf = (r: any) => ({ id: Number(r.id), at: r.at, actor: r.actor, action: r.action, alertId: r.alert_id, region: r.desk, detail: r.detail });
/* eslint-enable @typescript-eslint/no-explicit-any */

export type Alert = ReturnType<typeof alertOf>;

/** An alert as a view or an action answers it: with its comments, counted as they are listed. */
const withComments = <C>(alert: Alert, comments: C[]) => ({ ...alert, comments, commentCount: comments.length });
type AlertAsActed = ReturnType<typeof withComments<{ id: number; author: string; body: string; at: Date }>>;

/**
 * Alert triage. Every view and every action is written to the audit log in the same transaction
 * as its effect, so the audit cannot miss what happened.
 */
@Injectable()
export class AlertsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One page of alerts in triage order (ALERT_ORDER), and the cursor of the next when more follow.
   * Keyset: the next page is the alerts that sort after the last one shown, each as it stands when
   * its page is read. None listed when paging began is skipped while it still matches the filter; one
   * cleared by a de-escalation between pages moves among the cleared ones, further on, and may be
   * listed again there.
   */
  async list(p: Principal, q: { status?: string; region?: string; country?: string; limit?: number; after?: AlertCursor }): Promise<Page<Alert>> {
    const status = q.status ?? 'active';
    if (!(ALERT_STATUSES as readonly string[]).includes(status)) throw new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'status', reason: `must be one of ${ALERT_STATUSES.join(', ')}` }]);
    const desks = readableDesks(p, q.region);
    // Another desk's country is refused as on /timeline and /countries, not answered with an empty
    // list that reads as "no alerts there".
    if (q.country) assertMaySeeCountry(p, q.country);
    const where: string[] = [];
    const args: unknown[] = [];
    if (status === 'active') where.push(`status <> 'closed'`);
    else if (status !== 'all') where.push(`status = $${args.push(status)}`);
    if (desks) where.push(`desk = ANY($${args.push(desks)})`);
    if (q.country) where.push(`country = $${args.push(q.country)}`);
    const { after } = q;
    if (after) {
      where.push(
        `((cleared_at IS NULL), level, opened_at, id) < ($${args.push(after.standing)}::boolean, $${args.push(after.level)}::smallint, $${args.push(after.openedAt)}::timestamptz, $${args.push(after.id)}::uuid)`,
      );
    }
    const limit = q.limit ?? 200;
    const rows = await this.db.query(
      `SELECT *, ${instantKey('opened_at')} AS opened_key, ${COMMENT_COUNT} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${ALERT_ORDER} LIMIT $${args.push(limit + 1)}`,
      args,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeAlertCursor({ standing: last.cleared_at === null, level: Number(last.level), openedAt: last.opened_key, id: last.id }) : undefined;
    return { rows: page.map(alertOf), next };
  }

  /** One alert with its comments; the view itself is audited, unless nothing is shown (`audited: false`, a HEAD). */
  async view(p: Principal, id: string, { audited = true }: { audited?: boolean } = {}) {
    return this.db.transaction(async (m) => {
      const alert = await this.load(m, p, id, 'view');
      if (audited) await this.audit(m, p, 'view', alert);
      return withComments(alert, await this.commentsOf(m, id));
    });
  }

  /**
   * An action on an alert, applied and audited in one transaction. With an Idempotency-Key, a retry
   * (the same caller, action, alert and body) answers the first response, to a caller who may act on
   * the alert's desk now, and neither applies nor audits anything again: a comment sent twice was two
   * comments, an assign sent twice a second `previousAssignee: x -> x` entry. The key is claimed
   * before the alert is locked (and its transition checked), so a retried close answers the close
   * rather than 409 "closed"; the same key for another request is 422 OPS_CENTRE.IDEMPOTENCY_KEY_REUSED.
   */
  async act(p: Principal, id: string, action: AlertAction, input: { assignee?: string; body?: string; reason?: string } = {}, key?: string) {
    return this.db.transaction((m) =>
      idempotentActions.once<AlertAsActed>(
        m,
        { subject: p.subject, key, fingerprint: fingerprintOf(action, id, input) },
        async () => {
          const alert = await this.load(m, p, id, 'act');
          const next = nextStatus(alert.status, action);
          if (typeof next !== 'string') throw new DomainError('OPS_CENTRE.ALERT_TRANSITION_INVALID', next.error, 'conflict', { status: alert.status, action });
          const at = await this.lockedAt(m);
          if (action === 'acknowledge') {
            await m.query(`UPDATE alerts SET status = $2, acknowledged_by = $3, acknowledged_at = $4::timestamptz WHERE id = $1`, [id, next, p.subject, at]);
          } else if (action === 'assign') {
            await m.query('UPDATE alerts SET assignee = $2 WHERE id = $1', [id, input.assignee]);
          } else if (action === 'comment') {
            await m.query('INSERT INTO alert_comments (alert_id, author, body, at) VALUES ($1, $2, $3, $4::timestamptz)', [id, p.subject, input.body, at]);
          } else {
            await m.query('UPDATE alerts SET status = $2, closed_by = $3, closed_at = $4::timestamptz, close_reason = $5 WHERE id = $1', [id, next, p.subject, at, input.reason ?? null]);
          }
          const detail = action === 'assign' ? { assignee: input.assignee, previousAssignee: alert.assignee } : action === 'comment' ? { body: input.body } : action === 'close' ? { reason: input.reason ?? null } : {};
          await this.audit(m, p, action, alert, detail, at);
          const [row] = await m.query(`SELECT *, ${COMMENT_COUNT} FROM alerts WHERE id = $1`, [id]);
          // The alert as the action left it, comments included, as a view answers it: a console that
          // had to fetch it again would write a view to the audit that the officer never made.
          return withComments(alertOf(row), await this.commentsOf(m, id));
        },
        (first) => {
          assertMayActOnCountry(p, first.country, first.region);
          return first;
        },
      ),
    );
  }

  /**
   * When an action takes effect: once it holds the alert's row lock. now() is the start of the
   * transaction, before the lock was waited for: ten concurrent assigns were stamped, and listed,
   * out of the order they took effect. One instant for the action and its audit entry, as text so
   * that Postgres gets its microseconds back (a Date keeps milliseconds).
   */
  private async lockedAt(m: EntityManager): Promise<string> {
    const [{ at }] = await m.query('SELECT clock_timestamp()::text AS at');
    return at;
  }

  /**
   * One page of the audit, newest first, and the cursor of the next when more follow. Keyset on
   * (at, id): an entry never changes, so paging back skips none and repeats none; one written since
   * paging began is on a new first page.
   */
  async auditLog(
    p: Principal,
    q: { alertId?: string; actor?: string; action?: string; region?: string; limit?: number; after?: AuditCursor },
  ): Promise<Page<ReturnType<typeof auditOf>> & { desks: string[] | undefined }> {
    const desks = auditableDesks(p, q.region);
    if (q.alertId) await this.assertMayReadTrail(p, q.alertId);
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.alertId) where.push(`alert_id = $${args.push(q.alertId)}`);
    if (q.actor !== undefined) where.push(`actor = $${args.push(q.actor)}`);
    if (q.action) where.push(`action = $${args.push(q.action)}`);
    // Regional readers see the audit of their desk's alerts, and their own entries. A region asked
    // for limits every row, the caller's own entries too: a global officer's comment on a European
    // alert was answered to `?region=africa`, read as African activity.
    if (desks) {
      const ofDesks = `desk = ANY($${args.push(desks)})`;
      where.push(q.region === undefined ? `(${ofDesks} OR actor = $${args.push(p.subject)})` : ofDesks);
    }
    if (q.after) where.push(`id < $${args.push(q.after.id)}::bigint`);
    const limit = q.limit ?? 200;
    // Newest first in the order the entries were written: an action's id is drawn once it holds the
    // alert's lock, so one alert's actions are listed in the order they took effect. Entries written
    // before actions were stamped after the lock keep the time they were recorded with (their
    // request's start), which may read earlier than the entry listed below them: the audit is
    // evidence, and is never rewritten.
    const rows = await this.db.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.push(limit + 1)}`,
      args,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeAuditCursor({ id: String(last.id) }) : undefined;
    // Whose entries the page holds (every desk's when undefined), for the edge to say: a regional
    // reader of another desk's alert gets its own entries alone, which must not read as the whole trail.
    return { rows: page.map(auditOf), next, desks };
  }

  /**
   * The trail of one alert is read by those who may see the alert or audit its desk. Another desk's
   * alert is refused as GET /alerts/:id refuses it (403): answered with nothing, it read as "nobody
   * acted on it". An id no alert has is a 404, as there: alerts are never deleted, so no entry can
   * name one, and an empty trail would read as an alert nobody acted on.
   */
  private async assertMayReadTrail(p: Principal, id: string): Promise<void> {
    const [row] = await this.db.query('SELECT desk, country FROM alerts WHERE id = $1', [id]);
    if (!row) throw new DomainError('OPS_CENTRE.ALERT_NOT_FOUND', `no alert ${id}`, 'not-found');
    if (!mayAuditDesk(p, row.desk) && !maySeeDesk(p, row.desk)) throw regionForbidden(p, 'read', { country: row.country, desk: row.desk });
  }

  private async commentsOf(m: EntityManager, id: string) {
    const rows = await m.query('SELECT id, author, body, at FROM alert_comments WHERE alert_id = $1 ORDER BY at, id', [id]);
    return rows.map((c: { id: string; author: string; body: string; at: Date }) => ({ ...c, id: Number(c.id) }));
  }

  /** An alert the principal may view, or (locked) act on. */
  private async load(m: EntityManager, p: Principal, id: string, purpose: 'view' | 'act'): Promise<Alert> {
    if (!UUID_PATTERN.test(id)) throw new DomainError('OPS_CENTRE.ALERT_NOT_FOUND', `no alert ${id}`, 'not-found');
    const [row] = await m.query(`SELECT *, ${COMMENT_COUNT} FROM alerts WHERE id = $1${purpose === 'act' ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw new DomainError('OPS_CENTRE.ALERT_NOT_FOUND', `no alert ${id}`, 'not-found');
    const alert = alertOf(row);
    // The alert's own desk (as recorded), named with its country.
    if (purpose === 'act') assertMayActOnCountry(p, alert.country, alert.region);
    else if (!maySeeDesk(p, alert.region)) throw regionForbidden(p, 'read', { country: alert.country, desk: alert.region });
    return alert;
  }

  /** An entry at `at` (an action's, see lockedAt), else when it is written (a view, which waits for no lock). */
  private async audit(m: EntityManager, p: Principal, action: string, alert: Alert, detail: Record<string, unknown> = {}, at?: string) {
    await m.query('INSERT INTO audit_log (actor, action, alert_id, desk, detail, at) VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, clock_timestamp()))', [
      p.subject,
      action,
      alert.id,
      alert.region,
      JSON.stringify({ ...detail, roles: p.roles, region: p.region, country: alert.country }),
      at ?? null,
    ]);
  }
}
