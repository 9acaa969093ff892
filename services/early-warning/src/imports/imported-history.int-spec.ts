import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CE_RISK_ASSESSED, CE_RISK_ESCALATED, decodeEvent, RiskLevel } from '@crisis-ops/contracts';
import type { ReceivedEvent } from '@crisis-ops/messaging';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, inputsApplied, readRiskTopic, unassessedCountry, type BootedEarlyWarning, type RiskTopicReader } from '../int-support';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { runImport } from './import-runner';
import { intakeSink } from './import-sink';
import { ACLED_TEST_HEADER, finishedJob } from './import-int-support';
import { IMPORT_ALERT_DAYS } from '../risk/live-risk.service';
import { PB_LEVEL } from '../risk/risk-publication';

/**
 * Imported history and what it tells: the risk an import of old events moves is stored, and told
 * only where it is news (the alert window), the level it left an area at included, and a change on a
 * later news day from the level subscribers hold, not the one history left; a file in either
 * order gives the same history. early-warning booted in-process on the test infrastructure, real
 * countries with no risk state yet (imports resolve ISO codes only), read back from the risk topic.
 */
const RUN = uniqueSuffix();

describe('early-warning: imported history', () => {
  let ew: BootedEarlyWarning;
  let app: INestApplication;
  let db: Client;
  let reader: RiskTopicReader;
  let risk: ReceivedEvent[];

  beforeAll(async () => {
    ew = await bootEarlyWarning('imported-history');
    ({ app, db } = ew);
    reader = await readRiskTopic(ew, 'imported-history');
    risk = reader.events;
  });

  afterAll(async () => {
    await reader?.close();
    await ew?.close();
  });

  const api = (method: string, url: string, body?: unknown) => ew.api(method, url, body);
  const allPublished = (country: string) => reader.allAnnounced(country);
  const DAY = 86_400_000;
  const today = () => Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const nameOf = (country: string) => COUNTRIES.find((c) => c.iso3 === country)?.name ?? country;

  /** An ACLED row of the country `name` (an attack with 10 deaths in no admin1, unless told otherwise). */
  const acledRow = (id: string, day: number, name: string, { type = 'Violence against civilians', subType = 'Attack', admin1 = '', fatalities = 10 } = {}) =>
    `${id},${new Date(day).toISOString().slice(0, 10)},${type},${subType},"${name}",,${admin1},${fatalities},Radio`;
  /** `perDay` rows on each of `days` days up to `lastDay`, in day order; `row` gets each row's index and day. */
  const daily = (days: number, perDay: number, lastDay: number, row: (i: number, day: number) => string): string[] =>
    Array.from({ length: days * perDay }, (_, i) => row(i, lastDay - (days - 1 - Math.floor(i / perDay)) * DAY));
  /** ACLED rows through the import path (`npm run import`, import jobs) into the booted service. */
  const importRows = (rows: readonly string[], source: string) =>
    runImport(Readable.from([Buffer.from(['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source', ...rows].join('\n'))]), intakeSink(app.get(SignalIntake), app.get(DataSource), app.get(EventPublisher)), { source });

  it('stores the risk an imported history of signals moves, escalations included, and announces none of it when it is old', async () => {
    const country = await unassessedCountry(db);
    // Forty days of deadly attacks that ended two months ago: enough to escalate, all of it older
    // than the alert window (EARLY_WARNING_IMPORT_ALERT_DAYS, 14 by default).
    const rows = daily(40, 3, today() - 60 * DAY, (i, day) => acledRow(`H-${RUN}-${i}`, day, nameOf(country), { admin1: 'North' }));
    const report = await importRows(rows, `int-history-${RUN}`);
    expect(report).toMatchObject({ format: 'acled', recorded: rows.length, rejected: 0 });
    await eventually(async () => (await inputsApplied(db, country)) === rows.length, 60_000, 200);

    const kinds = await db.query<{ kind: string; origin: string; published: boolean; n: string }>(
      'SELECT kind, origin, published, count(*) AS n FROM early_warning.risk_assessments WHERE country = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
      [country],
    );
    // Something to announce was there: the history escalated the country...
    expect(kinds.rows.some((r) => r.kind === 'escalated')).toBe(true);
    // ...and all of it is kept as the import's, none of it published.
    expect(kinds.rows.filter((r) => r.origin !== 'import' || r.published)).toEqual([]);
    await allPublished(country);
    expect(risk.filter((e) => e.key === country)).toEqual([]);
  });

  it('tells the escalation an imported history reached before the alert window, once its recent days show the level: the board and the alerts agree', async () => {
    const country = await unassessedCountry(db);
    // Sixty days of deadly attacks up to yesterday: the country escalates weeks before the alert
    // window (14 days), where nothing is told, and is still there within it, where days are told.
    const rows = daily(60, 3, today() - DAY, (i, day) => acledRow(`W-${RUN}-${country}-${i}`, day, nameOf(country), { fatalities: 12 }));
    expect(await importRows(rows, `int-window-${RUN}`)).toMatchObject({ recorded: rows.length });
    await eventually(async () => (await inputsApplied(db, country)) === rows.length, 60_000, 200);
    await allPublished(country);

    const windowStart = new Date(today() - app.get<number>(IMPORT_ALERT_DAYS) * DAY);
    const { rows: [current] } = await db.query<{ level: string }>(`SELECT level FROM early_warning.risk_current WHERE country = $1 AND admin1 = ''`, [country]);
    expect(['high', 'critical']).toContain(current.level);
    const { rows: historyEscalations } = await db.query<{ escalation_id: string; day: Date; level: string }>(
      `SELECT escalation_id, day, level FROM early_warning.risk_assessments WHERE country = $1 AND admin1 = '' AND kind = 'escalated' AND NOT published ORDER BY id`,
      [country],
    );
    expect(historyEscalations.length).toBeGreaterThan(0);
    // Told on Kafka: the escalation that holds the country at its level, dated when it happened.
    const told = risk.filter((e) => e.key === country && e.type === CE_RISK_ESCALATED).map((e) => decodeEvent(CE_RISK_ESCALATED, e.data)).filter((e) => e.admin1 === '');
    const holding = historyEscalations.filter((e) => e.level === current.level).at(-1);
    expect(told).toEqual([expect.objectContaining({ escalationId: holding?.escalation_id, newLevel: PB_LEVEL[current.level as 'high' | 'critical'], previousLevel: RiskLevel.LOW, origin: 'import' })]);
    expect(timestampDate(told[0].at as Timestamp).getTime()).toBeLessThan(windowStart.getTime());
    // Stored as told late, beside the escalation itself: history can tell an announcement from a change.
    const history = (await api('GET', `/risk/${country}?history=1000`)).body['history'] as Array<{ kind: string; admin1: string | null; escalationId: string; toldLate: boolean; published: boolean }>;
    expect(history.filter((h) => h.admin1 === null && h.escalationId === holding?.escalation_id).map((h) => [h.toldLate, h.published]).sort()).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('tells the escalation a late report raises an imported area by from the level subscribers hold: low → high, not elevated → high', async () => {
    const country = await unassessedCountry(db);
    // Twenty days of two attacks a day, ending forty days ago (older than the alert window): the
    // country reaches elevated, told to no one, so subscribers hold low. Its last day is left open.
    const lastDay = today() - 40 * DAY;
    const rows = daily(20, 2, lastDay, (i, day) => acledRow(`T-${RUN}-${country}-${i}`, day, nameOf(country)));
    expect(await importRows(rows, `int-told-${RUN}`)).toMatchObject({ recorded: rows.length });
    await eventually(async () => (await inputsApplied(db, country)) === rows.length, 60_000, 200);
    const { rows: untold } = await db.query<{ level: string; published: boolean }>(
      `SELECT level, published FROM early_warning.risk_assessments WHERE country = $1 AND admin1 = '' AND kind = 'escalated' ORDER BY id`,
      [country],
    );
    expect(untold).toEqual([{ level: 'elevated', published: false }]);

    // Ten reports of that open day, sent live (a late report is news): its assessment raises the country to high.
    const occurredAt = new Date(lastDay + 12 * 3_600_000).toISOString();
    const items = Array.from({ length: 10 }, (_, i) => ({ id: `${country}-told-${RUN}-${i}`, source: `int-told-${RUN}`, country, type: 'violence_against_civilians', subType: 'attack', occurredAt, fatalities: 40, severity: 5 }));
    expect((await api('POST', '/signals/batch', { items })).status).toBe(202);
    await eventually(async () => (await inputsApplied(db, country)) === rows.length + items.length, 30_000, 200);
    await allPublished(country);

    const { rows: [current] } = await db.query<{ level: string }>(`SELECT level FROM early_warning.risk_current WHERE country = $1 AND admin1 = ''`, [country]);
    expect(current.level).toBe('high');
    // Told on Kafka: one escalation, from low, the level subscribers hold, dated the reported day.
    const told = risk.filter((e) => e.key === country && e.type === CE_RISK_ESCALATED).map((e) => decodeEvent(CE_RISK_ESCALATED, e.data)).filter((e) => e.admin1 === '');
    expect(told).toEqual([expect.objectContaining({ previousLevel: RiskLevel.LOW, newLevel: RiskLevel.HIGH, origin: 'api' })]);
    expect(timestampDate(told[0].at as Timestamp).getTime()).toBe(lastDay);
    // Stored as told, beside the untold escalation to elevated: what subscribers heard, not the area's own step.
    const { rows: stored } = await db.query(
      `SELECT previous_level, level, published, told_late FROM early_warning.risk_assessments WHERE country = $1 AND admin1 = '' AND kind = 'escalated' ORDER BY id`,
      [country],
    );
    expect(stored).toEqual([
      { previous_level: 'low', level: 'elevated', published: false, told_late: false },
      { previous_level: 'low', level: 'high', published: true, told_late: false },
    ]);
  });

  it('tells the board the day an area re-entered the level it was told, when history told to no one left the level and came back: low since the import\'s fall, not since the day told', async () => {
    const country = await unassessedCountry(db);
    const told = () =>
      risk
        .filter((e) => e.key === country)
        .map((e) => ({ type: e.type, e: decodeEvent(CE_RISK_ASSESSED, e.data) }))
        .filter(({ e }) => e.admin1 === '');
    const calmItem = (day: number, i: number) => ({ id: `${country}-since-${RUN}-${i}`, source: `int-since-${RUN}`, country, type: 'protests', subType: 'peaceful_protest', occurredAt: new Date(day + 12 * 3_600_000).toISOString(), fatalities: 0, severity: 1 });

    // Subscribers are told the country is low, since day 200 days ago (a live report: news).
    const firstDay = today() - 200 * DAY;
    expect((await api('POST', '/signals/batch', { items: [calmItem(firstDay, 0)] })).status).toBe(202);
    await eventually(async () => (await inputsApplied(db, country)) === 1, 30_000, 200);
    await allPublished(country);
    expect(told().map(({ type, e }) => [type, e.level, timestampDate(e.levelSince as Timestamp).getTime()])).toEqual([[CE_RISK_ASSESSED, RiskLevel.LOW, firstDay]]);

    // An import, all older than the alert window, told to no one: twenty days of attacks raise it
    // to elevated, months of calm bring it back to low, up to 21 days ago.
    const attacks = daily(20, 2, firstDay + 29 * DAY, (i, day) => acledRow(`S-${RUN}-${country}-a${i}`, day, nameOf(country)));
    const calmDays = 200 - 30 - 20;
    const calm = daily(calmDays, 1, firstDay + (29 + calmDays) * DAY, (i, day) => acledRow(`S-${RUN}-${country}-c${i}`, day, nameOf(country), { type: 'Protests', subType: 'Peaceful protest', fatalities: 0 }));
    expect(await importRows([...attacks, ...calm], `int-since-${RUN}`)).toMatchObject({ recorded: attacks.length + calm.length });
    await eventually(async () => (await inputsApplied(db, country)) === 1 + attacks.length + calm.length, 60_000, 200);
    const { rows: changes } = await db.query<{ kind: string; day: string; published: boolean }>(
      `SELECT kind, to_char(day, 'YYYY-MM-DD') AS day, published FROM early_warning.risk_assessments WHERE country = $1 AND admin1 = '' AND kind <> 'assessed' ORDER BY id`,
      [country],
    );
    expect(changes.map((c) => [c.kind, c.published])).toEqual([
      ['escalated', false],
      ['deescalated', false],
    ]);
    const fellOn = Date.parse(changes[1].day);

    // A live report of the day after: news, low, its score within a material move of the one told.
    expect((await api('POST', '/signals/batch', { items: [calmItem(firstDay + (30 + calmDays) * DAY, 1)] })).status).toBe(202);
    await eventually(async () => (await inputsApplied(db, country)) === 2 + attacks.length + calm.length, 30_000, 200);
    await allPublished(country);
    const { rows: [current] } = await db.query<{ level: string; since: string }>(`SELECT level, to_char(level_since, 'YYYY-MM-DD') AS since FROM early_warning.risk_current WHERE country = $1 AND admin1 = ''`, [country]);
    expect([current.level, Date.parse(current.since)]).toEqual(['low', fellOn]);
    // Told once more: the assessment, low since the fall (the board's "level since"); the level
    // changes of history stay untold.
    const all = told();
    expect(all.map(({ type, e }) => [type, e.level, timestampDate(e.levelSince as Timestamp).getTime()])).toEqual([
      [CE_RISK_ASSESSED, RiskLevel.LOW, firstDay],
      [CE_RISK_ASSESSED, RiskLevel.LOW, fellOn],
    ]);
    expect(Math.abs(all[1].e.score - all[0].e.score)).toBeLessThan(5);
  });

  it('says per country how many rows of a history came before the day its risk has open, as an import job reports it: added as late reports, no history assessed for them', async () => {
    const country = await unassessedCountry(db);
    let other = await unassessedCountry(db);
    while (other === country) other = await unassessedCountry(db);
    // The tester's case: one live signal recorded for the country, then its history imported.
    const openDay = today() - 30 * DAY;
    const live = { id: `${country}-late-${RUN}`, source: `int-late-${RUN}`, country, type: 'protests', subType: 'peaceful_protest', occurredAt: new Date(openDay + 9 * 3_600_000).toISOString(), fatalities: 0, severity: 1 };
    expect((await api('POST', '/signals/batch', { items: [live] })).status).toBe(202);
    await eventually(async () => (await inputsApplied(db, country)) === 1, 30_000, 200);
    // Forty days of deadly attacks ending four months before it (enough to escalate, had they come
    // first; too old to move the open day they are added to), one report of the open day itself
    // (added to it: not late), and rows of a country with no risk yet (none late: its first row opens its day).
    const history = daily(40, 3, openDay - 120 * DAY, (i, day) => acledRow(`L-${RUN}-${country}-${i}`, day, nameOf(country)));
    const onOpenDay = acledRow(`L-${RUN}-${country}-open`, openDay, nameOf(country));
    const elsewhere = daily(3, 1, openDay - 20 * DAY, (i, day) => acledRow(`L-${RUN}-${other}-${i}`, day, nameOf(other)));
    const file = [ACLED_TEST_HEADER, ...history, onOpenDay, ...elsewhere].join('\n');
    const job = async () => {
      const form = new FormData();
      form.append('file', new Blob([file], { type: 'text/csv' }), 'history.csv');
      form.append('source', `int-late-${RUN}`);
      const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
      expect(res.status).toBe(202);
      return (await finishedJob(ew, ((await res.json()) as { jobId: string }).jobId)) as Record<string, unknown>;
    };

    const first = await job();
    expect(first).toMatchObject({ status: 'succeeded', report: { recorded: history.length + 1 + elsewhere.length } });
    expect(first['report']).toMatchObject({
      lateReports: history.length,
      lateReportCountries: [{ country, openDay: new Date(openDay).toISOString().slice(0, 10), rows: history.length }],
      lateReportCountriesTruncated: false,
    });
    // What the report warns of: the history escalated nothing, as late reports never rewrite past days.
    await eventually(async () => (await inputsApplied(db, country)) === 2 + history.length, 60_000, 200);
    const { rows: changes } = await db.query(`SELECT kind FROM early_warning.risk_assessments WHERE country = $1 AND kind <> 'assessed'`, [country]);
    expect(changes).toEqual([]);
    // The same file again records nothing, so nothing of it is late now.
    expect((await job())['report']).toMatchObject({ recorded: 0, lateReports: 0, lateReportCountries: [] });
  });

  it('gives a file listed newest first, as ACLED exports are, the history and level the same file gives oldest first', async () => {
    const lastDay = today() - 60 * DAY;
    const history = async (newestFirst: boolean) => {
      const country = await unassessedCountry(db);
      const rows = daily(40, 3, lastDay, (i, day) => acledRow(`O-${RUN}-${country}-${i}`, day, nameOf(country), { admin1: 'North', fatalities: i % 20 }));
      if (newestFirst) rows.reverse();
      expect(await importRows(rows, `int-order-${RUN}`)).toMatchObject({ recorded: rows.length });
      await eventually(async () => (await inputsApplied(db, country)) === rows.length, 60_000, 200);
      const { rows: changes } = await db.query(
        `SELECT kind, admin1, to_char(day, 'YYYY-MM-DD') AS day, level FROM early_warning.risk_assessments WHERE country = $1 AND kind <> 'assessed' ORDER BY id`,
        [country],
      );
      const { rows: current } = await db.query(`SELECT admin1, level, to_char(level_since, 'YYYY-MM-DD') AS since FROM early_warning.risk_current WHERE country = $1 ORDER BY admin1`, [country]);
      return { changes, current };
    };
    const oldestFirst = await history(false);
    expect(oldestFirst.changes.filter((c) => c.kind === 'escalated').length).toBeGreaterThan(1);
    expect(await history(true)).toEqual(oldestFirst);
  });
});
