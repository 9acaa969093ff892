import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CE_RISK_ESCALATED, decodeEvent, RiskLevel } from '@crisis-ops/contracts';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { RiskEngine, type RiskSignal } from '../domain';
import { bootEarlyWarning, freshCountries, inputsApplied, readRiskTopic, type BootedEarlyWarning, type RiskTopicReader } from '../int-support';
import { splitSnapshot } from './engine-store';

/**
 * One admin1 however its reports spell it, through the API on real Kafka and Postgres: the tester's
 * repro (four spellings of Nord-Kivu scored as four quiet areas), and an engine stored by an earlier
 * version with one admin1 kept under two spellings, merged when it is next loaded.
 */
const RUN = uniqueSuffix();
const DAY = 86_400_000;

describe('early-warning areas by admin1, whatever the spelling', () => {
  let ew: BootedEarlyWarning;
  let risk: RiskTopicReader;

  beforeAll(async () => {
    ew = await bootEarlyWarning('areas');
    risk = await readRiskTopic(ew, 'areas');
  });

  afterAll(async () => {
    await risk?.close();
    await ew?.close();
  });

  const occurredAt = new Date(Date.now() - 3_600_000);
  const battle = (country: string, i: number, admin1: string, at = occurredAt) => ({ id: `a-${i}`, source: `areas-${RUN}`, country, admin1, type: 'battles', occurredAt: at.toISOString(), fatalities: 40 });
  const asSignal = (s: ReturnType<typeof battle>): RiskSignal => ({ country: s.country, admin1: s.admin1, occurredAt: new Date(s.occurredAt), type: 'battles', subType: null, fatalities: s.fatalities, severity: null });
  const areasOf = async (country: string) => {
    const one = await ew.api('GET', `/risk/${country}`);
    expect(one.status).toBe(200);
    return one.body['admin1'] as Array<{ admin1: string; score: number; level: string }>;
  };

  it('scores 16 deadly battles of Nord-Kivu under four spellings as one area, escalates it once, under the first spelling', async () => {
    const [country] = await freshCountries(1);
    const spellings = ['Nord-Kivu', 'Nord Kivu', 'NORD-KIVU', 'nord-kivu'];
    const items = Array.from({ length: 16 }, (_, i) => battle(country, i, spellings[i % 4]));
    expect(await ew.api('POST', '/signals/batch', { items })).toMatchObject({ status: 202, body: { recorded: 16 } });
    await eventually(async () => (await inputsApplied(ew.db, country)) === 16, 60_000, 200);

    // What the same signals under one spelling score: the engine the service runs, offline.
    const one = new RiskEngine();
    for (const s of items) one.ingestSignal({ ...asSignal(s), admin1: 'Nord-Kivu' });
    one.assessOpenDay();
    const expected = one.current().find((a) => a.admin1 === 'Nord-Kivu');
    expect(expected).toMatchObject({ level: 'high' });

    expect(await areasOf(country)).toEqual([expect.objectContaining({ admin1: 'Nord-Kivu', score: expected?.score, level: 'high' })]);
    const day = occurredAt.toISOString().slice(0, 10);
    const stored = await ew.db.query(`SELECT admin1, escalation_id FROM early_warning.risk_assessments WHERE country = $1 AND kind = 'escalated' AND admin1 <> ''`, [country]);
    expect(stored.rows).toEqual([{ admin1: 'Nord-Kivu', escalation_id: `${country}/Nord-Kivu/${day}/high` }]);

    await risk.allAnnounced(country);
    const escalations = risk.events.filter((e) => e.key === country && e.type === CE_RISK_ESCALATED).map((e) => decodeEvent(CE_RISK_ESCALATED, e.data)).filter((e) => e.admin1 !== '');
    expect(escalations).toEqual([expect.objectContaining({ admin1: 'Nord-Kivu', escalationId: `${country}/Nord-Kivu/${day}/high`, newLevel: RiskLevel.HIGH })]);
  });

  it('merges an engine stored with one admin1 under two spellings when it is next loaded: one area, one row, scored as one', async () => {
    const [country] = await freshCountries(1);
    // Days before today, a quiet half of the province under each spelling, as the earlier version kept them.
    const today = Math.floor(occurredAt.getTime() / DAY);
    const history = [3, 3, 2, 2, 1, 1].flatMap((ago, i) => [battle(country, 100 + i, 'Nord-Kivu', new Date((today - ago) * DAY + 43_200_000)), battle(country, 200 + i, 'Other', new Date((today - ago) * DAY + 43_200_000))]);
    const legacy = new RiskEngine();
    for (const s of history) legacy.ingestSignal({ ...asSignal(s), fatalities: 0 });
    legacy.closeThrough(new Date((today - 1) * DAY));
    // "Other" stood for "Nord Kivu": two spellings, two areas, two rows.
    const split = splitSnapshot(JSON.parse(JSON.stringify(legacy.snapshot()).replaceAll('"Other"', '"Nord Kivu"')));
    expect([...split.areas.keys()]).toEqual(['', 'Nord-Kivu', 'Nord Kivu']);
    await ew.db.query('INSERT INTO early_warning.risk_engines (country, snapshot, signals) VALUES ($1, $2::jsonb, $3)', [country, JSON.stringify(split.header), history.length]);
    for (const [admin1, state] of split.areas) {
      await ew.db.query('INSERT INTO early_warning.risk_engine_areas (country, admin1, state) VALUES ($1, $2, $3::jsonb)', [country, admin1, state]);
      await ew.db.query(`INSERT INTO early_warning.risk_current (country, admin1, score, level, level_since) VALUES ($1, $2, 0, 'low', CURRENT_DATE)`, [country, admin1]);
    }
    expect((await areasOf(country)).map((a) => a.admin1).sort()).toEqual(['Nord Kivu', 'Nord-Kivu']);

    const today0 = battle(country, 300, 'NORD-KIVU');
    expect(await ew.api('POST', '/signals/batch', { items: [today0] })).toMatchObject({ status: 202 });
    await eventually(async () => (await inputsApplied(ew.db, country)) === history.length + 1, 60_000, 200);

    const rows = await ew.db.query('SELECT admin1 FROM early_warning.risk_engine_areas WHERE country = $1 ORDER BY admin1', [country]);
    expect(rows.rows.map((r) => r.admin1)).toEqual(['', 'Nord-Kivu']);
    // Scored as an engine that had seen one spelling throughout.
    const straight = new RiskEngine();
    for (const s of history) straight.ingestSignal({ ...asSignal(s), admin1: 'Nord-Kivu', fatalities: 0 });
    straight.closeThrough(new Date((today - 1) * DAY));
    straight.ingestSignal(asSignal(today0));
    straight.assessOpenDay();
    const expected = straight.current().find((a) => a.admin1 === 'Nord-Kivu');
    expect(await areasOf(country)).toEqual([expect.objectContaining({ admin1: 'Nord-Kivu', score: expected?.score, level: expected?.level })]);
    // Loaded again (another replica, a restart), nothing is counted twice.
    const areas = await ew.db.query(`SELECT state FROM early_warning.risk_engine_areas WHERE country = $1 AND admin1 = 'Nord-Kivu'`, [country]);
    const snapshot = straight.snapshot().areas[0].children[0];
    expect(areas.rows[0].state.countsByDay).toEqual(snapshot.countsByDay);
    expect(areas.rows[0].state.baseline).toBeCloseTo(snapshot.baseline, 9);
  });

  it('refuses a signal listing or export of a code that names no country, as /risk does', async () => {
    for (const url of ['/signals?country=BKF', '/exports/signals.csv?country=BKF', '/risk/BKF']) {
      expect(await ew.api('GET', url), url).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'country', reason: 'BKF is not an ISO 3166-1 country' }] } });
    }
    // This stack runs exercises: an exercise code is a country with nothing recorded yet.
    expect(await ew.api('GET', '/signals?country=QQQ')).toMatchObject({ status: 200, body: { items: [] } });
  });
});
