import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation } from '../../test/events';

interface Row {
  country: string;
  admin1: string | null;
  level: number;
  score: number;
}

/** GET /risk a page at a time: before pages, the board stopped at 2,000 rows and said nothing. */
describe('ops-centre pages the risk board by cursor', () => {
  const h = useOpsCentre('ops-centre-risk-paging-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-risk-paging' } });
  let base: string;
  let producer: Producer;
  let token: string;

  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  /** Every page of `path`, `limit` rows at a time, following X-Next-Cursor. */
  async function allPages(path: string, limit: number): Promise<{ rows: Row[]; pages: number }> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`${path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Row[];
      expect(page.length).toBeLessThanOrEqual(limit);
      rows.push(...page);
      cursor = res.headers.get('x-next-cursor');
      pages++;
      if (cursor) expect(page).toHaveLength(limit);
    } while (cursor && pages < 500);
    return { rows, pages };
  }

  beforeAll(() => {
    ({ base, producer, globalToken: token } = h);
  });

  it('lists every area once across pages, areas of equal level and score included, in the order of one page', async () => {
    const country = await freshTestCountry();
    // Four areas of one level and one score: only country and admin1 order them, across page ends too.
    await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, score: 93.25 });
    for (const admin1 of ['North', 'East', 'South']) await publishEscalation(producer, { country, admin1, level: RiskLevel.CRITICAL, score: 93.25 });
    const ours = (rows: Row[]) => rows.filter((r) => r.country === country).map((r) => r.admin1);
    await eventually(async () => expect(ours((await (await get('/risk?scope=all&minLevel=critical')).json()) as Row[])).toHaveLength(4));

    const whole = (await (await get('/risk?scope=all&minLevel=critical')).json()) as Row[];
    expect(ours(whole)).toEqual([null, 'East', 'North', 'South']);
    const paged = await allPages('/risk?scope=all&minLevel=critical', 2);
    expect(paged.pages).toBeGreaterThan(1);
    expect(ours(paged.rows)).toEqual([null, 'East', 'North', 'South']);
    // Worst first across the page ends as within a page.
    for (let i = 1; i < paged.rows.length; i++) {
      const [a, b] = [paged.rows[i - 1], paged.rows[i]];
      expect(a.level > b.level || (a.level === b.level && a.score >= b.score)).toBe(true);
    }
  });

  it('the national board pages too, and its last page sends no cursor', async () => {
    const country = await freshTestCountry();
    await publishEscalation(producer, { country, level: RiskLevel.HIGH, score: 71.5 });
    await eventually(async () => expect(((await (await get('/risk?minLevel=high')).json()) as Row[]).some((r) => r.country === country)).toBe(true));
    const whole = (await (await get('/risk?minLevel=high')).json()) as Row[];
    const paged = await allPages('/risk?minLevel=high', 3);
    const key = (r: Row) => `${r.country}/${r.admin1}`;
    expect(paged.rows.filter((r) => r.country === country).map(key)).toEqual([`${country}/null`]);
    expect(new Set(paged.rows.map(key)).size).toBe(paged.rows.length);
    expect(paged.rows.every((r) => r.admin1 === null)).toBe(true);
    expect(whole.length).toBeGreaterThan(0);
  });

  it('refuses a limit out of range and a cursor it did not write, naming each', async () => {
    const res = await get('/risk?limit=0&cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(body).toContain('limit');
    expect(body).toContain('must be an integer from 1 to 2000');
    expect(body).toContain('cursor');
    expect(body).toContain('is not a cursor this API returned');
    expect((await get('/risk?limit=2001')).status).toBe(400);
  });
});
