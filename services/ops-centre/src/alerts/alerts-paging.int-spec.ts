import { beforeAll, describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishDeescalation, publishEscalation } from '../../test/events';
import { encodeAlertCursor } from './alert-cursor';

/**
 * GET /alerts and GET /audit a page at a time, on real Kafka and Postgres: before pages, both
 * stopped at 1,000 rows without saying so, and audit entries past the newest 1,000 could not be read.
 * Other suites share the database: each test compares only the rows it made.
 */
describe('ops-centre pages alerts and the audit by cursor', () => {
  const h = useOpsCentre('ops-centre-alerts-paging-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-alerts-paging' } });
  let token: string;

  beforeAll(() => {
    token = h.globalToken;
  });

  const get = (path: string) => fetch(`${h.base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  /** Every page of `path`, `limit` rows at a time, following X-Next-Cursor; each page but the last full. */
  async function allPages<T>(path: string, limit: number): Promise<{ rows: T[]; pages: number }> {
    const rows: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`${path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const page = (await res.json()) as T[];
      expect(Array.isArray(page)).toBe(true);
      rows.push(...page);
      cursor = res.headers.get('x-next-cursor');
      pages++;
      if (cursor) expect(page).toHaveLength(limit);
      else expect(page.length).toBeLessThanOrEqual(limit);
    } while (cursor && pages < 50);
    return { rows, pages };
  }

  it('pages alerts in triage order to the same alerts as one answer, those opened at one instant included, the cleared last', async () => {
    const country = await freshTestCountry();
    const at = new Date(Date.now() - 3_600_000);
    const later = new Date(at.getTime() + 60_000);
    // Four areas escalated to high at one instant (only the id orders them), one to critical, one high a minute later.
    const ids: string[] = [];
    for (const admin1 of ['North', 'East', 'South', 'West']) ids.push((await publishEscalation(h.producer, { country, admin1, level: RiskLevel.HIGH, at })).escalationId);
    const critical = (await publishEscalation(h.producer, { country, admin1: 'Centre', level: RiskLevel.CRITICAL, at })).escalationId;
    const newer = (await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, at: later })).escalationId;
    // South falls back to low: its alert is cleared, listed after the standing ones.
    await publishDeescalation(h.producer, { country, escalationId: ids[2], admin1: 'South', level: RiskLevel.LOW, previousLevel: RiskLevel.HIGH, at: later });
    type A = { id: string; escalationId: string; clearedAt: string | null };
    const whole = await eventually(async () => {
      const rows = (await (await get(`/alerts?country=${country}&status=all`)).json()) as A[];
      return rows.length === 6 && rows.some((r) => r.escalationId === ids[2] && r.clearedAt) ? rows : undefined;
    });
    expect(whole[0].escalationId).toBe(critical);
    expect(whole[1].escalationId).toBe(newer);
    expect(whole.at(-1)?.escalationId).toBe(ids[2]);

    for (const limit of [1, 2, 4]) {
      const paged = await allPages<A>(`/alerts?country=${country}&status=all`, limit);
      expect(paged.pages).toBe(Math.ceil(6 / limit));
      expect(paged.rows.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    }
    // The default page answers as before: an array, no cursor when all fit.
    const res = await get(`/alerts?country=${country}&status=all`);
    expect(res.headers.get('x-next-cursor')).toBeNull();
  });

  it('pages the audit newest first to the same entries as one answer, past what one page holds', async () => {
    const country = await freshTestCountry();
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const alert = await eventually(async () => ((await (await get(`/alerts?country=${country}&status=all`)).json()) as Array<{ id: string; escalationId: string }>).find((a) => a.escalationId === escalationId));
    const act = (path: string, body: unknown) => fetch(`${h.base}/alerts/${alert.id}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (let i = 0; i < 5; i++) expect((await act('comments', { body: `note ${i}` })).status).toBe(200);
    expect((await act('assign', { assignee: 'officer-1' })).status).toBe(200);
    expect((await get(`/alerts/${alert.id}`)).status).toBe(200);

    type E = { id: number; action: string; detail: { body?: string } };
    const whole = (await (await get(`/audit?alertId=${alert.id}`)).json()) as E[];
    expect(whole.map((e) => e.action)).toEqual(['view', 'assign', 'comment', 'comment', 'comment', 'comment', 'comment']);
    for (const limit of [1, 3, 7]) {
      const paged = await allPages<E>(`/audit?alertId=${alert.id}`, limit);
      expect(paged.pages).toBe(Math.ceil(7 / limit));
      expect(paged.rows.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    }
    // Filters hold across pages.
    const comments = await allPages<E>(`/audit?alertId=${alert.id}&action=comment`, 2);
    expect(comments.rows.map((e) => e.detail.body)).toEqual(['note 4', 'note 3', 'note 2', 'note 1', 'note 0']);
  });

  it('refuses a limit out of range and a cursor it did not write (or another listing\'s), naming each', async () => {
    const expectRefused = async (path: string, fields: string[]) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; errors: Array<{ field: string; reason: string }> };
      expect(body.code).toBe('REQUEST.INVALID');
      expect(body.errors.map((e) => e.field).sort()).toEqual([...fields].sort());
      for (const e of body.errors) if (e.field === 'cursor') expect(e.reason).toBe('is not a cursor this API returned');
      expect(res.headers.get('x-next-cursor')).toBeNull();
    };
    await expectRefused('/alerts?limit=0&cursor=bm90LWEtY3Vyc29y', ['limit', 'cursor']);
    await expectRefused('/audit?limit=1001&cursor=%20', ['limit', 'cursor']);
    // A cursor of the alerts is none of the audit's.
    const alerts = encodeAlertCursor({ standing: true, level: 3, openedAt: '2026-11-01T09:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' });
    await expectRefused(`/audit?cursor=${alerts}`, ['cursor']);
    expect((await get(`/alerts?cursor=${alerts}`)).status).toBe(200);
    // A day that does not exist, and an id past bigint: refused here, not a 500 from Postgres.
    const bad = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    await expectRefused(`/alerts?cursor=${bad(['a1', 1, 3, '2026-02-30T09:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])}`, ['cursor']);
    await expectRefused(`/audit?cursor=${bad(['u1', '2026-11-01T09:00:00.000000Z', '9223372036854775808'])}`, ['cursor']);
    // With a parameter the route does not take, the cursor is named too, and nothing is run.
    const res = await get('/alerts?cursor=nope&sort=level');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['cursor', 'sort']);
  });
});
