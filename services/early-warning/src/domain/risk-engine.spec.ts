import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RISK_PARAMETERS,
  RiskEngine,
  SIGNAL_TYPES,
  nextLevel,
  type RiskContextProvider,
  type RiskEvent,
  type RiskLevelChange,
  type RiskSignal,
  type SignalType,
} from './index';

const DAY = 86_400_000;
const day0 = Date.UTC(2020, 0, 1);
const on = (d: number): Date => new Date(day0 + d * DAY);

function signal(d: number, type: SignalType = 'battles', fatalities = 0, admin1: string | null = 'North'): RiskSignal {
  return { country: 'BFA', admin1, occurredAt: on(d), type, subType: null, fatalities, severity: null };
}

/** Feeds signals (any order within a day is fine) and closes through `until`; returns every event. */
function run(engine: RiskEngine, signals: RiskSignal[], until: number): RiskEvent[] {
  const events: RiskEvent[] = [];
  for (const s of signals) events.push(...engine.ingestSignal(s));
  events.push(...engine.closeThrough(on(until)));
  return events;
}

const transitions = (events: RiskEvent[], admin1: string | null = null): RiskLevelChange[] =>
  events.filter((e): e is RiskLevelChange => e.type !== 'RiskAssessed' && e.admin1 === admin1);

/** A quiet year: one battle without deaths a week. */
const quietYear = (): RiskSignal[] => Array.from({ length: 52 }, (_, w) => signal(w * 7));

/** Two weeks of 60 attacks on civilians, 3 deaths each, from `start`. */
const burst = (start: number): RiskSignal[] => Array.from({ length: 60 }, (_, i) => signal(start + Math.floor(i / 4.3), 'violence_against_civilians', 3));

describe('RiskEngine', () => {
  const quietThen = (flare: RiskSignal[]): RiskSignal[] => [
    ...Array.from({ length: 400 }, (_, d) => signal(d, 'battles', 0, null)),
    ...flare,
    ...Array.from({ length: 200 }, (_, d) => signal(420 + d, 'battles', 0, null)),
  ];
  const ids = (events: RiskEvent[]) => transitions(events).map((e) => `${e.type === 'RiskEscalated' ? 'up' : 'down'} ${e.previousLevel}->${e.newLevel} ${e.escalationId.split('/').slice(2).join('/')}`);

  it('given a level reached, then every later assessment at that level says since when, and one that changes it says its own day', () => {
    const events = run(new RiskEngine(), quietThen(burst(400)), 640).filter((e) => e.admin1 === null);
    const changes = transitions(events);
    expect(changes.length).toBeGreaterThan(1);
    let since: Date | undefined;
    for (const e of events) {
      if (e.type !== 'RiskAssessed') continue;
      const change = changes.find((c) => c.at.getTime() === e.assessedAt.getTime());
      if (change) since = change.at;
      if (since) expect(e.levelSince, e.assessedAt.toISOString().slice(0, 10)).toEqual(since);
    }
  });

  it('given an area with all the battles, then its area driver counts what the battles driver counts, over the same window', () => {
    const mopti = Array.from({ length: 160 }, (_, i) => signal(Math.floor(i / 8), 'battles', 3, 'Mopti'));
    const bamako = Array.from({ length: 100 }, (_, d) => signal(20 + d, 'protests', 0, 'Bamako'));
    const national = transitions(run(new RiskEngine(), [...mopti, ...bamako], 130));
    expect(national.length).toBeGreaterThan(0);
    for (const e of national) {
      const battles = e.drivers.find((d) => d.kind === 'battles')?.count ?? 0;
      const area = e.drivers.find((d) => d.kind === 'area' && d.area === 'Mopti')?.count ?? 0;
      expect(area, `${e.type} ${e.at.toISOString().slice(0, 10)}`).toBe(battles);
    }
  });

  it('given escalations step by step, when the flare ends, then each de-escalation names the escalation it reverses', () => {
    const flare = Array.from({ length: 160 }, (_, i) => signal(400 + Math.floor(i / 8), 'battles', 3, null));
    expect(ids(run(new RiskEngine(), quietThen(flare), 640))).toEqual([
      'up low->elevated 2021-02-04/elevated',
      'up elevated->high 2021-02-07/high',
      'up high->critical 2021-02-12/critical',
      'down critical->high 2021-02-12/critical',
      'down high->elevated 2021-02-07/high',
      'down elevated->low 2021-02-04/elevated',
    ]);
  });

  it('given one escalation straight to critical, then every step down reverses that one, also after a restore from an older snapshot', () => {
    const flare = Array.from({ length: 140 }, () => signal(400, 'battles', 5, null));
    const events = run(new RiskEngine(), quietThen(flare), 640);
    expect(new Set(transitions(events).map((e) => e.escalationId)).size).toBe(1);
    // A snapshot from before escalations in force (and those told) were kept: restored, the latest escalation holds the level.
    const engine = new RiskEngine();
    run(engine, quietThen(flare).filter((s) => s.occurredAt.getTime() <= on(410).getTime()), 409);
    const old = engine.snapshot();
    const legacy = { ...old, areas: old.areas.map(({ escalations: _escalations, toldEscalations: _told, ...a }) => a) };
    const restored = run(RiskEngine.restore(legacy), quietThen(flare).filter((s) => s.occurredAt.getTime() > on(410).getTime()), 640);
    expect(new Set(transitions(restored).map((e) => e.escalationId))).toEqual(new Set(transitions(events).map((e) => e.escalationId)));
  });

  it('given history that arrives after a live report (an export is newest first), then the levels are those of the same data in day order', () => {
    const history = Array.from({ length: 700 }, (_, d) => signal(d, 'battles', 1, null));
    const flare = Array.from({ length: 63 }, (_, i) => signal(720 + Math.floor(i / 3), 'battles', 2, null));
    const inDayOrder = transitions(run(new RiskEngine(), [...history, signal(700, 'battles', 0, null), ...flare], 740));
    const liveFirst = transitions(run(new RiskEngine(), [signal(700, 'battles', 0, null), ...history, ...flare], 740));
    expect(inDayOrder.map((e) => e.newLevel)).toContain('high');
    expect(liveFirst).toEqual(inDayOrder);
  });

  it('given a week of battles, when one old report without deaths comes late (a year back, or a typo\'s 1926), then the level holds and the score barely moves', () => {
    // A quiet country's first week of reports, live: elevated at most.
    const week = Array.from({ length: 40 }, (_, i) => signal(730 + Math.floor(i / 5), 'battles', 5, null));
    for (const lateDay of [730 - 365, Math.round((Date.UTC(1926, 0, 1) - day0) / DAY)]) {
      const engine = new RiskEngine();
      const before = run(engine, week, 737);
      const scoreBefore = engine.current().find((a) => a.admin1 === null)?.score as number;
      const levelBefore = engine.current().find((a) => a.admin1 === null)?.level;
      const after = [...engine.ingestSignal({ ...signal(lateDay, 'protests', 0, null), occurredAt: on(lateDay) }), ...engine.closeThrough(on(738))];
      // Taken as the start of the data it made T decades long: E collapsed, the surge term went to 1
      // and the country escalated to high on one protest (mediation then proposed a process).
      expect(transitions(after), `late report of day ${lateDay}`).toEqual([]);
      expect(engine.current().find((a) => a.admin1 === null)?.level).toBe(levelBefore);
      expect(Math.abs((engine.current().find((a) => a.admin1 === null)?.score as number) - scoreBefore)).toBeLessThan(2);
      expect(transitions(before).every((t) => t.newLevel !== 'high' && t.newLevel !== 'critical')).toBe(true);
      // Kept apart across a restart: the snapshot holds it.
      expect(engine.snapshot().observedEarlier).toEqual([[day0 / DAY + lateDay, day0 / DAY + lateDay]]);
      expect(RiskEngine.restore(engine.snapshot()).snapshot()).toEqual(engine.snapshot());
    }
  });

  it('given a quiet year, when a burst of deadly attacks follows, then the country escalates to high or critical within the burst, naming the attacks', () => {
    const engine = new RiskEngine();
    const before = run(engine, quietYear(), 364);
    expect(transitions(before)).toEqual([]);

    const events = run(engine, burst(365), 365 + 14);
    const up = transitions(events).filter((t) => t.type === 'RiskEscalated');
    expect(up.length).toBeGreaterThan(0);
    const last = up[up.length - 1];
    expect(['high', 'critical']).toContain(last.newLevel);
    // Within the burst: high is reached on one of its 14 days, not only once it is over.
    const reached = up.find((t) => t.newLevel === 'high' || t.newLevel === 'critical');
    expect(reached?.at.getTime()).toBeLessThan(on(365 + 14).getTime());
    expect(last.drivers[0]).toMatchObject({ kind: 'violence_against_civilians', area: null });
    expect(last.escalationId).toMatch(/^BFA\/-\/2021-\d\d-\d\d\/(high|critical)$/);
    expect(transitions(events, 'North').length).toBeGreaterThan(0);
  });

  it('given activity swinging around the elevated threshold for a year, then the level changes rarely although the score crosses the threshold again and again', () => {
    const engine = new RiskEngine({ parameters: { ...DEFAULT_RISK_PARAMETERS, assessAdmin1: false } });
    const warmUp = Array.from({ length: 365 * 2 }, (_, d) => signal(Math.floor(d / 2), 'battles', 0, null));
    run(engine, warmUp, 364);
    let crossings = 0;
    let above = false;
    const events: RiskEvent[] = [];
    for (let d = 365; d < 730; d++) {
      // three-week blocks of 4 and 1 battles a day: the recent score swings around 35
      const perDay = Math.floor((d - 365) / 21) % 2 === 0 ? 4 : 1;
      events.push(...run(engine, Array.from({ length: perDay }, () => signal(d, 'battles', 0, null)), d));
      const score = engine.current()[0].score;
      if (score >= DEFAULT_RISK_PARAMETERS.thresholds.elevated.enter !== above) {
        crossings++;
        above = !above;
      }
    }
    expect(crossings).toBeGreaterThanOrEqual(6);
    expect(transitions(events).length).toBeLessThanOrEqual(2);
  });

  it('holds a level between its exit and enter thresholds and for the minimum dwell', () => {
    const p = DEFAULT_RISK_PARAMETERS;
    expect(nextLevel(p, 'low', 34.9, 100)).toBe('low');
    expect(nextLevel(p, 'low', 35, 0)).toBe('elevated');
    expect(nextLevel(p, 'elevated', 90, 0)).toBe('critical');
    expect(nextLevel(p, 'high', 55, 100)).toBe('high');
    expect(nextLevel(p, 'high', 45, p.minDwellDays - 1)).toBe('high');
    expect(nextLevel(p, 'high', 45, p.minDwellDays)).toBe('elevated');
    expect(nextLevel(p, 'critical', 10, p.minDwellDays)).toBe('low');
  });

  it('given a burst then quiet months, then the level decays back to low step by step, never faster than the dwell', () => {
    const engine = new RiskEngine();
    run(engine, [...quietYear(), ...burst(365)], 380);
    const peak = engine.current().find((a) => a.admin1 === null);
    expect(['high', 'critical']).toContain(peak?.level);

    const events = run(engine, [], 380 + 240);
    const down = transitions(events);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((t) => t.type === 'RiskDeescalated')).toBe(true);
    expect(down[down.length - 1].newLevel).toBe('low');
    let since = peak?.levelSince.getTime() as number;
    for (const t of down) {
      expect(t.at.getTime() - since).toBeGreaterThanOrEqual(DEFAULT_RISK_PARAMETERS.minDwellDays * DAY);
      since = t.at.getTime();
    }
    expect(engine.current().find((a) => a.admin1 === null)?.score).toBeLessThan(DEFAULT_RISK_PARAMETERS.thresholds.elevated.exit);
  });

  it('given the same input twice, then the output is identical; shuffling signals within a day changes nothing', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const input: RiskSignal[] = [];
    for (let d = 0; d < 500; d++) {
      const n = Math.floor(random() * (d > 300 && d < 360 ? 12 : 3));
      for (let i = 0; i < n; i++) input.push(signal(d, SIGNAL_TYPES[Math.floor(random() * 6)], Math.floor(random() * 4), ['North', 'South', 'East'][Math.floor(random() * 3)]));
    }
    const first = run(new RiskEngine(), input, 520);
    const second = run(new RiskEngine(), input, 520);
    expect(second).toEqual(first);
    expect(transitions(first).length).toBeGreaterThan(0);

    const shuffled = [...input].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    const third = run(new RiskEngine(), shuffled, 520);
    const summary = (events: RiskEvent[]) => transitions(events).map((t) => [t.at.toISOString(), t.previousLevel, t.newLevel]);
    expect(summary(third)).toEqual(summary(first));
  });

  it('given an escalation, then type drivers partition the score, counts match the window, and areas and trend are shares of it', () => {
    const engine = new RiskEngine();
    const extra = [signal(370, 'battles', 2, 'South'), signal(371, 'protests', 0, null)];
    const events = run(engine, [...quietYear(), ...burst(365), ...extra], 380);
    const escalation = transitions(events).find((t) => t.type === 'RiskEscalated') as RiskLevelChange;
    const typeDrivers = escalation.drivers.filter((d) => (SIGNAL_TYPES as readonly string[]).includes(d.kind));
    expect(typeDrivers.reduce((s, d) => s + d.weight, 0)).toBeCloseTo(1, 3);
    for (const d of escalation.drivers) expect(d.weight).toBeGreaterThanOrEqual(0);
    const windowStart = escalation.windowStart.getTime();
    const inWindow = [...quietYear(), ...burst(365), ...extra].filter((s) => s.occurredAt.getTime() >= windowStart && s.occurredAt <= escalation.at);
    expect(typeDrivers.reduce((s, d) => s + d.count, 0)).toBe(inWindow.length);
    const areas = escalation.drivers.filter((d) => d.kind === 'area');
    expect(areas[0]).toMatchObject({ area: 'North' });
    expect(areas.reduce((s, d) => s + d.weight, 0)).toBeLessThanOrEqual(1);
    const trend = escalation.drivers.find((d) => d.kind === 'trend');
    expect(trend?.weight).toBeGreaterThan(0);
    expect(trend?.weight).toBeLessThan(1);
    expect(escalation.windowEnd.getTime() - escalation.windowStart.getTime()).toBe(DEFAULT_RISK_PARAMETERS.recentWindowDays * DAY);
  });

  it('given monthly aggregates, then each month is spread over its days and a violent month escalates within the month', () => {
    const engine = new RiskEngine();
    const events: RiskEvent[] = [];
    for (let m = 0; m < 12; m++) {
      events.push(...engine.ingestObservation({ country: 'ZAF', admin1: null, periodStart: new Date(Date.UTC(2019, m, 1)), periodEnd: new Date(Date.UTC(2019, m + 1, 1)), events: 2, fatalities: 1 }));
    }
    events.push(...engine.ingestObservation({ country: 'ZAF', admin1: null, periodStart: new Date(Date.UTC(2020, 0, 1)), periodEnd: new Date(Date.UTC(2020, 1, 1)), events: 200, fatalities: 400 }));
    events.push(...engine.closeThrough(new Date(Date.UTC(2020, 0, 31))));
    const up = transitions(events).filter((t) => t.type === 'RiskEscalated');
    expect(up.length).toBeGreaterThan(0);
    expect(up[0].at.getTime()).toBeLessThan(Date.UTC(2020, 0, 31));
    expect(up[0].drivers[0]).toMatchObject({ kind: 'aggregate' });
  });

  it('given a report of a day already assessed, then it counts (decayed) from the next assessment on', () => {
    const withLate = new RiskEngine();
    run(withLate, [signal(0), signal(10)], 10);
    withLate.ingestSignal(signal(5, 'violence_against_civilians', 20));
    withLate.closeThrough(on(11));
    const without = new RiskEngine();
    run(without, [signal(0), signal(10)], 11);
    expect(withLate.current()[0].score).toBeGreaterThan(without.current()[0].score);
  });

  it('given a score just under a threshold that rounds onto it, then the level is decided on the score as published', () => {
    // Nothing but context moves this area: a strategic development weighs nothing, and the context
    // puts the score 0.04 under critical's threshold, which one decimal shows as the threshold itself.
    const points = DEFAULT_RISK_PARAMETERS.thresholds.critical.enter - 0.04;
    const context: RiskContextProvider = { adjustmentsFor: (area) => (area.admin1 === null ? [{ kind: 'test', label: 'test', points }] : []) };
    const events = run(new RiskEngine({ context }), [{ ...signal(0, 'strategic_developments', 0, null), subType: 'agreement' }], 1);
    const national = events.filter((e) => e.admin1 === null);
    expect(national.length).toBeGreaterThan(0);
    for (const e of national) {
      if (e.type !== 'RiskAssessed') continue;
      expect(e.score).toBe(DEFAULT_RISK_PARAMETERS.thresholds.critical.enter);
      expect(e.level).toBe('critical');
    }
  });

  it('given context that lowers the risk, then the score drops by its points and the context is a (negative) driver', () => {
    const agreement: RiskContextProvider = {
      adjustmentsFor: (area, at) => (area.admin1 === null && at.getTime() >= on(370).getTime() ? [{ kind: 'agreement_reached', label: 'Ceasefire agreed', points: -15 }] : []),
    };
    const plain = new RiskEngine();
    const adjusted = new RiskEngine({ context: agreement });
    const input = [...quietYear(), ...burst(365)];
    run(plain, input, 372);
    const events = run(adjusted, input, 372);
    const national = (e: RiskEngine) => e.current().find((a) => a.admin1 === null)?.score as number;
    expect(national(adjusted)).toBeCloseTo(national(plain) - 15, 0);
    const assessed = events.filter((e) => e.type === 'RiskAssessed' && e.admin1 === null).at(-1);
    const context = assessed?.drivers.find((d) => d.kind === 'agreement_reached');
    expect(context?.weight).toBeLessThan(0);
    const partition = assessed?.drivers.filter((d) => d.kind !== 'area' && d.kind !== 'trend') ?? [];
    expect(partition.reduce((s, d) => s + d.weight, 0)).toBeCloseTo(1, 2);
  });
});
