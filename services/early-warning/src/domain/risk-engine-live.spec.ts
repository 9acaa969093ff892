import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_PARAMETERS, RiskEngine, type Announcing, type RiskContextProvider, type RiskEvent, type RiskSignal } from './index';

const DAY = 86_400_000;
const day0 = Date.UTC(2024, 0, 1);
const on = (d: number, h = 12): Date => new Date(day0 + d * DAY + h * 3_600_000);
const attack = (d: number, admin1: string | null = null, h = 12): RiskSignal => ({ country: 'NER', admin1, occurredAt: on(d, h), type: 'violence_against_civilians', subType: 'attack', fatalities: 30, severity: 5 });
const changes = (events: RiskEvent[]) => events.filter((e) => e.type !== 'RiskAssessed');

describe('RiskEngine live path', () => {
  it('given a snapshot taken mid-stream, when restored through JSON, then it carries on exactly as the engine that never stopped', () => {
    const input = Array.from({ length: 300 }, (_, i) => attack(Math.floor(i / 3), i % 2 ? 'Tillabéri' : null, i % 24));
    const straight = new RiskEngine();
    const expected = input.flatMap((s) => straight.ingestSignal(s));
    expected.push(...straight.closeThrough(on(140)));

    let engine = new RiskEngine();
    const actual: RiskEvent[] = [];
    for (const s of input) {
      actual.push(...engine.ingestSignal(s));
      engine = RiskEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())));
    }
    actual.push(...engine.closeThrough(on(140)));
    expect(actual).toEqual(expected);
    expect(engine.current()).toEqual(straight.current());
  });

  it('given a day not yet closed, when the open day is assessed, then the escalation comes at once with the id and date the close would give, and is not repeated at the close', () => {
    const live = new RiskEngine();
    const burst = Array.from({ length: 40 }, () => attack(10));
    for (const s of burst) live.ingestSignal(s);
    const early = live.assessOpenDay();
    expect(changes(early)).toHaveLength(1);
    expect(changes(early)[0]).toMatchObject({ type: 'RiskEscalated', previousLevel: 'low', newLevel: 'critical', at: new Date(day0 + 10 * DAY) });
    expect(changes(live.closeThrough(on(10)))).toEqual([]);

    const replay = new RiskEngine();
    for (const s of burst) replay.ingestSignal(s);
    const closed = changes(replay.closeThrough(on(10)));
    expect(closed.map((e) => [e.type, (e as { escalationId: string }).escalationId])).toEqual(changes(early).map((e) => [e.type, (e as { escalationId: string }).escalationId]));
  });

  it('given an area at critical whose score collapses on the open day, when that day is assessed, then the level holds and only the score is published; the close lowers it', () => {
    // Critical from about day 15, long enough (the minimum dwell is 30 days) to be lowered from day
    // 50 on, when context takes 100 points off every area: the day's score is 0.
    const context: RiskContextProvider = { adjustmentsFor: (_area, at) => (at.getTime() >= day0 + 50 * DAY ? [{ kind: 'test', label: 'test', points: -100 }] : []) };
    const engine = new RiskEngine({ context });
    for (let d = 0; d < 50; d++) for (let i = 0; i < 3; i++) engine.ingestSignal(attack(d));
    engine.closeThrough(on(49));
    expect(engine.current()[0].level).toBe('critical');

    engine.ingestSignal(attack(50));
    expect(engine.assessOpenDay()).toEqual([expect.objectContaining({ type: 'RiskAssessed', country: 'NER', admin1: null, level: 'critical', score: 0 })]);
    expect(engine.current()[0]).toMatchObject({ level: 'critical', score: 0 });
    // Assessed again with nothing new, the open day has nothing more to say.
    expect(engine.assessOpenDay()).toEqual([]);
    // The setup would lower the level: the close of the same day does.
    expect(changes(engine.closeThrough(on(50)))).toContainEqual(expect.objectContaining({ type: 'RiskDeescalated', previousLevel: 'critical' }));
    expect(new RiskEngine().assessOpenDay()).toEqual([]);
  });

  it('given a score that moves materially on the open day without changing the level, when that day is assessed, then the assessment is published at once, as the service shows it', () => {
    // Elevated after twenty days of one attack a day; three more on day 20 raise the score, not the level.
    const engine = new RiskEngine();
    for (let d = 0; d < 20; d++) engine.ingestSignal(attack(d));
    engine.closeThrough(on(19));
    expect(engine.current()[0]).toMatchObject({ level: 'elevated', score: 48.2 });
    for (let i = 0; i < 3; i++) engine.ingestSignal(attack(20));
    expect(engine.assessOpenDay()).toEqual([expect.objectContaining({ type: 'RiskAssessed', level: 'elevated', score: 53.7, assessedAt: new Date(day0 + 20 * DAY) })]);
    expect(engine.current()[0]).toMatchObject({ level: 'elevated', score: 53.7 });
  });

  it('given history told to no one since what subscribers last heard, when a news day is assessed close to that history but far from what they heard, then it is emitted and told', () => {
    // Twenty days of attacks, each told the day it happens (the open day after each report); then
    // months of quiet, closed late by a report of day 200 and so history (not news): the
    // de-escalation that takes the area below the told level is told (a correction), the rest of
    // the decline is emitted step by step and told to no one.
    const live = (d: number): Announcing => ({ isNews: (day) => day.getTime() >= day0 + d * DAY, corrects: true });
    const protest = (d: number): RiskSignal => ({ country: 'NER', admin1: null, occurredAt: on(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
    const run = (announcing: (d: number) => Announcing | undefined) => {
      const engine = new RiskEngine();
      const told: RiskEvent[] = [];
      for (let d = 0; d < 20; d++) told.push(...[...engine.ingestSignal(attack(d), announcing(d)), ...engine.assessOpenDay(announcing(d))]);
      const history = engine.ingestSignal(protest(200), announcing(200));
      return { engine, told, history, open: engine.assessOpenDay(announcing(200)) };
    };
    const unmarked = (events: readonly RiskEvent[]) => events.map(({ announced: _, ...e }) => e);

    const replay = run(() => undefined);
    const withNews = run(live);
    // Telling changes no score, level or event of those days; it marks them.
    expect(unmarked(withNews.history)).toEqual(replay.history);
    expect(replay.history.every((e) => e.announced === undefined)).toBe(true);
    expect(withNews.told.filter((e) => e.announced).length).toBeGreaterThan(0);
    const correction = withNews.history.filter((e) => e.announced);
    expect(correction).toEqual([expect.objectContaining({ type: 'RiskDeescalated', previousLevel: 'elevated', newLevel: 'low' })]);

    // Measured from the last history assessment alone, day 200 says nothing (the replay)...
    const current = replay.engine.current()[0].score;
    const lastHistory = replay.history.filter((e) => e.type === 'RiskAssessed').at(-1) as RiskEvent;
    expect(Math.abs(current - lastHistory.score)).toBeLessThan(DEFAULT_RISK_PARAMETERS.materialDelta);
    expect(replay.open).toEqual([]);
    // ...but subscribers last heard the correction's score: day 200 is told.
    expect(Math.abs(current - correction[0].score)).toBeGreaterThanOrEqual(DEFAULT_RISK_PARAMETERS.materialDelta);
    expect(withNews.open).toEqual([expect.objectContaining({ type: 'RiskAssessed', assessedAt: new Date(day0 + 200 * DAY), score: current, announced: true })]);
    // Once told, the area is measured from what was told: nothing more to say about the same day.
    expect(withNews.engine.assessOpenDay(live(200))).toEqual([]);
    // What was told survives a restart.
    const restored = RiskEngine.restore(JSON.parse(JSON.stringify(withNews.engine.snapshot())));
    expect(restored.snapshot()).toEqual(withNews.engine.snapshot());
    expect(restored.snapshot().areas[0]).toMatchObject({ announcedLevel: 'low' });
    expect(restored.snapshot().areas[0].announcedScore).toBeCloseTo(current, 1);
  });

  it('given an area never told anything, when a news day is assessed, then it is told only when its score is material: silence reads as low and 0', () => {
    const quiet = new RiskEngine();
    const history: Announcing = { isNews: () => false, corrects: true };
    for (let d = 0; d < 30; d++) quiet.ingestSignal({ ...attack(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 }, history);
    quiet.closeThrough(on(29), history);
    expect(quiet.current()[0].score).toBeLessThan(DEFAULT_RISK_PARAMETERS.materialDelta);
    expect(quiet.assessOpenDay({ isNews: () => true, corrects: true })).toEqual([]);
  });

  it('given a live engine, when an assessment moves too little to be emitted, then its drivers are still what explains the current score', () => {
    const news: Announcing = { isNews: () => true, corrects: true };
    const engine = new RiskEngine();
    const emitted = Array.from({ length: 20 }, (_, d) => engine.ingestSignal(attack(d), news))
      .flat()
      .filter((e) => e.type === 'RiskAssessed');
    // Day 18, closed by the report of day 19, moved enough to be emitted: it is explained by the drivers it was emitted with.
    const lastEmitted = emitted.at(-1) as RiskEvent;
    expect(lastEmitted).toMatchObject({ assessedAt: new Date(day0 + 18 * DAY), announced: true });
    expect(lastEmitted.drivers).toContainEqual(expect.objectContaining({ kind: 'violence_against_civilians', count: 19 }));
    expect(engine.takeExplanations()).toEqual([{ country: 'NER', admin1: null, drivers: lastEmitted.drivers }]);
    // Day 19 moves too little to be emitted, open or closed: the explanation is its own, not day 18's.
    expect([...engine.assessOpenDay(news), ...engine.closeThrough(on(19), news)]).toEqual([]);
    const [day19] = engine.takeExplanations();
    expect(day19.drivers).toContainEqual(expect.objectContaining({ kind: 'violence_against_civilians', count: 20 }));
    engine.ingestSignal(attack(20), news);
    expect(engine.assessOpenDay(news)).toEqual([]);
    engine.takeExplanations();
    // A protest on the same day: the score barely moves, nothing is emitted, and yet it is counted.
    engine.ingestSignal({ ...attack(20), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 }, news);
    expect(engine.assessOpenDay(news)).toEqual([]);
    const [now] = engine.takeExplanations();
    expect(now.drivers).toContainEqual(expect.objectContaining({ kind: 'protests', count: 1 }));
    expect(engine.takeExplanations()).toEqual([]);
    // A replay explains only what it emits.
    const replay = new RiskEngine();
    for (let d = 0; d < 20; d++) replay.ingestSignal(attack(d));
    replay.assessOpenDay();
    expect(replay.takeExplanations()).toEqual([]);
  });

  it('given an area that reached critical in history told to no one, when a news day finds it still there, then the escalation holding it there is told, dated when it happened, once', () => {
    // Forty days of attacks, all of them history (an import older than the alert window): the
    // area escalates, and nobody is told.
    const history: Announcing = { isNews: () => false, corrects: false };
    const engine = new RiskEngine();
    const untold = Array.from({ length: 40 }, (_, d) => [...engine.ingestSignal(attack(d), history), ...engine.ingestSignal(attack(d), history)]).flat();
    const escalations = untold.filter((e) => e.type === 'RiskEscalated');
    expect(escalations.length).toBeGreaterThan(0);
    expect(untold.every((e) => e.announced === false)).toBe(true);
    const held = engine.current()[0];
    expect(held.level).toBe('critical');

    // A live report of day 40, its day news: the board learns the level, and escalation subscribers
    // (alerts, mediation) learn the escalation that holds the area there.
    engine.ingestSignal(attack(40), { isNews: (day) => day.getTime() >= day0 + 40 * DAY, corrects: true });
    const told = engine.assessOpenDay({ isNews: (day) => day.getTime() >= day0 + 40 * DAY, corrects: true });
    const toCritical = escalations.filter((e) => e.type === 'RiskEscalated' && e.newLevel === 'critical').at(-1);
    expect(told).toEqual([
      expect.objectContaining({ type: 'RiskAssessed', level: 'critical', announced: true }),
      expect.objectContaining({ type: 'RiskEscalated', escalationId: (toCritical as { escalationId: string }).escalationId, previousLevel: 'low', newLevel: 'critical', at: held.levelSince, announced: true, toldLate: true }),
    ]);
    // Told now: the next news day at that level says nothing of it again.
    engine.ingestSignal(attack(40), { isNews: () => true, corrects: true });
    expect(engine.assessOpenDay({ isNews: () => true, corrects: true }).filter((e) => e.type !== 'RiskAssessed')).toEqual([]);
  });

  describe('what subscribers are told of a level reached or left in history', () => {
    const history = (corrects: boolean): Announcing => ({ isNews: () => false, corrects });
    const newsFrom = (d: number): Announcing => ({ isNews: (day) => day.getTime() >= day0 + d * DAY, corrects: true });
    const calm = (d: number): RiskSignal => ({ ...attack(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
    const changesTold = (events: readonly RiskEvent[]) =>
      events.filter((e) => e.announced && e.type !== 'RiskAssessed').map((e) => e as RiskEvent & { previousLevel: string; newLevel: string; toldLate?: boolean }).map((e) => [e.type, e.previousLevel, e.newLevel, e.toldLate === true]);
    /** Forty days of attacks, none of them news: the area reaches critical told to no one. */
    const criticalUntold = () => {
      const engine = new RiskEngine();
      for (let d = 0; d < 40; d++) [attack(d), attack(d)].forEach((s) => engine.ingestSignal(s, history(false)));
      expect(engine.current()[0].level).toBe('critical');
      return engine;
    };

    it('given critical reached untold, when a news day closes it down to high, then no de-escalation from a level never told: the escalation holding it at high is told late', () => {
      const engine = criticalUntold();
      const told = engine.ingestSignal(calm(58), newsFrom(57));
      expect(changesTold(told)).toEqual([['RiskEscalated', 'low', 'high', true]]);
      expect(engine.current()[0].level).toBe('high');
    });

    it('given critical reached untold, when the open day is held there but will close lower, then what is told late is the level of the close', () => {
      const engine = criticalUntold();
      engine.ingestSignal(calm(57), newsFrom(57));
      const open = engine.assessOpenDay(newsFrom(57));
      expect(changesTold(open)).toEqual([['RiskEscalated', 'low', 'high', true]]);
      // The close of that day lowers it to high: nothing more to tell of levels.
      expect(changesTold(engine.ingestSignal(calm(58), newsFrom(58)))).toEqual([]);
    });

    it('given critical told, then left in an imported history (no corrections), when a news day finds it low, then the fall is told late', () => {
      const engine = new RiskEngine();
      for (let d = 0; d < 40; d++) [attack(d), attack(d)].forEach((s) => engine.ingestSignal(s, newsFrom(0)));
      engine.assessOpenDay(newsFrom(0));
      const imported = engine.ingestSignal(calm(150), history(false));
      expect(imported.filter((e) => e.type === 'RiskDeescalated').every((e) => e.announced === false)).toBe(true);
      const told = [...engine.ingestSignal(calm(151), newsFrom(150)), ...engine.assessOpenDay(newsFrom(150))];
      expect(changesTold(told)).toEqual([['RiskDeescalated', 'critical', 'low', true]]);
    });

    it('given critical told, then left in an imported history, when a news day raises it again to high, then the fall is told late before the escalation, dated when it happened', () => {
      const engine = new RiskEngine();
      const first = Array.from({ length: 40 }, (_, d) => [attack(d), attack(d)].flatMap((s) => engine.ingestSignal(s, newsFrom(0)))).flat();
      engine.assessOpenDay(newsFrom(0));
      const fromLow = first.find((e) => e.type === 'RiskEscalated' && e.previousLevel === 'low' && e.announced) as RiskEvent & { escalationId: string };
      const imported = engine.ingestSignal(calm(150), history(false));
      const fell = imported.filter((e) => e.type === 'RiskDeescalated');
      expect(fell.every((e) => e.announced === false)).toBe(true);
      expect(engine.current()[0].level).toBe('low');
      // Twenty attacks reported live on day 151: the area rises from low to high.
      for (let i = 0; i < 19; i++) engine.ingestSignal(attack(151), newsFrom(151));
      const told = [...engine.ingestSignal(attack(151), newsFrom(151)), ...engine.assessOpenDay(newsFrom(151))];
      expect(engine.current()[0].level).toBe('high');
      // Subscribers were told critical: the escalation from low alone would leave critical standing
      // (an alert, a mediation trigger) beside it. The fall comes first, as it happened.
      expect(changesTold(told)).toEqual([
        ['RiskDeescalated', 'critical', 'low', true],
        ['RiskEscalated', 'low', 'high', false],
      ]);
      const [fall, rise] = told.filter((e) => e.type !== 'RiskAssessed') as Array<RiskEvent & { at: Date; escalationId: string }>;
      // It reverses, as any fall to low told, the escalation told that first lifted the area above low.
      expect(fall).toMatchObject({ at: (fell.at(-1) as RiskEvent & { at: Date }).at, escalationId: fromLow.escalationId });
      expect(rise).toMatchObject({ at: new Date(day0 + 151 * DAY), escalationId: 'NER/-/2024-05-31/high' });
      // Told high now: a further news day at high says nothing of levels.
      engine.ingestSignal(attack(152), newsFrom(151));
      expect(changesTold(engine.assessOpenDay(newsFrom(151)))).toEqual([]);
    });
  });
});
