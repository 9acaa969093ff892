import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { RiskLevel } from '@crisis-ops/contracts';
import { adminClient, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation, publishMediation } from '../../test/events';
import { encodeResponseCursor } from './response-cursor';
import { PENDING_RESPONSE } from './response-page';
import { responseStatus, type ResponseRow } from './projection';

/**
 * An officer paging through GET /response-times (pending escalations first, then the rest) with the
 * X-Next-Cursor of each page, while escalations arrive and pending ones are answered, as the README
 * ("Paging through responses") says: none listed when paging began skipped; one answered between
 * pages listed again further on, settled; one recorded since on a later page only if it sorts after
 * the rows shown.
 *
 * The escalations are of fresh exercise codes, and a mediation consumer of another suite may propose
 * for those at HIGH and above (awaiting-proposal becomes awaiting-opening): rows are compared as
 * pending or their settled status, never by which of the two pending statuses they read.
 */
describe('ops-centre time to response, paged', () => {
  const h = useOpsCentre('ops-centre-response-paging-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-paging' } });
  let base: string;
  let producer: Producer;
  let token: string;

  beforeAll(() => {
    ({ base, producer, globalToken: token } = h);
  });

  type Row = { escalationId: string; status: string };
  /** [id, 'pending' | its settled status]. */
  type Shown = [string, string];
  const shown = (r: Row): Shown => [r.escalationId, r.status === 'awaiting-proposal' || r.status === 'awaiting-opening' ? 'pending' : r.status];
  const get = (query: string) => fetch(`${base}/response-times?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const page = async (query: string): Promise<{ rows: Shown[]; next: string | null }> => {
    const res = await get(query);
    expect(res.status, await res.clone().text()).toBe(200);
    return { rows: ((await res.json()) as Row[]).map(shown), next: res.headers.get('x-next-cursor') };
  };
  const everything = async (country: string) => (await page(`country=${country}&limit=1000`)).rows;
  /** The pages after `cursor`, `limit` at a time, to the last (the one without a cursor). */
  const pagesAfter = async (query: string, cursor: string | null) => {
    const rows: Shown[] = [];
    for (let pages = 0; cursor; pages++) {
      expect(pages, 'pages ending').toBeLessThan(20);
      const next = await page(`${query}&cursor=${cursor}`);
      rows.push(...next.rows);
      cursor = next.next;
    }
    return rows;
  };

  /** Three pending escalations (HIGH) and three below what mediation answers (ELEVATED), an hour apart, the pending ones the older. */
  async function listing() {
    const country = await freshTestCountry();
    const t = Date.now() - 12 * 3_600_000;
    const at = (h: number) => new Date(t + h * 3_600_000);
    const p: string[] = [];
    const s: string[] = [];
    for (let h = 0; h < 3; h++) p.push((await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(h) })).escalationId);
    for (let h = 3; h < 6; h++) s.push((await publishEscalation(producer, { country, level: RiskLevel.ELEVATED, at: at(h) })).escalationId);
    // Generous: the first test waits too for the consumer to join its group, which a rebalance of
    // other suites' instances can hold up.
    await eventually(async () => (await everything(country)).length === 6 || undefined, 60_000);
    return { country, at, p, s };
  }
  const settle = async (country: string, ids: string[]) =>
    eventually(async () => {
      const now = new Map(await everything(country));
      return ids.every((id) => now.get(id) === 'opened') || undefined;
    });

  it('pages pending first, then the rest, newest first, to the same rows as one answer, the last page without a cursor', async () => {
    const { country, p, s } = await listing();
    const whole = await everything(country);
    expect(whole).toEqual([...[p[2], p[1], p[0]].map((id): Shown => [id, 'pending']), ...[s[2], s[1], s[0]].map((id): Shown => [id, 'not-warranted'])]);
    for (const limit of [1, 2, 4, 5, 6]) {
      const first = await page(`country=${country}&limit=${limit}`);
      expect([...first.rows, ...(await pagesAfter(`country=${country}&limit=${limit}`, first.next))], `limit ${limit}`).toEqual(whole);
    }
    expect((await page(`country=${country}&limit=6`)).next).toBeNull();

    // Pending only, two at a time: the cursor goes on among the pending ones alone.
    const first = await page(`country=${country}&status=pending&limit=2`);
    expect(first.rows.map(([id]) => id)).toEqual([p[2], p[1]]);
    expect(await pagesAfter(`country=${country}&status=pending&limit=2`, first.next)).toEqual([[p[0], 'pending']]);
  });

  it('lists an escalation answered between pages again further on, settled, and skips none', async () => {
    const { country, at, p, s } = await listing();
    const first = await page(`country=${country}&limit=2`);
    expect(first.rows).toEqual([[p[2], 'pending'], [p[1], 'pending']]);

    // Between pages: one shown is answered, and one not yet shown.
    await publishMediation(producer, { country, escalationId: p[2], proposedAt: at(6), openedAt: at(7) });
    await publishMediation(producer, { country, escalationId: p[0], proposedAt: at(6), openedAt: at(7) });
    await settle(country, [p[2], p[0]]);

    const rest = await pagesAfter(`country=${country}&limit=2`, first.next);
    // Both answered now sort among the settled, by their own time (older than the ELEVATED ones):
    // p[2] is listed a second time, opened; p[0], not reached while pending, once, opened.
    expect(rest).toEqual([[s[2], 'not-warranted'], [s[1], 'not-warranted'], [s[0], 'not-warranted'], [p[2], 'opened'], [p[0], 'opened']]);
    // Every escalation listed when paging began is on some page.
    expect(new Set([...first.rows, ...rest].map(([id]) => id))).toEqual(new Set([...p, ...s]));
  });

  it('lists an escalation recorded after the first page on a later page once when it sorts after the rows shown, and not when it sorts before them', async () => {
    const { country, at, p, s } = await listing();
    const first = await page(`country=${country}&limit=2`);
    expect(first.rows).toEqual([[p[2], 'pending'], [p[1], 'pending']]);

    // Recorded between pages: a pending one, the newest (before the rows shown); a pending one of an
    // older time than the last shown (a late event); a settled one among the settled still to come.
    const newest = (await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: at(8) })).escalationId;
    const late = (await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(0.5) })).escalationId;
    const settled = (await publishEscalation(producer, { country, level: RiskLevel.ELEVATED, at: at(4.5) })).escalationId;
    await eventually(async () => (await everything(country)).length === 9 || undefined);

    const rest = await pagesAfter(`country=${country}&limit=2`, first.next);
    expect(rest).toEqual([[late, 'pending'], [p[0], 'pending'], [s[2], 'not-warranted'], [settled, 'not-warranted'], [s[1], 'not-warranted'], [s[0], 'not-warranted']]);
    // The newest is on a new first page, at the top.
    expect((await page(`country=${country}&limit=2`)).rows).toEqual([[newest, 'pending'], [p[2], 'pending']]);
  });

  it('refuses a cursor it did not write, or one of the snapshot version, as REQUEST.INVALID (400), naming the cursor with any other fault', async () => {
    const country = await freshTestCountry();
    const b64 = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const forged = [
      'nonsense',
      // The snapshot design's cursor (r1), as a console open across the change would send it.
      b64(['r1', '812:820:813,815', 1, '2026-01-01T00:00:00.000000Z', 'x']),
      b64(['r1', 1, '2026-01-01T00:00:00.000000Z', 'x']),
      b64(['r2', 'yes', '2026-01-01T00:00:00.000000Z', 'x']),
      encodeResponseCursor({ pending: true, escalatedAt: '2026-02-30T00:00:00.000000Z', escalationId: 'x' }),
      encodeResponseCursor({ pending: false, escalatedAt: '2026-01-01T00:00:00Z', escalationId: 'x' }),
      encodeResponseCursor({ pending: false, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: '' }),
      encodeResponseCursor({ pending: false, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: 'a\u0000b' }),
    ];
    for (const cursor of forged) {
      const res = await get(`country=${country}&cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'cursor', reason: 'is not a cursor this API returned' }] });
    }
    const both = await get(`status=awaiting&cursor=nonsense`);
    expect(both.status).toBe(400);
    expect(((await both.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['status', 'cursor']);
    // With a parameter the route does not take: named together, and no page read (nor its cursor sent).
    const unknown = await get(`contry=${country}&cursor=nonsense&limit=0`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['contry', 'limit', 'cursor']);
    await listing(); // rows enough for a second page
    const refusedPage = await get(`limit=1&contry=x`);
    expect(refusedPage.status).toBe(400);
    expect(refusedPage.headers.get('x-next-cursor')).toBeNull();
    // One this API could have written, past every row of the country, is answered: nothing more.
    const past = await page(`country=${country}&cursor=${encodeResponseCursor({ pending: false, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: 'x' })}`);
    expect(past).toEqual({ rows: [], next: null });
  });

  it('sorts a row as pending (PENDING_RESPONSE) exactly when responseStatus reads it awaiting a proposal or an opening', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const t = new Date(Date.now() - 3_600_000);
    const later = new Date(t.getTime() + 600_000);
    const earlier = new Date(t.getTime() + 300_000);
    // [level, proposed, opened, closed unopened, reversed at, reversed to level]: every status, and the edges between.
    const cases: [number | null, Date | null, Date | null, Date | null, Date | null, number | null][] = [
      [3, null, null, null, null, null], [4, later, null, null, null, null], [null, null, null, null, null, null], [3, later, later, null, null, null],
      [3, later, null, later, null, null], [2, null, null, null, null, null], [2, later, null, null, null, null], [3, null, null, null, later, 1],
      [3, null, null, null, later, 3], [3, later, null, null, later, 2], [null, later, null, null, later, 1], [2, null, null, later, later, 1],
      [3, later, null, later, earlier, 1], [4, null, null, null, later, null], [1, null, null, null, null, null],
    ];
    try {
      const seen = new Set<string>();
      for (const [i, [level, proposed, opened, closed, reversedAt, reversedTo]] of cases.entries()) {
        const row: ResponseRow = { escalationId: `${country}-${i}`, level, escalatedAt: t, proposedAt: proposed, openedAt: opened, closedUnopenedAt: closed, reversedAt, reversedToLevel: reversedTo };
        await db.query(
          `INSERT INTO ops_centre.escalation_responses (escalation_id, country, level, escalated_at, proposed_at, opened_at, closed_unopened_at, reversed_at, reversed_to_level)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [row.escalationId, country, level, t, proposed, opened, closed, reversedAt, reversedTo],
        );
        const [{ pending }] = (await db.query(`SELECT ${PENDING_RESPONSE} AS pending FROM ops_centre.escalation_responses WHERE escalation_id = $1`, [row.escalationId])).rows;
        const status = responseStatus(row);
        seen.add(status);
        expect(pending, `${JSON.stringify(cases[i])}: ${status}`).toBe(status === 'awaiting-proposal' || status === 'awaiting-opening');
      }
      expect([...seen].sort()).toEqual(['awaiting-opening', 'awaiting-proposal', 'closed-unopened', 'not-warranted', 'opened', 'reversed']);
    } finally {
      await db.query('DELETE FROM ops_centre.escalation_responses WHERE country = $1', [country]);
      await db.end();
    }
  });
});
