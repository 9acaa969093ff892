import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskContextProvider, type RiskEvent, type RiskSignal } from './index';

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

  it('given assessments of history told to no one since the last announced score, when a news day is assessed close to the history but far from what was announced, then it is emitted', () => {
    // Twenty days of attacks, announced as they come; then forty quiet days, closed late by a report
    // of day 60 and so history (not news): their assessments are emitted step by step, told to no one.
    const live = (d: number) => (day: Date) => day.getTime() >= day0 + d * DAY;
    const protest = (d: number): RiskSignal => ({ country: 'NER', admin1: null, occurredAt: on(d), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
    const run = (news: (d: number) => ((day: Date) => boolean) | undefined) => {
      const engine = new RiskEngine();
      for (let d = 0; d < 20; d++) engine.ingestSignal(attack(d), news(d));
      const history = engine.ingestSignal(protest(60), news(60));
      return { engine, history, open: engine.assessOpenDay(news(60)) };
    };

    const replay = run(() => undefined);
    const assessed = replay.history.filter((e) => e.type === 'RiskAssessed');
    const lastHistory = assessed[assessed.length - 1];
    // The setup: the last history assessment and day 60 are within the material delta of each other,
    // so measured from history alone, day 60 says nothing.
    expect(Math.abs(replay.engine.current()[0].score - lastHistory.score)).toBeLessThan(replay.engine.parameters.materialDelta);
    expect(replay.open).toEqual([]);

    const withNews = run(live);
    expect(withNews.history).toEqual(replay.history);
    expect(withNews.open).toEqual([expect.objectContaining({ type: 'RiskAssessed', assessedAt: new Date(day0 + 60 * DAY), score: replay.engine.current()[0].score })]);
    // Once told, the area is measured from what was told: nothing more to say about the same day.
    expect(withNews.engine.assessOpenDay(live(60))).toEqual([]);
    // What was told survives a restart.
    const restored = RiskEngine.restore(JSON.parse(JSON.stringify(withNews.engine.snapshot())));
    expect(restored.snapshot()).toEqual(withNews.engine.snapshot());
  });
});
