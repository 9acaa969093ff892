import { NOTHING_OBSERVED, observe, type DaySpan, type ObservedDays } from './observed-days';
import { AreaState, reverseEscalations, tellEscalation, type AreaSnapshot, type Contribution } from './risk-area';
import { admin1Key, NO_CONTEXT, type RiskContextProvider } from './risk-context';
import type { RiskDriver, RiskEvent } from './risk-events';
import { DEFAULT_RISK_PARAMETERS, type RiskLevel, type RiskParameters } from './risk-parameters';
import { isEscalation, levelRank, nextLevel, observationWeight, scoreParts, signalWeight } from './risk-score';
import type { AggregateObservation } from './aggregate-observation';
import { correctsAnnouncedLevel, tellHeldLevel, tellLate, type Announcing, type Telling } from './announcement';
import { explainScore } from './risk-drivers';
import type { Signal } from './signal';
import { dateOfDay, dayOf, isoDay } from './utc-day';

/** What the engine needs of a signal. */
export type RiskSignal = Pick<Signal, 'country' | 'admin1' | 'occurredAt' | 'type' | 'subType' | 'fatalities' | 'severity'>;
/** What the engine needs of an aggregate observation. */
export type RiskObservation = Pick<AggregateObservation, 'country' | 'admin1' | 'periodStart' | 'periodEnd' | 'events' | 'fatalities'>;

export interface RiskEngineOptions {
  readonly parameters?: RiskParameters;
  readonly context?: RiskContextProvider;
  /** Since when the input covers the world; defaults to the day of the first input. Before it the baseline is unknown, not zero. */
  readonly observedSince?: Date;
}

export interface AreaRisk {
  readonly country: string;
  readonly admin1: string | null;
  readonly score: number;
  readonly level: RiskLevel;
  /** Day the current level was entered, 00:00 UTC. */
  readonly levelSince: Date;
}

/** Everything a RiskEngine knows, as plain JSON: persist it, restore it, and the engine carries on as if never stopped. */
export interface RiskEngineSnapshot {
  readonly version: 1;
  readonly openDay: number | null;
  readonly observedSinceDay: number | null;
  /** Spans of late reports kept apart from the history T counts (observed-days.ts); absent in snapshots of earlier builds. */
  readonly observedEarlier?: readonly DaySpan[];
  readonly pending: ReadonlyArray<readonly [number, ReadonlyArray<{ readonly country: string; readonly admin1: string | null; readonly c: Contribution }>]>;
  readonly areas: readonly AreaSnapshot[];
}

/**
 * Turns signals and aggregate observations into per-country and per-admin1 risk, at event time.
 *
 * Time moves in whole UTC days and only with the input: a day is assessed when it closes, i.e. when
 * the first input of a later day arrives or `closeThrough` is called (the backtest, at the end of its input).
 * All inputs of one day are applied before the day is assessed, so their order within the day does
 * not matter. An input for a day already closed (a late report) is added with the decay its age
 * implies; assessments already made are not revised. The same input in the same order gives the
 * same events, bit for bit: nothing here reads a clock or random numbers. A live service also says
 * what it tells subscribers (`Announcing`, which depends on its clock): that marks events and adds
 * assessments to what is emitted, and never changes a score or a level.
 *
 * Aggregate observations are spread evenly over the days of their period (a month of 30 events is
 * one event a day), so they flow through the same accumulators as signals; days of the period that
 * are still open are queued and applied as the days open.
 */
export class RiskEngine {
  readonly parameters: RiskParameters;
  private readonly context: RiskContextProvider;
  private readonly countries = new Map<string, AreaState>();
  private readonly pending = new Map<number, { country: string; admin1: string | null; c: Contribution }[]>();
  private observed: ObservedDays;
  private openDay: number | undefined;

  constructor(options: RiskEngineOptions = {}) {
    this.parameters = options.parameters ?? DEFAULT_RISK_PARAMETERS;
    this.context = options.context ?? NO_CONTEXT;
    this.observed = options.observedSince ? { since: dayOf(options.observedSince), earlier: [] } : NOTHING_OBSERVED;
  }

  /** Applies a signal; returns the events of the days it closed first. */
  ingestSignal(signal: RiskSignal, announcing?: Announcing): RiskEvent[] {
    const day = dayOf(signal.occurredAt);
    const events = this.openUpTo(day, announcing);
    this.observedFrom(day);
    const weight = signalWeight(this.parameters, signal.type, signal.subType, signal.fatalities, signal.severity);
    this.apply(signal.country, signal.admin1, { day, key: signal.type, count: 1, weight });
    return events;
  }

  /** Applies an aggregate observation spread over its period; returns the events of the days it closed first. */
  ingestObservation(observation: RiskObservation, announcing?: Announcing): RiskEvent[] {
    const first = dayOf(observation.periodStart);
    const days = Math.max(1, dayOf(observation.periodEnd) - first);
    const { weight, count } = observationWeight(this.parameters, observation.events, observation.fatalities);
    const events = this.openUpTo(first, announcing);
    this.observedFrom(first);
    if (weight === 0 && count === 0) return events;
    const open = this.openDay as number;
    for (let day = first; day < first + days; day++) {
      const c: Contribution = { day, key: 'aggregate', count: count / days, weight: weight / days };
      if (day <= open) this.apply(observation.country, observation.admin1, c);
      else {
        let queue = this.pending.get(day);
        if (!queue) this.pending.set(day, (queue = []));
        queue.push({ country: observation.country, admin1: observation.admin1, c });
      }
    }
    return events;
  }

  /** Closes (assesses) every open day up to and including the day of `at`. */
  closeThrough(at: Date, announcing?: Announcing): RiskEvent[] {
    const target = dayOf(at);
    if (this.openDay === undefined) return [];
    const events: RiskEvent[] = [];
    while ((this.openDay as number) <= target) {
      events.push(...this.closeDay(this.openDay as number, announcing));
      this.openDay = (this.openDay as number) + 1;
      this.applyPending(this.openDay);
    }
    return events;
  }

  /**
   * Assesses the day still open as of the input so far (a live service calls it after the latest
   * signal, so an escalation is seen the day it happens rather than when the day closes). It only
   * ever raises a level: a raise is final (dated the open day, with the id a close would give it),
   * lowering waits for the day to close. Scores of all areas are refreshed for queries; a RiskAssessed
   * is emitted, as for a closed day, when a score moved by `materialDelta` or more since the last one
   * emitted (the level held unless it rose). Deterministic in the input and the points at which it is called.
   */
  assessOpenDay(announcing?: Announcing): RiskEvent[] {
    if (this.openDay === undefined) return [];
    const events: RiskEvent[] = [];
    for (const national of this.countries.values()) {
      this.assess(national, this.openDay, events, announcing, true);
      for (const sub of national.children.values()) this.assess(sub, this.openDay, events, announcing, true);
    }
    return events;
  }

  /**
   * The drivers of each area's latest assessment since the last call, for an engine given an
   * Announcing (a live one; a replay explains only what it emits, which is cheaper).
   */
  takeExplanations(): Array<{ readonly country: string; readonly admin1: string | null; readonly drivers: readonly RiskDriver[] }> {
    const out: Array<{ country: string; admin1: string | null; drivers: readonly RiskDriver[] }> = [];
    const take = (s: AreaState) => {
      if (s.explained) out.push({ ...s.area, drivers: s.explained });
      s.explained = null;
    };
    for (const national of this.countries.values()) {
      take(national);
      for (const child of national.children.values()) take(child);
    }
    return out;
  }

  /**
   * Sets what subscribers were last told of an area, for an engine restored from a snapshot taken
   * before it kept that (the service reads it from what it published). An area it does not know is left.
   */
  recallAnnounced(country: string, admin1: string | null, level: RiskLevel, score: number): void {
    const national = this.countries.get(country);
    const state = admin1 === null ? national : national?.children.get(admin1Key(admin1) as string);
    // Only what was told under the name the area goes by: another spelling, merged into it on
    // restore (AreaState.restore), was another area to subscribers, told apart.
    if (!state || state.area.admin1 !== admin1) return;
    state.announcedLevel = level;
    state.announcedScore = score;
  }

  /** The day inputs are currently added to (not yet assessed as closed); undefined before any input. */
  get currentDay(): Date | undefined {
    return this.openDay === undefined ? undefined : dateOfDay(this.openDay);
  }

  snapshot(): RiskEngineSnapshot {
    return {
      version: 1,
      openDay: this.openDay ?? null,
      observedSinceDay: this.observed.since ?? null,
      observedEarlier: this.observed.earlier.map((span) => [span[0], span[1]] as const),
      pending: [...this.pending].map(([day, items]) => [day, items.map((i) => ({ ...i }))] as const),
      areas: [...this.countries.values()].map((a) => a.snapshot()),
    };
  }

  /** An engine that continues from a snapshot (same parameters and context as when it was taken). */
  static restore(snapshot: RiskEngineSnapshot, options: RiskEngineOptions = {}): RiskEngine {
    const engine = new RiskEngine(options);
    const p = engine.parameters;
    engine.openDay = snapshot.openDay ?? undefined;
    engine.observed = { since: snapshot.observedSinceDay ?? engine.observed.since, earlier: (snapshot.observedEarlier ?? []).map((span) => [span[0], span[1]] as const) };
    for (const [day, items] of snapshot.pending) engine.pending.set(day, items.map((i) => ({ ...i })));
    for (const area of snapshot.areas) engine.countries.set(area.country, AreaState.restore(area, p.recentWindowDays, p.baselineWindowDays));
    return engine;
  }

  /** Current risk of every assessed area, countries first then their admin1s. */
  current(): AreaRisk[] {
    const out: AreaRisk[] = [];
    // Rounded although assess stores it rounded: a snapshot saved by a build before that kept it exact.
    const push = (s: AreaState) => out.push({ ...s.area, score: round1(s.lastScore), level: s.level, levelSince: dateOfDay(s.levelSinceDay) });
    for (const country of this.countries.values()) {
      push(country);
      for (const child of country.children.values()) push(child);
    }
    return out;
  }

  private openUpTo(day: number, announcing: Announcing | undefined): RiskEvent[] {
    if (this.openDay === undefined) {
      this.openDay = day;
      if (this.observed.since === undefined) this.observed = observe(this.observed, day);
      this.applyPending(day);
      return [];
    }
    return day > this.openDay ? this.closeThrough(dateOfDay(day - 1), announcing) : [];
  }

  /**
   * T, the days of data so far, counts from the earliest day of the history the input has joined up
   * (observed-days.ts): history imported after live reports fills the baseline as late reports and
   * moves it back, as a T that started at the first input's day would keep E inflated and the surge
   * muted for a year; a lone report dated far back does not.
   */
  private observedFrom(day: number): void {
    this.observed = observe(this.observed, day);
  }

  private applyPending(day: number): void {
    const queue = this.pending.get(day);
    if (!queue) return;
    this.pending.delete(day);
    for (const item of queue) this.apply(item.country, item.admin1, item.c);
  }

  /**
   * The areas an input counts in: its country, and its admin1 as admin1Key tells it (case, accents
   * and punctuation aside), so "Nord-Kivu", "Nord Kivu" and "NORD-KIVU" are one area, as mediation
   * and the agreement context tell them. Split by spelling, one province's activity read as several
   * quiet areas and its escalation was missed. A name that keys to nothing ("-") is no admin1.
   *
   * The area is shown under the first spelling the engine saw of it, for good: a name that followed
   * the spellings (the most frequent one, say) would rename the area as reports come in, and with it
   * its escalation ids (`country/admin1/day/level`) and the rows subscribers keep under the name
   * (the operations centre's board and alerts), which would then hold one area twice. The first
   * spelling is a function of the input order alone, so a replay of the same input in the same
   * order (live and `npm run backtest` both feed an import in event-time order) names it the same.
   */
  private area(country: string, admin1: string | null): AreaState[] {
    const p = this.parameters;
    const open = this.openDay as number;
    let national = this.countries.get(country);
    if (!national) this.countries.set(country, (national = new AreaState({ country, admin1: null }, open, p.recentWindowDays, p.baselineWindowDays)));
    const key = admin1Key(admin1);
    if (!key || !p.assessAdmin1) return [national];
    let sub = national.children.get(key);
    if (!sub) national.children.set(key, (sub = new AreaState({ country, admin1 }, open, p.recentWindowDays, p.baselineWindowDays)));
    return [national, sub];
  }

  private apply(country: string, admin1: string | null, c: Contribution): void {
    for (const state of this.area(country, admin1)) {
      state.decayTo(this.openDay as number);
      state.add(c, this.parameters.recentWindowDays);
    }
  }

  private closeDay(day: number, announcing: Announcing | undefined): RiskEvent[] {
    const events: RiskEvent[] = [];
    for (const national of this.countries.values()) {
      this.assess(national, day, events, announcing);
      for (const sub of national.children.values()) this.assess(sub, day, events, announcing);
    }
    return events;
  }

  /**
   * An assessment is emitted when its level changes or its score moved by `materialDelta` from the
   * last one emitted. For a day that is news (`announcing`), also when it moved that much from the
   * last score told (0 if none was: an area never told shows as nothing, i.e. low): an assessment
   * of history is emitted and stored but told to no one, and measured from it alone, a score could
   * drift from what subscribers show, step by step, with none of the steps told.
   * With `announcing`, every event says whether it is told (`announced`): events about a news day,
   * and a de-escalation that corrects the level subscribers were told (when `corrects`). A news day
   * at a level above the one told (reached in history, told to no one) also tells the escalation that
   * holds the area there, dated when it happened: subscribers that react to escalations (alerts,
   * mediation) would otherwise never hear of it, while the board shows the level. Likewise a news day
   * below the level told tells late the fall that took the area there, also when the day then raises it
   * (unless back to the level told: then no change is told). A change told says it is from the level
   * subscribers hold, the told level, not from one history left the area at, told to no one; a fall
   * told reverses an escalation they were told (AreaState.toldEscalations), not one history made.
   * Back at the level told, a news day also tells its assessment when the day the level was entered
   * is not the one told (AreaState.toldSinceStale): the board's "level since" is that day.
   */
  private assess(state: AreaState, day: number, events: RiskEvent[], announcing: Announcing | undefined, provisional = false): void {
    const p = this.parameters;
    state.decayTo(day);
    state.pruneWindow(day, p.recentWindowDays);
    const reference = state.area.admin1 === null ? (p.countryIntensityOverrides[state.area.country] ?? p.countryIntensityReference) : p.admin1IntensityReference;
    const parts = scoreParts(p, state.recent, state.baseline, day - (this.observed.since as number) + 1, reference);
    const adjustments = this.context.adjustmentsFor(state.area, dateOfDay(day));
    const exact = clamp(parts.base + adjustments.reduce((sum, a) => sum + a.points, 0), 0, 100);
    // The level is decided on the score as published (one decimal): an unrounded 79.96 was told as
    // "80, high" where 80 enters critical. Drivers share out the exact score, so they still sum to 1.
    const score = round1(exact);
    state.lastScore = score;
    const previousLevel = state.level;
    const next = nextLevel(p, previousLevel, score, day - state.levelSinceDay);
    // An open day's assessment may raise the level but never lower it: lowering waits for the close.
    // Its score is published like any other when it moved materially, so that what subscribers show
    // (the operations centre's board) follows the open day as this service's own queries do.
    const level = provisional && !isEscalation(previousLevel, next) ? previousLevel : next;
    const movedFrom = (last: number | null) => last === null || Math.abs(score - last) >= p.materialDelta;
    let news: boolean | undefined;
    const isNews = () => (news ??= announcing?.isNews(dateOfDay(day)) ?? false);
    // A live engine explains every assessment, emitted or not: the current score a query shows is
    // the latest one, and its drivers must be its own, not those of the last emitted (months older).
    const explained = announcing ? (state.explained = explainScore(this.parameters, state, parts, exact, adjustments, day)) : undefined;
    // What subscribers were told of this area before this assessment (nothing reads as low).
    const toldBefore = state.announcedLevel ?? 'low';
    // A news day also tells an assessment when subscribers hold another day the level was entered
    // (AreaState.toldSinceStale), though neither level nor score moved: once, as it is then told.
    const newsToTell = () => isNews() && (movedFrom(state.announcedScore ?? 0) || level !== toldBefore || state.toldSinceStale());
    if (level === previousLevel && !movedFrom(state.lastEmittedScore) && !newsToTell()) return;
    const levelSinceDay = level === previousLevel ? state.levelSinceDay : day;

    const drivers = explained ?? explainScore(this.parameters, state, parts, exact, adjustments, day);
    const window = { windowStart: dateOfDay(day - p.recentWindowDays + 1), windowEnd: dateOfDay(day + 1) };
    const common = { country: state.area.country, admin1: state.area.admin1, score, drivers, ...window };
    events.push({
      type: 'RiskAssessed',
      ...common,
      level,
      previousScore: state.lastEmittedScore === null ? null : round1(state.lastEmittedScore),
      assessedAt: dateOfDay(day),
      levelSince: dateOfDay(levelSinceDay),
      ...(announcing && { announced: isNews() }),
    });
    state.lastEmittedScore = score;
    if (isNews()) state.tell(score, level, levelSinceDay);
    // What subscribers are told beyond the assessment (announcement.ts): a live engine's, on a news day.
    const telling: Telling | undefined = announcing && isNews() ? { state, common, toldBefore, events } : undefined;
    if (level === previousLevel) {
      if (telling) tellHeldLevel(telling, level, next, provisional);
      return;
    }

    const up = isEscalation(previousLevel, level);
    // A news day's rise from a level below the one told (the area fell in history, told to no one):
    // the fall is told late first, as it happened. Told the rise alone, subscribers would keep the
    // level they were told (an alert, a mediation trigger) beside the new one, which is lower. Back to
    // the level told, neither is told: subscribers hold it (its alert, its process), as when a fall lands on it.
    const fromBelowTold = up && isNews() && levelRank(previousLevel) < levelRank(toldBefore);
    const backToTold = fromBelowTold && level === toldBefore;
    if (telling && fromBelowTold && !backToTold) tellLate(telling, previousLevel);
    // A change told is from the level subscribers hold, not one history left the area at, told to no
    // one (told low, elevated in history, high today: low → high, where elevated → high was told).
    const heldBefore = fromBelowTold ? previousLevel : toldBefore;
    let escalationId: string;
    if (up) {
      escalationId = `${state.area.country}/${state.area.admin1 ?? '-'}/${isoDay(day)}/${level}`;
      state.lastEscalationId = escalationId;
      state.escalations.push([previousLevel, level, escalationId]);
    } else {
      escalationId = reverseEscalations(state.escalations, level) ?? state.lastEscalationId ?? `${state.area.country}/${state.area.admin1 ?? '-'}/none`;
    }
    const change: RiskEvent = { type: up ? 'RiskEscalated' : 'RiskDeescalated', ...common, escalationId, previousLevel, newLevel: level, at: dateOfDay(day) };
    if (announcing) {
      // An escalation is told on a news day. A de-escalation is told when it takes the area below
      // the level told before (on a news day, or as a correction of a live input's history); one
      // from a level never told to a level still above the told one would undo what nobody heard
      // of: then the level it leaves the area at is told late instead.
      const told = up ? isNews() && !backToTold : (isNews() || announcing.corrects) && correctsAnnouncedLevel(change, toldBefore);
      // A fall told reverses the escalation subscribers hold, which history told to no one may have
      // replaced on the area's own path (a fall and a rise, or back at the told level, a rise untold).
      const toldId = !told ? escalationId : up ? tellEscalation(state, heldBefore, level, escalationId) : (reverseEscalations(state.toldEscalations, level) ?? escalationId);
      events.push(told ? { ...change, escalationId: toldId, previousLevel: heldBefore, announced: true } : { ...change, announced: false });
      if (told) state.tell(score, level, day);
      if (telling && !up && !told) tellLate(telling, level);
    } else events.push(change);
    state.level = level;
    state.levelSinceDay = day;
  }

}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const round1 = (x: number): number => Math.round(x * 10) / 10;
