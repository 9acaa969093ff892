import { describe, expect, it } from 'vitest';
import { RiskEngine, type Announcing, type RiskEngineSnapshot, type RiskEvent, type RiskSignal } from './index';

/**
 * What a level change told on a news day says it changes from, when history told to no one (an
 * import older than the alert window) moved the area since subscribers last heard of it: the level
 * they hold (the told level), not the level history left the area at, which they never had.
 */
const DAY = 86_400_000;
const day0 = Date.UTC(2024, 0, 1);
const on = (d: number): Date => new Date(day0 + d * DAY + 12 * 3_600_000);
const attack = (d: number): RiskSignal => ({ country: 'NER', admin1: null, occurredAt: on(d), type: 'violence_against_civilians', subType: 'attack', fatalities: 30, severity: 5 });
const calm = (d: number): RiskSignal => ({ ...attack(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
const history: Announcing = { isNews: () => false, corrects: false };
const newsFrom = (d: number): Announcing => ({ isNews: (day) => day.getTime() >= day0 + d * DAY, corrects: true });
type Change = RiskEvent & { previousLevel: string; newLevel: string; at: Date; escalationId: string; toldLate?: boolean };
const changes = (events: readonly RiskEvent[]) => events.filter((e) => e.type !== 'RiskAssessed') as Change[];
const changesTold = (events: readonly RiskEvent[]) => changes(events.filter((e) => e.announced)).map((e) => [e.type, e.previousLevel, e.newLevel, e.toldLate === true]);

/** Twenty days of one attack a day, all of it history: elevated (from day 11), told to no one, so subscribers hold low. */
const elevatedUntold = (announcing: Announcing | undefined) => {
  const engine = new RiskEngine();
  const events = Array.from({ length: 20 }, (_, d) => engine.ingestSignal(attack(d), announcing)).flat();
  expect(changes(events).map((e) => [e.type, e.previousLevel, e.newLevel])).toEqual([['RiskEscalated', 'low', 'elevated']]);
  expect(events.some((e) => e.announced)).toBe(false);
  return engine;
};

/** Two attacks a day for twenty days, each day news: subscribers are told high (from day 12). */
const highTold = () => {
  const engine = new RiskEngine();
  const told = Array.from({ length: 20 }, (_, d) => [attack(d), attack(d)].flatMap((s) => engine.ingestSignal(s, newsFrom(0)))).flat();
  told.push(...engine.assessOpenDay(newsFrom(0)));
  expect(changesTold(told).at(-1)).toEqual(['RiskEscalated', 'elevated', 'high', false]);
  expect(engine.current()[0].level).toBe('high');
  return engine;
};

describe('RiskEngine: a level change told after history told to no one', () => {
  it('given low told and elevated reached in an import, when a news day raises the area to high, then the escalation told is low → high, with the day\'s score and drivers', () => {
    const engine = elevatedUntold(history);
    const told = [...Array.from({ length: 10 }, () => engine.ingestSignal(attack(20), newsFrom(20))).flat(), ...engine.assessOpenDay(newsFrom(20))];

    expect(engine.current()[0].level).toBe('high');
    // Subscribers hold low: elevated → high would have them read a change from a level they never had.
    expect(changesTold(told)).toEqual([['RiskEscalated', 'low', 'high', false]]);
    const [rise] = changes(told);
    const assessed = told.find((e) => e.type === 'RiskAssessed') as RiskEvent;
    expect(rise).toMatchObject({ escalationId: 'NER/-/2024-01-21/high', at: new Date(day0 + 20 * DAY), score: assessed.score, drivers: assessed.drivers });
    // Told high now: nothing more of levels that day, nor the next.
    expect(changesTold([...engine.assessOpenDay(newsFrom(20)), ...engine.ingestSignal(attack(21), newsFrom(20)), ...engine.assessOpenDay(newsFrom(20))])).toEqual([]);
  });

  it('given the same, when the news day is closed rather than assessed open, then the same escalation is told, and telling changes nothing of the engine\'s own path', () => {
    const run = (announcing: (d: number) => Announcing | undefined) => {
      const engine = elevatedUntold(announcing(0));
      const events = Array.from({ length: 10 }, () => engine.ingestSignal(attack(20), announcing(20))).flat();
      return { engine, events: [...events, ...engine.ingestSignal(calm(21), announcing(20))] };
    };
    const live = run((d) => (d === 0 ? history : newsFrom(d)));
    const replay = run(() => undefined);

    expect(changesTold(live.events)).toEqual([['RiskEscalated', 'low', 'high', false]]);
    // A replay tells nothing and reads the area's own path; scores, levels and ids are the same.
    expect(changes(replay.events).map((e) => [e.previousLevel, e.newLevel, e.escalationId])).toEqual([['elevated', 'high', 'NER/-/2024-01-21/high']]);
    expect(live.events.map(({ announced: _, ...e }) => (e.type === 'RiskAssessed' ? e : { ...e, previousLevel: 'elevated' }))).toEqual(replay.events);
    expect(live.engine.current()).toEqual(replay.engine.current());
  });

  it('given high told and a fall to elevated in an import, when a news day lowers the area to low, then the de-escalation told is high → low', () => {
    const engine = highTold();
    // Months of calm, all of it history: high → elevated on day 42, told to no one (no corrections on an import).
    const untold = Array.from({ length: 52 }, (_, i) => engine.ingestSignal(calm(20 + i), history)).flat();
    expect(changes(untold).map((e) => [e.type, e.previousLevel, e.newLevel, e.announced])).toEqual([['RiskDeescalated', 'high', 'elevated', false]]);

    // Day 72 is news and closes at low.
    const told = [...engine.ingestSignal(calm(72), newsFrom(72)), ...engine.ingestSignal(calm(73), newsFrom(72))];
    expect(engine.current()[0].level).toBe('low');
    expect(changesTold(told)).toEqual([['RiskDeescalated', 'high', 'low', false]]);
    expect(changes(told)[0].at).toEqual(new Date(day0 + 72 * DAY));
  });

  it('given the same, when the news day is assessed open first (as a live request does), then the fall to elevated is told late with it, and the close tells elevated → low', () => {
    const engine = highTold();
    for (let d = 20; d < 72; d++) engine.ingestSignal(calm(d), history);

    // The open day is held at elevated (lowering waits for the close), and the board is told elevated:
    // escalation subscribers hear of the fall from high with it, not at the close from a level they never had.
    const open = [...engine.ingestSignal(calm(72), newsFrom(72)), ...engine.assessOpenDay(newsFrom(72))];
    expect(open.filter((e) => e.announced)).toEqual([
      expect.objectContaining({ type: 'RiskAssessed', level: 'elevated' }),
      expect.objectContaining({ type: 'RiskDeescalated', previousLevel: 'high', newLevel: 'elevated', at: new Date(day0 + 42 * DAY), escalationId: 'NER/-/2024-01-13/high', toldLate: true }),
    ]);
    const close = engine.ingestSignal(calm(73), newsFrom(72));
    expect(changesTold(close)).toEqual([['RiskDeescalated', 'elevated', 'low', false]]);
  });

  it('given high told and a fall to elevated in an import, when a news day raises the area back to high, then no level change is told: subscribers hold high, its alert and escalation standing', () => {
    const engine = highTold();
    for (let d = 20; d < 70; d++) engine.ingestSignal(calm(d), history);
    expect(engine.current()[0].level).toBe('elevated');

    const day70 = [...Array.from({ length: 20 }, () => engine.ingestSignal(attack(70), newsFrom(70))).flat(), ...engine.assessOpenDay(newsFrom(70))];
    expect(engine.current()[0].level).toBe('high');
    // Neither the fall (history) told late nor the rise: told both, subscribers would see high's
    // alert cleared and a second one opened, and mediation a new escalation, for a level they hold.
    expect(changesTold(day70)).toEqual([]);
    expect(day70.filter((e) => e.announced)).toEqual([expect.objectContaining({ type: 'RiskAssessed', level: 'high' })]);
    // The rise is kept, told to no one.
    expect(changes(day70)).toEqual([expect.objectContaining({ type: 'RiskEscalated', previousLevel: 'elevated', newLevel: 'high', announced: false })]);

    // Subscribers still hold high: the area's next fall, on a news day, is told from high.
    const later = Array.from({ length: 70 }, (_, i) => engine.ingestSignal(calm(71 + i), newsFrom(71))).flat();
    expect(changesTold(later)[0]).toEqual(['RiskDeescalated', 'high', 'elevated', false]);
  });

  it('given high told (escalation E1) and, in an import, a fall to elevated, when a news day brings the area back to high and a later one lowers it to elevated, then the fall told reverses E1, which subscribers hold, not the untold rise', () => {
    const engine = highTold();
    for (let d = 20; d < 70; d++) engine.ingestSignal(calm(d), history);
    const day70 = [...Array.from({ length: 20 }, () => engine.ingestSignal(attack(70), newsFrom(70))).flat(), ...engine.assessOpenDay(newsFrom(70))];
    const [untoldRise] = changes(day70);
    expect(untoldRise).toMatchObject({ previousLevel: 'elevated', newLevel: 'high', escalationId: 'NER/-/2024-03-11/high', announced: false });

    // What subscribers hold is part of the engine's state: a service restarted from its snapshot knows it.
    const restored = RiskEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as RiskEngineSnapshot);
    const later = Array.from({ length: 70 }, (_, i) => restored.ingestSignal(calm(71 + i), newsFrom(71))).flat();
    const [fall, toLow] = changes(later.filter((e) => e.announced));
    // Their alert and mediation process were opened under E1; the untold rise's id names nothing they have.
    expect(fall).toMatchObject({ type: 'RiskDeescalated', previousLevel: 'high', newLevel: 'elevated', escalationId: 'NER/-/2024-01-13/high' });
    expect(toLow).toMatchObject({ type: 'RiskDeescalated', previousLevel: 'elevated', newLevel: 'low', escalationId: 'NER/-/2024-01-06/elevated' });
  });

  it('given high told (escalation E1) and, in an import, a fall to elevated and a rise back to high, when a news day lowers the area to elevated, then the fall told reverses E1, not the rise made in history', () => {
    const engine = highTold();
    const untold = [
      ...Array.from({ length: 50 }, (_, i) => engine.ingestSignal(calm(20 + i), history)).flat(),
      ...Array.from({ length: 20 }, () => engine.ingestSignal(attack(70), history)).flat(),
      ...Array.from({ length: 20 }, (_, i) => engine.ingestSignal(calm(71 + i), history)).flat(),
    ];
    expect(changes(untold).map((e) => [e.type, e.newLevel, e.escalationId, e.announced])).toEqual([
      ['RiskDeescalated', 'elevated', 'NER/-/2024-01-13/high', false],
      ['RiskEscalated', 'high', 'NER/-/2024-03-11/high', false],
    ]);

    // From day 91 news: the area falls to elevated on day 100.
    const told = Array.from({ length: 20 }, (_, i) => engine.ingestSignal(calm(91 + i), newsFrom(91))).flat();
    expect(changesTold(told)).toEqual([['RiskDeescalated', 'high', 'elevated', false]]);
    expect(changes(told.filter((e) => e.announced))[0]).toMatchObject({ at: new Date(day0 + 100 * DAY), escalationId: 'NER/-/2024-01-13/high' });
  });
});
