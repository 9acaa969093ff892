import { describe, expect, it } from 'vitest';
import { RiskEngine, type Announcing, type RiskEngineSnapshot, type RiskEvent, type RiskSignal } from './index';
import type { AreaSnapshot } from './risk-area';

/**
 * The day an area entered its level, as subscribers were told it (`levelSince` of the last
 * RiskAssessed told, the operations centre's "level since"), when history told to no one (an import
 * older than the alert window) moved the level and brought it back: the level and score told still
 * hold, but the day does not.
 */
const DAY = 86_400_000;
const day0 = Date.UTC(2024, 0, 1);
const on = (d: number): Date => new Date(day0 + d * DAY + 12 * 3_600_000);
const dayOf = (d: number): Date => new Date(day0 + d * DAY);
const attack = (d: number): RiskSignal => ({ country: 'BFA', admin1: null, occurredAt: on(d), type: 'violence_against_civilians', subType: 'attack', fatalities: 30, severity: 5 });
const calm = (d: number): RiskSignal => ({ ...attack(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
const history: Announcing = { isNews: () => false, corrects: false };
const newsFrom = (d: number): Announcing => ({ isNews: (day) => day.getTime() >= day0 + d * DAY, corrects: true });
const told = (events: readonly RiskEvent[]) => events.filter((e) => e.announced);
const FEB_25 = 55;
const NEWS = 160;

/** News days of calm, each assessed open after its signal as a live request does (or only closed). */
const newsDays = (engine: RiskEngine, from: number, to: number, open = true, announcing: Announcing | undefined = newsFrom(NEWS)) =>
  Array.from({ length: to - from }, (_, i) => [...engine.ingestSignal(calm(from + i), announcing), ...(open ? engine.assessOpenDay(announcing) : [])]).flat();

/**
 * Subscribers told low since 1 Jan (days 0-9, news); then history told to no one: attacks (days
 * 10-29) raise it to elevated on 22 Jan, calm brings it back to low on 25 Feb and on to day 159.
 */
const lowAgainInHistory = (announcing: (d: number) => Announcing | undefined = (d) => (d < 10 ? newsFrom(0) : history)) => {
  const engine = new RiskEngine();
  const events = [
    ...Array.from({ length: 10 }, (_, d) => engine.ingestSignal(calm(d), announcing(d))).flat(),
    ...Array.from({ length: 20 }, (_, i) => engine.ingestSignal(attack(10 + i), announcing(10 + i))).flat(),
    ...Array.from({ length: 130 }, (_, i) => engine.ingestSignal(calm(30 + i), announcing(30 + i))).flat(),
  ];
  return { engine, events };
};

const stripToldSince = (area: AreaSnapshot): AreaSnapshot => {
  const { announcedLevelSinceDay: _, ...older } = area;
  return { ...older, children: area.children.map(stripToldSince) };
};

describe('RiskEngine: the day a level was entered, as subscribers were told it', () => {
  it.each([
    ['assessed open', true],
    ['closed', false],
  ])('given low told since 1 Jan and, in an import, elevated and low again on 25 Feb, when a news day (%s) finds it low with no material move, then one RiskAssessed is told, low since 25 Feb, and no level change', (_, open) => {
    const { engine, events } = lowAgainInHistory();
    expect(told(events)).toEqual([expect.objectContaining({ type: 'RiskAssessed', level: 'low', levelSince: dayOf(0) })]);
    expect(events.filter((e) => e.type !== 'RiskAssessed').map((e) => [e.type, e.announced])).toEqual([
      ['RiskEscalated', false],
      ['RiskDeescalated', false],
    ]);
    expect(engine.current()[0]).toMatchObject({ level: 'low', levelSince: dayOf(FEB_25) });

    const news = newsDays(engine, NEWS, NEWS + 5, open);
    // Subscribers would otherwise keep "low since 1 Jan" for good: the level told holds, the score barely moved.
    expect(told(news)).toEqual([expect.objectContaining({ type: 'RiskAssessed', level: 'low', levelSince: dayOf(FEB_25) })]);
    expect(Math.abs(told(news)[0].score - told(events)[0].score)).toBeLessThan(engine.parameters.materialDelta);
    expect(engine.current()[0]).toMatchObject({ level: 'low', levelSince: dayOf(FEB_25) });
  });

  it('given the same, when the told engine is restored from its snapshot, then later news days tell nothing more', () => {
    const { engine } = lowAgainInHistory();
    newsDays(engine, NEWS, NEWS + 2);
    const restored = RiskEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as RiskEngineSnapshot);
    expect(told(newsDays(restored, NEWS + 2, NEWS + 10))).toEqual([]);
  });

  it('given the same input replayed (no Announcing), then the news days emit nothing: a replay tells nothing', () => {
    const { engine } = lowAgainInHistory(() => undefined);
    expect(newsDays(engine, NEWS, NEWS + 5, true, undefined)).toEqual([]);
  });

  it('given low told since 1 Jan and every day news since, when news days stay low with no material move, then nothing more is told', () => {
    const engine = new RiskEngine();
    const first = Array.from({ length: 10 }, (_, d) => engine.ingestSignal(calm(d), newsFrom(0))).flat();
    expect(told(first)).toEqual([expect.objectContaining({ type: 'RiskAssessed', levelSince: dayOf(0) })]);
    expect(told(newsDays(engine, 10, 60, true, newsFrom(0)))).toEqual([]);
  });

  it('given a snapshot taken before the day told was kept, when a news day finds the area at its level with no material move, then its assessment is told once, with its level since', () => {
    const engine = new RiskEngine();
    Array.from({ length: 10 }, (_, d) => engine.ingestSignal(calm(d), newsFrom(0)));
    const snapshot = JSON.parse(JSON.stringify(engine.snapshot())) as RiskEngineSnapshot;
    expect(snapshot.areas[0]).toMatchObject({ announcedLevel: 'low', announcedLevelSinceDay: Math.floor(dayOf(0).getTime() / DAY) });
    const older = { ...snapshot, areas: snapshot.areas.map(stripToldSince) };

    const restored = RiskEngine.restore(older);
    const news = newsDays(restored, 10, 20, true, newsFrom(0));
    // Unknown is told once (at the first assessment after the restart: day 9's close), so a board
    // that kept a stale day is set right; then it is known.
    expect(told(news)).toEqual([expect.objectContaining({ type: 'RiskAssessed', level: 'low', levelSince: dayOf(0), assessedAt: dayOf(9) })]);
    expect(restored.snapshot().areas[0].announcedLevelSinceDay).toBe(Math.floor(dayOf(0).getTime() / DAY));
  });
});
