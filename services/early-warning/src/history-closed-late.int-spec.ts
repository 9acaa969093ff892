import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import { AggregateObservedSchema, CE_AGGREGATE_OBSERVED, CE_RISK_ASSESSED, CE_RISK_DEESCALATED, CE_RISK_ESCALATED, decodeEvent } from '@crisis-ops/contracts';
import { domainEventRecord, type ReceivedEvent } from '@crisis-ops/messaging';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { IMPORT_ALERT_DAYS, LiveRisk } from './risk/live-risk.service';
import { DEFAULT_RISK_PARAMETERS } from './domain';
import { bootEarlyWarning, freshCountry, inputsApplied, readRiskTopic, type BootedEarlyWarning, type RiskTopicReader } from './int-support';

/**
 * History closed late is not news: days that imported monthly aggregates left queued in a country's
 * engine, closed weeks later by its first live signal, are stored but not staged for Kafka, while
 * what the signal says about its own day is. early-warning booted in-process on the test
 * infrastructure (INFRA_PROFILE=test); the observations are produced straight onto its signals topic
 * (as an import stages them) for a user-assigned code (never a country) with no risk state yet, and what
 * is announced is read back from the risk topic.
 */
const RUN = uniqueSuffix();
const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

describe('early-warning: history closed late by a live signal', () => {
  let ew: BootedEarlyWarning;
  let app: INestApplication;
  let base: string;
  let db: Client;
  let producer: Producer;
  let token: string;
  let reader: RiskTopicReader;
  let risk: ReceivedEvent[];

  beforeAll(async () => {
    ew = await bootEarlyWarning('history');
    ({ app, base, db, producer, token } = ew);
    reader = await readRiskTopic(ew, 'history');
    risk = reader.events;
  });

  afterAll(async () => {
    await reader?.close();
    await ew?.close();
  });

  const allAnnounced = (country: string) => reader.allAnnounced(country);

  /** The day each risk event announced on Kafka for the country is about. */
  function announcedDays(country: string): Array<{ type: string; day: string }> {
    return risk.filter((e) => e.key === country).map(({ type: ce_type, data: payload }) => {
      const at =
        ce_type === CE_RISK_ASSESSED
          ? decodeEvent(CE_RISK_ASSESSED, payload).assessedAt
          : decodeEvent(ce_type === CE_RISK_ESCALATED ? CE_RISK_ESCALATED : CE_RISK_DEESCALATED, payload).at;
      return { type: ce_type, day: at ? isoDay(timestampDate(at)) : '?' };
    });
  }

  /**
   * Months of aggregates queued for a fresh country, then one live batch of today's reports (with,
   * if asked, a report from before those months in the same batch), and what was announced.
   */
  async function queuedMonthsThenLiveBurst(withOlderReport: false | 'before-the-months' | 'of-the-open-day'): Promise<void> {
    const country = await freshCountry();
    const alertDays = app.get<number>(IMPORT_ALERT_DAYS);
    const now = new Date();
    // Whole months six to four back: every day they leave queued is older than the alert window.
    const months = [6, 5, 4].map((back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)));
    const counts = [
      [30, 16],
      [90, 135],
      [300, 450],
    ];
    const observations = months.map((m, i) =>
      domainEventRecord(
        CE_AGGREGATE_OBSERVED,
        create(AggregateObservedSchema, {
          observationId: `${RUN}-${country}-${i}`,
          source: `int-history-${RUN}`,
          country,
          periodStart: timestampFromDate(m),
          periodEnd: timestampFromDate(new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))),
          events: counts[i][0],
          fatalities: counts[i][1],
          origin: 'import',
        }),
      ),
    );
    await producer.send({ topic: observations[0].topic, messages: observations.map((o) => o.message) });
    await eventually(async () => (await inputsApplied(db, country)) === 3, 30_000, 200);

    // The first live report of the country: the same burst that escalates a fresh country.
    const occurredAt = new Date(Date.now() - 60_000);
    const today = isoDay(occurredAt);
    const items = Array.from({ length: 40 }, (_, i) => ({
      id: `${country}-h-${i}`,
      source: `int-history-${RUN}`,
      country,
      type: 'violence_against_civilians',
      subType: 'attack',
      occurredAt: occurredAt.toISOString(),
      fatalities: 40,
      severity: 5,
    }));
    // A report older than every queued day, or one of the day the engine has open, first in the
    // batch: neither may make the days between it and today's reports news.
    const { rows: engineRows } = await db.query<{ open: number }>(`SELECT (snapshot->>'openDay')::int AS open FROM early_warning.risk_engines WHERE country = $1`, [country]);
    const olderDay = withOlderReport === 'of-the-open-day' ? new Date(engineRows[0].open * DAY) : new Date(months[0].getTime() - 10 * DAY);
    const older = { ...items[0], id: `${country}-h-older`, occurredAt: olderDay.toISOString() };
    const batch = withOlderReport ? [older, ...items] : items;
    const res = await fetch(`${base}/signals/batch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ items: batch }) });
    expect(res.status).toBe(202);
    await eventually(async () => (await inputsApplied(db, country)) === 3 + batch.length, 30_000, 200);

    // The signal closed the queued months: their escalations are stored under the origin of the
    // input that closed them, and not published.
    const { rows } = await db.query<{ kind: string; day: string; origin: string; published: boolean; provisional: boolean }>(
      `SELECT kind, to_char(day, 'YYYY-MM-DD') AS day, origin, published, provisional FROM early_warning.risk_assessments WHERE country = $1 ORDER BY id`,
      [country],
    );
    const windowStart = isoDay(new Date(now.getTime() - alertDays * DAY));
    // A report of the open day, or an older one (which adds to it), makes that day news, as it would
    // sent alone, and only it; having announced its level, the de-escalations below it that follow
    // are told as corrections (correctsAnnouncedLevel), never an escalation or an assessment of those months.
    const reportedDay = withOlderReport ? isoDay(new Date(engineRows[0].open * DAY)) : undefined;
    const old = rows.filter((r) => r.day < windowStart && r.day !== reportedDay);
    const told = (r: { kind: string; published: boolean }) => r.published && (reportedDay === undefined || r.kind !== 'deescalated');
    expect(old.filter((r) => r.kind === 'escalated').length).toBeGreaterThan(0);
    expect(old.filter(told)).toEqual([]);
    expect(old.find((r) => r.day >= isoDay(months[2]) && r.origin === 'api')).toBeDefined();
    // What the signal says about its own day is news.
    expect(rows.filter((r) => r.day === today && r.kind === 'escalated')).toEqual([expect.objectContaining({ origin: 'api', provisional: true, published: true })]);

    // Announced on Kafka: exactly what is marked published (the aggregates' days included, which
    // announced nothing), nothing older than the alert window, today's escalation among it.
    await allAnnounced(country);
    const announced = announcedDays(country);
    expect(announced.filter((s) => s.day < windowStart && s.day !== reportedDay && (reportedDay === undefined || s.type !== CE_RISK_DEESCALATED))).toEqual([]);
    expect(announced).toContainEqual({ type: CE_RISK_ESCALATED, day: today });
    expect(announced).toHaveLength(rows.filter((r) => r.published).length);
  }

  it('given months of aggregates queued for a country, then its first live signal escalates it today, and the escalations it closes about those months are stored, not announced', async () => {
    await queuedMonthsThenLiveBurst(false);
  });

  it('given the same, with a report older than those months in the live batch, then those months are still not announced: a late report makes news of the open day it adds to, and of no later day', async () => {
    await queuedMonthsThenLiveBurst('before-the-months');
  });

  it('given the same, with a report of the day the engine has open in the live batch, then the months after it are still not announced: only the days a request reports are its news', async () => {
    await queuedMonthsThenLiveBurst('of-the-open-day');
  });

  it('given a published escalation and then months of quiet, the first live signal after them announces the de-escalations the quiet brought and its own day\'s score, and nothing else of that history', async () => {
    await escalationThenMonthsOfQuiet(false);
  });

  it('given the same with the engine state of a build that did not keep what subscribers were told, then it is read from what was published, and the same is announced', async () => {
    await escalationThenMonthsOfQuiet(true);
  });

  async function escalationThenMonthsOfQuiet(stateOfAnEarlierBuild: boolean): Promise<void> {
    const country = await freshCountry();
    const alertDays = app.get<number>(IMPORT_ALERT_DAYS);
    const post = async (items: unknown[]) => {
      const res = await fetch(`${base}/signals/batch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
      expect(res.status).toBe(202);
    };
    // A live report, late but news: the country escalates on its day, and subscribers are told.
    // Long enough ago for the quiet after it to take the score well below its last told level change.
    const burstDay = new Date(Date.now() - 200 * DAY);
    await post(
      Array.from({ length: 40 }, (_, i) => ({
        id: `${country}-q-${i}`,
        source: `int-quiet-${RUN}`,
        country,
        type: 'violence_against_civilians',
        subType: 'attack',
        occurredAt: burstDay.toISOString(),
        fatalities: 40,
        severity: 5,
      })),
    );
    await eventually(async () => (await inputsApplied(db, country)) === 40, 30_000, 200);
    const levelChanges = async () =>
      (
        await db.query<{ kind: string; day: string; level: string; published: boolean }>(
          `SELECT kind, to_char(day, 'YYYY-MM-DD') AS day, level, published FROM early_warning.risk_assessments WHERE country = $1 AND admin1 = '' AND kind <> 'assessed' ORDER BY id`,
          [country],
        )
      ).rows;
    const announced = await levelChanges();
    expect(announced).toContainEqual(expect.objectContaining({ kind: 'escalated', day: isoDay(burstDay), published: true }));
    const { rows: [{ last: lastBeforeQuiet }] } = await db.query<{ last: string }>('SELECT max(id) AS last FROM early_warning.risk_assessments WHERE country = $1', [country]);
    if (stateOfAnEarlierBuild) {
      // As an earlier build left it: no announced score or level in any area; the next batch loads it from the rows.
      await db.query(`UPDATE early_warning.risk_engine_areas SET state = state - 'announcedScore' - 'announcedLevel' WHERE country = $1`, [country]);
      (app.get(LiveRisk) as unknown as { engines: Map<string, unknown> }).engines.delete(country);
    }

    // Nothing for months, then one quiet report today: it closes the months between.
    await post([{ id: `${country}-q-today`, source: `int-quiet-${RUN}`, country, type: 'protests', subType: 'peaceful_protest', occurredAt: new Date(Date.now() - 60_000).toISOString(), fatalities: 0 }]);
    await eventually(async () => (await inputsApplied(db, country)) === 41, 30_000, 200);
    const windowStart = isoDay(new Date(Date.now() - alertDays * DAY));
    const closedLate = (await levelChanges()).slice(announced.length).filter((r) => r.day < windowStart);
    const down = closedLate.filter((r) => r.kind === 'deescalated');
    // The country left the announced level long ago: every step down is told, so no subscriber
    // (the console's map, an open mediation process) stays at a level the engine has left.
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((r) => r.published)).toBe(true);
    // Nothing else of those months is told, of any kind and in any area: subscribers take levels
    // from RiskAssessed as well.
    const { rows: history } = await db.query<{ kind: string; admin1: string; published: boolean }>(
      `SELECT kind, admin1, published FROM early_warning.risk_assessments WHERE country = $1 AND id > $2 AND day < $3::date ORDER BY id`,
      [country, lastBeforeQuiet, windowStart],
    );
    expect(history.filter((r) => r.kind === 'assessed').length).toBeGreaterThan(0);
    expect(history.filter((r) => r.published && r.kind !== 'deescalated')).toEqual([]);
    // And on Kafka: the old days brought exactly those de-escalations.
    await allAnnounced(country);
    const told = announcedDays(country).filter((a) => a.day < windowStart && a.day > isoDay(burstDay));
    expect(told.map((a) => a.type)).toEqual(history.filter((r) => r.published).map(() => CE_RISK_DEESCALATED));

    // The score subscribers were last told (the console's board shows it) is the one early-warning
    // has now, within the material delta: today's assessment is measured from what was told, not
    // from the history assessed since, which nobody saw.
    const toldScores = risk
      .filter((e) => e.key === country)
      .map(({ type: ce_type, data: payload }) =>
        ce_type === CE_RISK_ASSESSED ? decodeEvent(CE_RISK_ASSESSED, payload) : decodeEvent(ce_type === CE_RISK_ESCALATED ? CE_RISK_ESCALATED : CE_RISK_DEESCALATED, payload),
      )
      .filter((e) => e.admin1 === '');
    const { rows: [current] } = await db.query<{ score: number }>(`SELECT score FROM early_warning.risk_current WHERE country = $1 AND admin1 = ''`, [country]);
    expect(Math.abs(toldScores[toldScores.length - 1].score - current.score)).toBeLessThan(DEFAULT_RISK_PARAMETERS.materialDelta);

    // A second quiet report moves the score too little to be told: the current risk's drivers are
    // still those of the latest assessment (two protests), not of the last one emitted (one).
    const { rows: [{ last: lastBeforeSecond }] } = await db.query<{ last: string }>('SELECT max(id) AS last FROM early_warning.risk_assessments WHERE country = $1', [country]);
    await post([{ id: `${country}-q-today-2`, source: `int-quiet-${RUN}`, country, type: 'protests', subType: 'peaceful_protest', occurredAt: new Date(Date.now() - 30_000).toISOString(), fatalities: 0 }]);
    await eventually(async () => (await inputsApplied(db, country)) === 42, 30_000, 200);
    const { rows: [now] } = await db.query<{ drivers: Array<{ kind: string; count: number }> }>(`SELECT drivers FROM early_warning.risk_current WHERE country = $1 AND admin1 = ''`, [country]);
    expect(now.drivers.filter((d) => d.kind === 'protests')).toEqual([expect.objectContaining({ count: 2 })]);
    const { rows: [{ n }] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM early_warning.risk_assessments WHERE country = $1 AND id > $2`, [country, lastBeforeSecond]);
    expect(n).toBe(0);
  }
});
