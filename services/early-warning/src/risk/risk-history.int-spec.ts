import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootEarlyWarning, freshCountry, type BootedEarlyWarning } from '../int-support';

/**
 * Every level change of a country can be read from `/risk/{country}`, however many assessments a
 * large import stored after them, on real Postgres. The tester's repro: 59,988 assessment rows of a
 * relabelled file, of which `?history=1000` (the most it gave, with nothing saying it was cut) held 139
 * of 189 level changes and none of the national ones, while `national.levelSince` pointed at one.
 * Here: a country whose 40 level changes (8 national) all lie before its newest 1,200 assessments.
 */
describe('early-warning: the history of /risk/{country}', () => {
  let ew: BootedEarlyWarning;
  let country: string;
  /** Every entry's id, newest first, and the level changes' ids, as stored. */
  let allIds: string[];
  let changeIds: string[];

  /** The answer with its X-Next-Cursor header. */
  const get = async (query: string) => {
    const res = await fetch(`${ew.base}/risk/${country}${query}`, { headers: { authorization: `Bearer ${ew.token}` } });
    return { status: res.status, next: res.headers.get('x-next-cursor'), body: (await res.json()) as { history: Array<{ id: string; kind: string; admin1: string | null; day: string; level: string }>; historyNextCursor: string | null; national: { levelSince: string; level: string }; code?: string; errors?: unknown[] } };
  };
  /** Every page of the history from `query` on, following the cursor, with each page's length. */
  const allPages = async (query: string) => {
    const entries: Array<{ id: string; kind: string; admin1: string | null; day: string; level: string }> = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`${query}${cursor ? `&historyCursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.next).toBe(page.body.historyNextCursor);
      entries.push(...page.body.history);
      sizes.push(page.body.history.length);
      cursor = page.body.historyNextCursor;
    } while (cursor);
    return { entries, sizes };
  };

  beforeAll(async () => {
    ew = await bootEarlyWarning('risk-history');
    country = await freshCountry();
    // Taken: an engine row is what freshCountry looks for, so no later run or suite takes the code.
    await ew.db.query(`INSERT INTO early_warning.risk_engines (country, snapshot, signals) VALUES ($1, '{}'::jsonb, 0)`, [country]);
    // 400 days of history: an assessment per area (national, North) and day, a level change on every
    // 20th day of one of them (national every 50th), then 1,200 more assessments after the last change.
    await ew.db.query(
      `INSERT INTO early_warning.risk_assessments (country, admin1, kind, day, score, level, previous_level, escalation_id, drivers, origin, published)
       SELECT $1, a.admin1, CASE WHEN d % 10 = 0 AND (a.admin1 = '') = (d % 50 = 0) THEN (CASE WHEN d % 20 = 0 THEN 'deescalated' ELSE 'escalated' END) ELSE 'assessed' END,
              DATE '2019-01-01' + d, 40, 'high', NULL, NULL, '[]'::jsonb, 'import', false
       FROM generate_series(0, 399) AS d, (VALUES (''), ('North')) AS a(admin1) ORDER BY d, a.admin1`,
      [country],
    );
    await ew.db.query(
      `INSERT INTO early_warning.risk_assessments (country, admin1, kind, day, score, level, drivers, origin, published)
       SELECT $1, CASE WHEN i % 2 = 0 THEN '' ELSE 'North' END, 'assessed', DATE '2020-02-05' + i / 2, 40, 'high', '[]'::jsonb, 'import', false FROM generate_series(0, 1199) AS i ORDER BY i`,
      [country],
    );
    await ew.db.query(`INSERT INTO early_warning.risk_current (country, admin1, score, level, level_since, assessed_day) VALUES ($1, '', 40, 'high', DATE '2019-01-01' + 350, DATE '2020-08-01')`, [country]);
    // By the number: `id` alone would name the text alias, and sort 9999 above 10000.
    allIds = (await ew.db.query('SELECT id::text AS id FROM early_warning.risk_assessments WHERE country = $1 ORDER BY risk_assessments.id DESC', [country])).rows.map((r) => r.id);
    changeIds = (await ew.db.query(`SELECT id::text AS id FROM early_warning.risk_assessments WHERE country = $1 AND kind <> 'assessed' ORDER BY risk_assessments.id DESC`, [country])).rows.map((r) => r.id);
    expect([allIds.length, changeIds.length]).toEqual([2000, 40]);
  });

  afterAll(async () => {
    await ew?.close();
  });

  it('says when an answer is cut, and gives the cursor of the rest', async () => {
    const first = await get('?history=1000');
    expect(first.status).toBe(200);
    // The newest 1,000 are all assessments: not one level change among them.
    expect(first.body.history.map((h) => h.id)).toEqual(allIds.slice(0, 1000));
    expect(first.body.historyNextCursor).toEqual(expect.any(String));
    expect(first.next).toBe(first.body.historyNextCursor);
    // An answer holding the oldest entry says so: no cursor, no header.
    const whole = await get(`?history=1000&historyCursor=${first.body.historyNextCursor}`);
    expect(whole.body.history.map((h) => h.id)).toEqual(allIds.slice(1000));
    expect([whole.body.historyNextCursor, whole.next]).toEqual([null, null]);
  });

  it('pages back through every entry, each once, newest first', async () => {
    const { entries, sizes } = await allPages('?history=300');
    expect(entries.map((h) => h.id)).toEqual(allIds);
    expect(sizes).toEqual([300, 300, 300, 300, 300, 300, 200]);
  });

  it('gives every level change with historyKind, the national change behind levelSince included', async () => {
    const changes = await get('?history=1000&historyKind=escalated,deescalated');
    expect(changes.body.history.map((h) => h.id)).toEqual(changeIds);
    expect([changes.body.historyNextCursor, changes.next]).toEqual([null, null]);
    expect(changes.body.history.filter((h) => h.admin1 === null)).toHaveLength(8);
    expect(changes.body.history.find((h) => h.admin1 === null && h.day === changes.body.national.levelSince)).toMatchObject({ kind: 'escalated' });
    // Paged, and the kinds given more than once: the same changes.
    const { entries, sizes } = await allPages('?history=15&historyKind=escalated&historyKind=deescalated');
    expect(entries.map((h) => h.id)).toEqual(changeIds);
    expect(sizes).toEqual([15, 15, 10]);
    expect((await get('?historyKind=deescalated&history=1000')).body.history.every((h) => h.kind === 'deescalated')).toBe(true);
  });

  it('refuses a kind or a cursor it does not know, naming the parameter', async () => {
    expect(await get('?historyKind=changes')).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'historyKind' }] } });
    expect(await get('?historyCursor=nope')).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'historyCursor' }] } });
  });
});
