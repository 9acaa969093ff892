import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { riskTrendDeltaOf } from '@crisis-ops/contracts';
import { CLOCK, type Clock } from '@crisis-ops/domain-kernel';
import { EventPublisher } from '@crisis-ops/service-kit';
import { dayOf, RiskEngine, type Announcing, type RiskEngineSnapshot, type RiskEvent, type RiskLevel, type RiskObservation, type RiskSignal } from '../domain';
import { dayOfEvent, publishesDay, toPublished, type RiskOrigin } from './risk-publication';
import { attributionsOf } from './data-attribution';
import { changedAreas, joinSnapshot, splitSnapshot } from './engine-store';
import type { AreaSnapshot } from '../domain/risk-area';
import { loadContext, RecordedContext } from '../context/recorded-context';
import { requestAfter, requestColumns, requestOfColumns, type RequestInProgress } from './request-news';

export const IMPORT_ALERT_DAYS = Symbol('IMPORT_ALERT_DAYS');

/** The cached engine of a country is behind its row; the consumer's retry reloads it. */
export class StaleEngineError extends Error {
  constructor(country: string) {
    super(`risk engine state of ${country} changed elsewhere; reloading`);
    this.name = 'StaleEngineError';
  }
}

interface LiveInputBase {
  readonly origin: RiskOrigin;
  /** Runs the staging of this input's risk events in its own trace (batch consumers). */
  readonly within?: <T>(fn: () => T) => T;
}

/** A recorded signal (SignalRecorded). */
export interface LiveSignal extends LiveInputBase {
  readonly signal: RiskSignal;
  /** Assess the open day after this signal (the last of its country in its intake request). */
  readonly assessAfter: boolean;
  /** Its request's earliest occurredAt (request_earliest_occurred_at); undefined on older events. */
  readonly requestEarliest?: Date;
}

/** An imported aggregate observation (AggregateObserved). */
export interface LiveObservation extends LiveInputBase {
  readonly observation: RiskObservation;
}

export type LiveInput = LiveSignal | LiveObservation;

export const countryOfInput = (input: LiveInput): string => ('signal' in input ? input.signal.country : input.observation.country);

/**
 * The event-time day of an input: what the engine opens for it (a signal's occurredAt, an
 * observation's first day). Days before it that the input closes were decided by earlier inputs,
 * so their events are published by age whatever the input's origin (see publishesDay), unless its
 * intake request reported them itself (RequestInProgress).
 */
export const dayOfInput = (input: LiveInput): Date => ('signal' in input ? input.signal.occurredAt : input.observation.periodStart);

export type SteppedEvent = { readonly e: RiskEvent; readonly provisional: boolean };

/**
 * Feeds one input to its country's engine and returns what it caused: the assessments of the days
 * it closed, then, after the last signal of a request, the provisional ones of the open day.
 *
 * An observation never assesses the open day. That assessment exists so a burst of live reports
 * escalates the day it happens instead of the next; an aggregate is a count over a past period,
 * published after the fact, with nothing to be early about, and its days are judged as they close,
 * exactly as `npm run backtest` judges them. It would also need a request boundary the consumer
 * cannot see: an import batch holds many observations of a country (areas × months), so assessing
 * after each would raise a level step by step within one import (what `lastInRequest` prevents for
 * signals), and assessing per Kafka batch would make results depend on batching. The cost: an
 * aggregate moves the board when a later input of its country closes its days (the next period's
 * observation, a signal of a later day), not on arrival.
 */
export function step(engine: RiskEngine, input: LiveInput, announcing?: Announcing): SteppedEvent[] {
  if ('observation' in input) return engine.ingestObservation(input.observation, announcing).map((e) => ({ e, provisional: false }));
  const closed = engine.ingestSignal(input.signal, announcing);
  const provisional = input.assessAfter ? engine.assessOpenDay(announcing) : [];
  return [...closed.map((e) => ({ e, provisional: false })), ...provisional.map((e) => ({ e, provisional: true }))];
}

/** Inputs grouped by country, each country's in the given order (the order that matters). */
export function byCountry(inputs: readonly LiveInput[]): Map<string, LiveInput[]> {
  const groups = new Map<string, LiveInput[]>();
  for (const input of inputs) {
    const country = countryOfInput(input);
    const list = groups.get(country);
    if (list) list.push(input);
    else groups.set(country, [input]);
  }
  return groups;
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** An area snapshot (or one of its admin1s) taken before the engine kept what subscribers were told. */
const lacksAnnounced = (area: AreaSnapshot): boolean => !('announcedLevel' in area) || area.children.some(lacksAnnounced);

type Step = { readonly input: LiveInput; readonly events: readonly SteppedEvent[] };

/**
 * Runs the RiskEngine at event time, one engine per country (the country and its admin1s), its state
 * persisted per area (only the areas a batch changed are rewritten) under a per-country row whose
 * input count (column `signals`, observations included) guards against a stale cached engine.
 * Called inside the inbox transaction of a batch of SignalRecorded and AggregateObserved events:
 * snapshots, assessments, current risk and the staged risk events commit together or not at all,
 * and redelivered events are skipped by the inbox.
 *
 * Live vs replay: the engine sees each country's signals and observations in partition (= commit)
 * order; days close when a later day's input of the country arrives, exactly as in `npm run
 * backtest` (which sorts a file by event time first, as an import writes it; reports sent to the
 * API come in the order they are recorded). The live path adds one thing: after the last signal of a request it assesses the still-open day as of that signal
 * (RiskEngine.assessOpenDay), which can only raise a level, dated that day, with the id the close
 * would give. So for the same input a replay yields the same escalations on the same days; live may
 * announce one before its day closes. Batching changes how often state is written, never what the
 * engine sees.
 *
 * Context (`risk_context`, e.g. an agreement reached in mediation) comes from another topic, so it
 * has no place in a country's partition order: it is read at the start of each batch of the country
 * and applies by event day to the days assessed from then on. Days assessed before it was recorded
 * are not revised (like a late report); a replay made after it was recorded applies it to all its days.
 */
@Injectable()
export class LiveRisk {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IMPORT_ALERT_DAYS) private readonly importAlertDays: number,
  ) {}

  /**
   * Engines of the countries this consumer handled, with the `signals` count their row had: the
   * country's partition is consumed by one member at a time, so the cache is almost always current;
   * the conditional update below notices when it is not (another member, a rolled-back transaction)
   * and the retry reloads from the row.
   */
  private readonly engines = new Map<string, { engine: RiskEngine; version: number; written: Map<string, string>; context: RecordedContext; request: RequestInProgress | null }>();

  /** Applies signals and observations in the given order (per country, the order that matters), in the caller's transaction. */
  async apply(m: EntityManager, inputs: readonly LiveInput[]): Promise<RiskEvent[]> {
    const groups = byCountry(inputs);
    const events: RiskEvent[] = [];
    // What each country's data owes, for the events staged (ACLED's terms: subscribers show it with
    // the risk). Read once per transaction for all its countries, and only when something is staged:
    // most batches publish nothing. The intake recorded the (source, country) pairs before the events
    // that brought the inputs here were sent, so they are there to read.
    let owed: Promise<Map<string, string[]>> | undefined;
    const owedBy = (country: string) => (owed ??= attributionsOf(m, [...groups.keys()])).then((all) => all.get(country) ?? []);
    try {
      // Countries in code order, so this transaction takes their outbox key locks in the order every
      // other writer does (appendToOutbox sorts them): in first-seen order it could deadlock with an
      // import staging the same countries, and Postgres would abort one of the two.
      for (const country of [...groups.keys()].sort()) events.push(...(await this.applyCountry(m, country, groups.get(country) as LiveInput[], owedBy)));
    } catch (err) {
      // The transaction will roll back: engines already advanced for this batch must be reloaded,
      // not found stale one retry at a time.
      for (const country of groups.keys()) this.engines.delete(country);
      throw err;
    }
    return events;
  }

  private async applyCountry(
    m: EntityManager,
    country: string,
    inputs: readonly LiveInput[],
    owedBy: (country: string) => Promise<string[]>,
  ): Promise<RiskEvent[]> {
    // The cache entry is taken out while in use and only put back after the rows were written.
    const loaded = !this.engines.has(country);
    const cached = this.engines.get(country) ?? (await this.load(m, country));
    this.engines.delete(country);
    const { engine, version, written, context } = cached;
    let request = cached.request;
    // Read per batch, not kept with the engine: an agreement recorded since (another topic, another
    // transaction) weighs from this batch on. Rows expired before the open day can no longer matter.
    context.replace(await loadContext(m, country, engine.currentDay));
    const steps: Step[] = [];
    let assessedOpenDay = false;
    const now = this.clock.now();
    for (const input of inputs) {
      let reported: ReadonlySet<number> | undefined;
      if ('signal' in input) {
        const requestEarliest = input.requestEarliest ? input.requestEarliest.getTime() : null;
        request = requestAfter(request, { day: dayOf(input.signal.occurredAt), requestEarliest }, engine.currentDay && dayOf(engine.currentDay));
        reported = request.days;
      }
      const inputDay = dayOfInput(input);
      // What subscribers are told is engine state (a news day's score is measured from what they
      // were last told), so the engine applies the publication rule and marks each event.
      const events = step(engine, input, {
        isNews: (day) => publishesDay(day, input.origin, now, this.importAlertDays, inputDay, reported),
        // Corrections of the told level are brought by live inputs only: an import stays history.
        corrects: input.origin === 'api',
      });
      if ('signal' in input && input.assessAfter) {
        assessedOpenDay = true;
        // The last signal of its request: the next one begins another.
        request = null;
      }
      if (events.length > 0) steps.push({ input, events });
    }

    const split = splitSnapshot(engine.snapshot());
    const changed = changedAreas(split, written);
    // Areas stored that the engine no longer has: spellings of one admin1 kept apart by an engine of
    // an earlier version, merged into one area on restore (AreaState.restore). Their rows go, or the
    // next load would add their activity again (their risk_current rows: saveCurrent).
    const removed = [...written.keys()].filter((admin1) => !split.areas.has(admin1));
    // One statement: the engine row (guarded by its input count) and the areas that changed.
    const engineRow =
      version === 0
        ? `INSERT INTO risk_engines (country, snapshot, signals, request_earliest, request_days) SELECT $1, $2::jsonb, $6::bigint, $7::bigint, $8::int[] WHERE $3::bigint = 0 ON CONFLICT (country) DO NOTHING RETURNING country`
        : // request_news_from is the build before's: cleared, so a replica of it that gets the
          // partition back during a rolling upgrade does not take up a request long over.
          `UPDATE risk_engines SET snapshot = $2::jsonb, signals = signals + $6::bigint, request_earliest = $7::bigint, request_days = $8::int[], request_news_from = NULL, updated_at = now() WHERE country = $1 AND signals = $3::bigint RETURNING country`;
    const [{ n }]: Array<{ n: number }> = await m.query(
      `WITH e AS (${engineRow}),
            a AS (INSERT INTO risk_engine_areas (country, admin1, state)
                  SELECT e.country, x.a, x.s FROM e, unnest($4::text[], $5::jsonb[]) AS x(a, s)
                  ON CONFLICT (country, admin1) DO UPDATE SET state = EXCLUDED.state),
            d AS (DELETE FROM risk_engine_areas r USING e WHERE r.country = e.country AND r.admin1 = ANY($9::text[]))
       SELECT count(*)::int AS n FROM e`,
      [country, JSON.stringify(split.header), version, changed.map(([a]) => a), changed.map(([, json]) => json), inputs.length, ...requestColumns(request), removed],
    );
    if (n === 0) throw new StaleEngineError(country);
    // Valid once this transaction commits; if it does not, the row keeps `version` and the next use reloads.
    this.engines.set(country, { engine, version: version + inputs.length, written: new Map(split.areas), context, request });
    const all = steps.flatMap((step) => step.events.map((x) => ({ ...x, origin: step.input.origin })));
    // Also on the first batch after a load: the engine restored may have merged areas (see saveCurrent).
    if (all.length > 0 || assessedOpenDay || loaded) await this.saveCurrent(m, engine, all.map((x) => x.e));
    if (all.length === 0) return [];

    const published = all.map(({ e }) => e.announced === true);
    await m.query(
      `INSERT INTO risk_assessments (country, admin1, kind, day, score, level, previous_level, escalation_id, drivers, origin, provisional, published, told_late)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[], $11::bool[], $12::bool[], $13::bool[])`,
      [
        all.map(({ e }) => e.country),
        all.map(({ e }) => e.admin1 ?? ''),
        all.map(({ e }) => (e.type === 'RiskAssessed' ? 'assessed' : e.type === 'RiskEscalated' ? 'escalated' : 'deescalated')),
        all.map(({ e }) => isoDay(dayOfEvent(e))),
        all.map(({ e }) => e.score),
        all.map(({ e }) => (e.type === 'RiskAssessed' ? e.level : e.newLevel)),
        all.map(({ e }) => (e.type === 'RiskAssessed' ? null : e.previousLevel)),
        all.map(({ e }) => (e.type === 'RiskAssessed' ? null : e.escalationId)),
        all.map(({ e }) => JSON.stringify(e.drivers)),
        all.map(({ origin }) => origin),
        all.map((x) => x.provisional),
        published,
        all.map(({ e }) => e.type !== 'RiskAssessed' && e.toldLate === true),
      ],
    );
    // Each input's events are staged in its own trace, so an escalation continues the trace of the
    // signal or observation that caused it.
    let i = 0;
    const attributions = published.some(Boolean) ? await owedBy(country) : [];
    for (const { input, events } of steps) {
      const toStage = events.filter((_, j) => published[i + j]).map(({ e, provisional }) => toPublished(e, input.origin, provisional, attributions));
      i += events.length;
      if (toStage.length === 0) continue;
      const stage = () => this.publisher.stage(m, toStage);
      await (input.within ? input.within(stage) : stage());
    }
    return all.map((x) => x.e);
  }

  private async load(m: EntityManager, country: string) {
    const rows: Array<{ snapshot: RiskEngineSnapshot; signals: string; request_earliest: string | null; request_days: number[] | null }> = await m.query(
      'SELECT snapshot, signals, request_earliest, request_days FROM risk_engines WHERE country = $1',
      [country],
    );
    // The engine keeps its provider for life; applyCountry fills it for each batch.
    const context = new RecordedContext(country);
    if (rows.length === 0) return { engine: new RiskEngine({ context }), version: 0, written: new Map<string, string>(), context, request: null };
    const areas: Array<{ admin1: string; state: AreaSnapshot }> = await m.query('SELECT admin1, state FROM risk_engine_areas WHERE country = $1', [country]);
    const snapshot = joinSnapshot(rows[0].snapshot, areas);
    // What the rows hold now (none if the header still carries the areas: they are all written next).
    const written = rows[0].snapshot.areas.length > 0 ? new Map<string, string>() : new Map(splitSnapshot(snapshot).areas);
    const engine = RiskEngine.restore(snapshot, { context });
    if (snapshot.areas.some(lacksAnnounced)) {
      // Taken before the engine kept what subscribers were told: that is the newest published event of each area.
      const told: Array<{ admin1: string; level: RiskLevel; score: number }> = await m.query(
        `SELECT DISTINCT ON (admin1) admin1, level, score FROM risk_assessments WHERE country = $1 AND published ORDER BY admin1, id DESC`,
        [country],
      );
      for (const t of told) engine.recallAnnounced(country, t.admin1 === '' ? null : t.admin1, t.level, t.score);
    }
    return { engine, version: Number(rows[0].signals), written, context, request: requestOfColumns(rows[0].request_earliest === null ? null : Number(rows[0].request_earliest), rows[0].request_days) };
  }

  /**
   * Current score and level of every area of the country; trend from this step's emitted assessments,
   * drivers from its latest ones (emitted or not). Rows of areas the engine does not have go: spellings
   * of one admin1 an earlier version kept apart, merged on restore, would show on /risk beside it.
   */
  private async saveCurrent(m: EntityManager, engine: RiskEngine, events: readonly RiskEvent[]): Promise<void> {
    const areas = engine.current();
    if (areas.length === 0) return;
    await m.query(`DELETE FROM risk_current WHERE country = $1 AND NOT (admin1 = ANY($2::text[]))`, [areas[0].country, areas.map((a) => a.admin1 ?? '')]);
    const assessed = new Map<string, RiskEvent>();
    for (const e of events) if (e.type === 'RiskAssessed') assessed.set(`${e.country}/${e.admin1 ?? ''}`, e);
    const explained = new Map(engine.takeExplanations().map((x) => [`${x.country}/${x.admin1 ?? ''}`, x.drivers]));
    const asOf = engine.currentDay ? isoDay(engine.currentDay) : null;
    const trend = areas.map((a) => {
      const e = assessed.get(`${a.country}/${a.admin1 ?? ''}`);
      return e?.type === 'RiskAssessed' ? riskTrendDeltaOf(e.score, e.previousScore) : null;
    });
    await m.query(
      `INSERT INTO risk_current (country, admin1, score, level, level_since, assessed_day, trend_delta, drivers)
       SELECT c, a, s, l, ls, $6::date, t, d
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::date[], $7::float8[], $8::jsonb[]) AS x(c, a, s, l, ls, t, d)
       ON CONFLICT (country, admin1) DO UPDATE SET
         score = EXCLUDED.score, level = EXCLUDED.level, level_since = EXCLUDED.level_since, assessed_day = EXCLUDED.assessed_day,
         trend_delta = COALESCE(EXCLUDED.trend_delta, risk_current.trend_delta),
         drivers = COALESCE(EXCLUDED.drivers, risk_current.drivers),
         updated_at = now()`,
      [
        areas.map((a) => a.country),
        areas.map((a) => a.admin1 ?? ''),
        areas.map((a) => a.score),
        areas.map((a) => a.level),
        areas.map((a) => isoDay(a.levelSince)),
        asOf,
        trend,
        areas.map((a) => {
          const drivers = explained.get(`${a.country}/${a.admin1 ?? ''}`);
          return drivers ? JSON.stringify(drivers) : null;
        }),
      ],
    );
  }
}
