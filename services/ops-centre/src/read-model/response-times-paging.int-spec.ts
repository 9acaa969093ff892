import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { RiskLevel } from '@crisis-ops/contracts';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, devToken, eventually, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { freshTestCountry, publishEscalation, publishMediation } from '../../test/events';
import { encodeResponseCursor } from './response-cursor';
import { responseStatus, type ResponseRow } from './projection';
import { SERVICE } from '../service.definition';

/**
 * An officer paging through GET /response-times (pending escalations first, then the rest) with the
 * X-Next-Cursor of each page, while escalations arrive and pending ones are answered: each escalation
 * of the listing once, none skipped, none twice.
 */
describe('ops-centre time to response, paged', () => {
  let app: INestApplication;
  let base: string;
  let producer: Producer;
  let token: string;

  beforeAll(async () => {
    app = await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = testKafka('ops-centre-response-paging-int-producer').producer({ idempotent: true });
    await producer.connect();
    token = await devToken({ roles: ['global-watch-officer'], subject: 'int-paging' });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
  });

  type Row = { escalationId: string; status: string };
  const get = (query: string) => fetch(`${base}/response-times?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const page = async (query: string): Promise<{ rows: [string, string][]; next: string | null }> => {
    const res = await get(query);
    expect(res.status, await res.clone().text()).toBe(200);
    return { rows: ((await res.json()) as Row[]).map((r) => [r.escalationId, r.status]), next: res.headers.get('x-next-cursor') };
  };
  const everything = async (country: string) => (await page(`country=${country}&limit=1000`)).rows;

  /** Three escalations awaiting a proposal and three below what mediation answers, an hour apart. */
  async function listing() {
    const country = await freshTestCountry();
    const t = Date.now() - 12 * 3_600_000;
    const at = (h: number) => new Date(t + h * 3_600_000);
    const pending = [];
    const settled = [];
    for (let h = 0; h < 3; h++) pending.push((await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(h) })).escalationId);
    for (let h = 3; h < 6; h++) settled.push((await publishEscalation(producer, { country, level: RiskLevel.ELEVATED, at: at(h) })).escalationId);
    await eventually(async () => (await everything(country)).length === 6 || undefined);
    return { country, at, p: pending, s: settled };
  }

  it('pages pending first, then the rest, newest first, to the same rows as one answer, the last page without a cursor', async () => {
    const { country, p, s } = await listing();
    const whole = await everything(country);
    expect(whole.map(([id]) => id)).toEqual([p[2], p[1], p[0], s[2], s[1], s[0]]);
    const paged: [string, string][] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { rows, next } = await page(`country=${country}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...rows);
      cursor = next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(paged).toEqual(whole);

    // Pending only, two at a time.
    const first = await page(`country=${country}&status=pending&limit=2`);
    expect(first.rows.map(([id]) => id)).toEqual([p[2], p[1]]);
    const second = await page(`country=${country}&status=pending&limit=2&cursor=${first.next}`);
    expect(second).toEqual({ rows: [[p[0], 'awaiting-proposal']], next: null });
  });

  it('goes on as the first page found the listing while escalations arrive and pending ones are answered: none twice, none skipped', async () => {
    const { country, at, p, s } = await listing();
    const first = await page(`country=${country}&limit=2`);
    expect(first.rows).toEqual([[p[2], 'awaiting-proposal'], [p[1], 'awaiting-proposal']]);

    // Between pages: one shown is answered (it no longer counts as pending), one not yet shown is
    // answered, a new escalation comes (pending, the newest), and one below what mediation answers
    // whose own time falls among the rows still to come.
    await publishMediation(producer, { country, escalationId: p[2], proposedAt: at(6), openedAt: at(7) });
    await publishMediation(producer, { country, escalationId: p[0], proposedAt: at(6), openedAt: at(7) });
    const arrived = (await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: at(8) })).escalationId;
    const between = (await publishEscalation(producer, { country, level: RiskLevel.ELEVATED, at: at(4.5) })).escalationId;
    await eventually(async () => {
      const now = new Map(await everything(country));
      return (now.get(p[2]) === 'opened' && now.get(p[0]) === 'opened' && now.has(arrived) && now.has(between)) || undefined;
    });

    const rest: [string, string][] = [];
    let cursor = first.next;
    for (let pages = 0; cursor && pages < 10; pages++) {
      const next = await page(`country=${country}&limit=2&cursor=${cursor}`);
      rest.push(...next.rows);
      cursor = next.next;
    }
    // The one answered since the first page is shown answered, where it stood among the pending
    // ones; the one shown already is not listed again among the settled ones; those recorded since
    // wait for a new first page.
    expect(rest).toEqual([[p[0], 'opened'], [s[2], 'not-warranted'], [s[1], 'not-warranted'], [s[0], 'not-warranted']]);
    expect((await page(`country=${country}&limit=2`)).rows).toEqual([[arrived, 'awaiting-proposal'], [p[1], 'awaiting-proposal']]);
  });

  it('refuses a cursor it did not write as REQUEST.INVALID (400), naming the cursor with any other fault', async () => {
    const country = await freshTestCountry();
    const forged = [
      'nonsense',
      Buffer.from('["r1","10:5:",1,"2026-01-01T00:00:00.000000Z","x"]').toString('base64url'),
      encodeResponseCursor({ snapshot: '5:10:', pending: true, escalatedAt: '2026-02-30T00:00:00.000000Z', escalationId: 'x' }),
      encodeResponseCursor({ snapshot: '5:10:7,6', pending: false, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: 'x' }),
      encodeResponseCursor({ snapshot: '5:10:', pending: false, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: '' }),
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
    // One this API could have written, of a snapshot long past, is answered.
    expect((await page(`country=${country}&cursor=${encodeResponseCursor({ snapshot: '5:10:7', pending: true, escalatedAt: '2026-01-01T00:00:00.000000Z', escalationId: 'x' })}`)).rows).toEqual([]);
  });

  it('records, on a regrouping, whether a row stood pending by the rule the listing sorts by (responseStatus)', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const t = new Date(Date.now() - 3_600_000);
    const later = new Date(t.getTime() + 600_000);
    // [level, proposed, opened, closed unopened, reversed to level]: every status, and the edges between.
    const cases: [number | null, Date | null, Date | null, Date | null, number | null][] = [
      [3, null, null, null, null], [4, later, null, null, null], [null, null, null, null, null], [3, later, later, null, null],
      [3, later, null, later, null], [2, null, null, null, null], [2, later, null, null, null], [3, null, null, null, 1],
      [3, null, null, null, 3], [3, later, null, null, 2], [null, later, null, null, 1], [2, null, null, later, 1],
    ];
    try {
      for (const [i, [level, proposed, opened, closed, reversedTo]] of cases.entries()) {
        const row: ResponseRow = { escalationId: `${country}-${i}`, level, escalatedAt: t, proposedAt: proposed, openedAt: opened, closedUnopenedAt: closed, reversedAt: reversedTo === null ? null : later, reversedToLevel: reversedTo };
        await db.query(
          `INSERT INTO ops_centre.escalation_responses (escalation_id, country, level, escalated_at, proposed_at, opened_at, closed_unopened_at, reversed_at, reversed_to_level)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [row.escalationId, country, level, t, proposed, opened, closed, row.reversedAt, reversedTo],
        );
        // Each statement its own transaction: the update's regrouping records how the row stood.
        await db.query('UPDATE ops_centre.escalation_responses SET escalated_at = NULL WHERE escalation_id = $1', [row.escalationId]);
        const [recorded] = (await db.query('SELECT was_listed, was_pending FROM ops_centre.escalation_responses WHERE escalation_id = $1', [row.escalationId])).rows;
        const status = responseStatus(row);
        expect(recorded, `${JSON.stringify(cases[i])}: ${status}`).toEqual({ was_listed: true, was_pending: status === 'awaiting-proposal' || status === 'awaiting-opening' });
      }
    } finally {
      await db.query('DELETE FROM ops_centre.escalation_responses WHERE country = $1', [country]);
      await db.end();
    }
  });
});
