import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { RiskLevel } from '@crisis-ops/contracts';
import { adminClient, createScratchSchema, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { publishEscalation } from '../../test/events';
import { CreateConsoleReadModel1764288000000 } from '../migrations/1764288000000-create-console-read-model.migration';
import { AuditEffectTime1765427400000 } from '../migrations/1765427400000-audit-effect-time.migration';

interface Entry {
  id: number;
  at: string;
  action: string;
  detail: { assignee?: string; previousAssignee?: string | null; body?: string };
}

/**
 * Actions on one alert racing each other, on real Postgres: each waits for the alert's row lock, and
 * the audit must list them in the order they took effect, each at the time it took effect. Stamped
 * with the start of its transaction (now(), before the lock was waited for) and listed by that, the
 * newest assign read `p2 -> p1` while the alert was p7's, and the previousAssignee chain broke.
 */
describe('ops-centre audit of racing actions', () => {
  const h = useOpsCentre('ops-centre-audit-order-int-producer');
  const { api } = h;

  const openAlert = async (country: string): Promise<string> => {
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const alert = await eventually(async () => (await api(`/alerts?country=${country}&status=all&limit=1000`, h.globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
    return alert.id;
  };
  const post = (id: string, path: string, body: unknown) => api(`/alerts/${id}/${path}`, h.globalToken, { method: 'POST', body: JSON.stringify(body) });
  const auditOf = async (id: string, query = ''): Promise<Entry[]> => {
    const res = await api(`/audit?alertId=${id}${query}`, h.globalToken);
    expect(res.status).toBe(200);
    return res.body;
  };
  /**
   * Newest first, each no later than the one listed before it, in the order the actions took the
   * alert's lock: an entry's id is drawn when it is written, after the lock, so one alert's entries
   * take their ids in that order.
   */
  const expectNewestFirst = (entries: Entry[]) => {
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i - 1].id, `entry ${i - 1} written after entry ${i}`).toBeGreaterThan(entries[i].id);
      expect(Date.parse(entries[i - 1].at), `entry ${i - 1} at or after entry ${i}`).toBeGreaterThanOrEqual(Date.parse(entries[i].at));
    }
  };

  let ids: string[];
  beforeAll(async () => {
    ids = [await openAlert('KEN'), await openAlert('COD')];
  });

  it('lists concurrent assigns in the order they took effect: each names the assignee before it, the newest the alert\'s own', async () => {
    const id = ids[0];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(id, 'assign', { assignee: `p${i}` })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));

    const entries = await auditOf(id, '&action=assign');
    expect(entries).toHaveLength(10);
    const [alert] = (await api(`/alerts?country=KEN&status=all&limit=1000`, h.globalToken)).body.filter((a: { id: string }) => a.id === id);
    expect(entries[0].detail.assignee).toBe(alert.assignee);
    // Oldest first: each took over from the one before it, the first from no one.
    const chain = [...entries].reverse();
    expect(chain[0].detail.previousAssignee).toBeNull();
    const breaks = chain.slice(1).filter((e, i) => e.detail.previousAssignee !== chain[i].detail.assignee);
    expect(breaks.map((e) => `${e.detail.previousAssignee} -> ${e.detail.assignee}`)).toEqual([]);
    expectNewestFirst(entries);
    // Ten assignees, each once.
    expect(new Set(entries.map((e) => e.detail.assignee)).size).toBe(10);
  });

  it('stamps an acknowledgement, a close and comments when they took effect, as their audit entries are', async () => {
    const id = ids[1];
    // Comments and assigns racing an acknowledgement, then a close racing more comments (refused
    // once it is closed: those are not audited).
    const first = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => post(id, 'comments', { body: `c${i}` })),
      post(id, 'acknowledge', {}),
      ...Array.from({ length: 4 }, (_, i) => post(id, 'assign', { assignee: `q${i}` })),
    ]);
    expect(first.map((a) => a.status)).toEqual(Array(9).fill(200));
    const second = await Promise.all([...Array.from({ length: 4 }, (_, i) => post(id, 'comments', { body: `d${i}` })), post(id, 'close', { reason: 'done' })]);
    expect(second.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);

    const entries = (await auditOf(id)).filter((e) => e.action !== 'view');
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expectNewestFirst(entries);
    const assigns = entries.filter((e) => e.action === 'assign').reverse();
    expect(assigns.map((e) => e.detail.previousAssignee)).toEqual([null, ...assigns.slice(0, -1).map((e) => e.detail.assignee)]);
    const view = await api(`/alerts/${id}`, h.globalToken);
    expect(view.status).toBe(200);
    const alert = view.body as { acknowledgedAt: string; closedAt: string; comments: Array<{ body: string; at: string }> };
    const atOf = (action: string, body?: string) => entries.find((e) => e.action === action && (body === undefined || e.detail.body === body))?.at;
    expect(alert.acknowledgedAt).toBe(atOf('acknowledge'));
    expect(alert.closedAt).toBe(atOf('close'));
    expect(entries[0].action).toBe('close');
    // The comments, oldest first, in the order their entries took effect, each at its entry's time.
    const commented = entries.filter((e) => e.action === 'comment').reverse();
    expect(alert.comments.map((c) => c.body)).toEqual(commented.map((e) => e.detail.body));
    expect(alert.comments.map((c) => c.at)).toEqual(commented.map((e) => e.at));
  });

  it('on migrating, keeps every entry written before as recorded, and lists one alert\'s entries in the order they were written', async () => {
    const scratch = await createScratchSchema('ops_audit_effect');
    const db = adminClient();
    await db.connect();
    const runner = { query: (sql: string, args?: unknown[]) => db.query(sql, args).then((r) => r.rows) } as unknown as QueryRunner;
    try {
      // The tables as they stood before, in a schema of their own.
      await db.query(`SET search_path TO "${scratch.schema}"`);
      await new CreateConsoleReadModel1764288000000().up(runner);
      const t = (s: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, s)).toISOString();
      const a = randomUUID();
      await db.query(`INSERT INTO alerts (id, escalation_id, event_id, country, level, score, opened_at) VALUES ($1, $2, $2, 'KEN', 3, 0.9, $3)`, [a, `esc-${a}`, t(0)]);
      // In the order the actions took the lock (id order), each stamped when its transaction began.
      const written: Array<[number, string, string, string, Record<string, unknown>]> = [
        [1, 'assign', 'o1', t(3), { assignee: 'x', previousAssignee: null }],
        [2, 'acknowledge', 'o2', t(1), {}],
        [3, 'comment', 'o3', t(2), { body: 'called' }],
      ];
      for (const [id, action, actor, at, detail] of written) {
        await db.query('INSERT INTO audit_log (id, alert_id, action, actor, at, detail) VALUES ($1, $2, $3, $4, $5, $6)', [id, a, action, actor, at, JSON.stringify(detail)]);
      }
      await db.query(`UPDATE alerts SET status = 'acknowledged', assignee = 'x', acknowledged_by = 'o2', acknowledged_at = $2 WHERE id = $1`, [a, t(1)]);
      await db.query(`INSERT INTO alert_comments (id, alert_id, author, body, at) VALUES (1, $1, 'o3', 'called', $2)`, [a, t(2)]);
      const before = {
        audit: (await db.query('SELECT * FROM audit_log ORDER BY id')).rows,
        alerts: (await db.query('SELECT * FROM alerts ORDER BY id')).rows,
        comments: (await db.query('SELECT * FROM alert_comments ORDER BY id')).rows,
      };

      await new AuditEffectTime1765427400000().up(runner);

      // What was recorded stays recorded: not one time moved.
      expect((await db.query('SELECT * FROM audit_log ORDER BY id')).rows).toEqual(before.audit);
      expect((await db.query('SELECT * FROM alerts ORDER BY id')).rows).toEqual(before.alerts);
      expect((await db.query('SELECT * FROM alert_comments ORDER BY id')).rows).toEqual(before.comments);
      const defaults = await db.query(
        `SELECT table_name, column_default FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'at' ORDER BY table_name`,
        [scratch.schema],
      );
      expect(defaults.rows).toEqual([
        { table_name: 'alert_comments', column_default: 'clock_timestamp()' },
        { table_name: 'audit_log', column_default: 'clock_timestamp()' },
      ]);
    } finally {
      await db.end();
      await scratch.drop();
    }
  });

  it('lists entries written before in the order they were written, whatever times they were recorded with', async () => {
    const id = ids[1];
    // As the service wrote an action before it stamped them after the lock: the times out of order.
    const db = adminClient();
    await db.connect();
    try {
      await db.query(`SET search_path TO ops_centre`);
      const t = (s: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, s)).toISOString();
      for (const [assignee, previousAssignee, at] of [['q1', null, t(3)], ['q2', 'q1', t(1)], ['q3', 'q2', t(2)]] as const) {
        await db.query(`INSERT INTO audit_log (alert_id, action, actor, at, detail) VALUES ($1, 'assign', 'int-audit-order', $2, $3)`, [id, at, JSON.stringify({ assignee, previousAssignee })]);
      }
    } finally {
      await db.end();
    }
    const assigns = (await auditOf(id, '&action=assign&actor=int-audit-order')).map((e) => e.detail.assignee);
    expect(assigns).toEqual(['q3', 'q2', 'q1']);
  });
});
