import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootEarlyWarning, freshCountries, type BootedEarlyWarning } from '../int-support';

/**
 * `/risk` lists the highest level first, then the highest score. With hysteresis a level outlives the
 * score that raised it, and ordering by score alone put a low country at 26.9 above an elevated one
 * at 16.8 (the operations centre's board lists them by level). The rows are written as the engine
 * writes them, for codes no engine assesses. On real Postgres.
 */
describe('early-warning: risk listed by level, then score', () => {
  let ew: BootedEarlyWarning;
  let low: string;
  let elevated: string;

  const current = (country: string, admin1: string, level: string, score: number) =>
    ew.db.query(
      `INSERT INTO early_warning.risk_current (country, admin1, score, level, level_since, assessed_day, trend_delta, drivers)
       VALUES ($1, $2, $3, $4, '2026-11-01', '2026-11-20', 0, '[]')`,
      [country, admin1, score, level],
    );

  beforeAll(async () => {
    ew = await bootEarlyWarning('risk-order');
    [low, elevated] = await freshCountries(2);
    await current(low, '', 'low', 26.9);
    await current(elevated, '', 'elevated', 16.8);
    await current(elevated, 'North', 'low', 29.5);
    await current(elevated, 'South', 'elevated', 12.1);
  });

  afterAll(async () => {
    await ew?.db.query('DELETE FROM early_warning.risk_current WHERE country = ANY($1)', [[low, elevated]]);
    await ew?.close();
  });

  it('lists an elevated country above a low one of a higher score', async () => {
    const { status, body } = await ew.api('GET', '/risk');
    expect(status).toBe(200);
    const order = (body as unknown as Array<{ country: string }>).map((a) => a.country).filter((c) => c === low || c === elevated);
    expect(order).toEqual([elevated, low]);
  });

  it("lists a country's admin1 areas the same way", async () => {
    const { status, body } = await ew.api('GET', `/risk/${elevated}`);
    expect(status).toBe(200);
    expect((body.admin1 as Array<{ admin1: string }>).map((a) => a.admin1)).toEqual(['South', 'North']);
  });
});
