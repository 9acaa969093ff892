import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskEvent, type RiskSignal } from './index';

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

  it('never lowers a level or emits anything on an open day without a rise', () => {
    const engine = new RiskEngine();
    for (let i = 0; i < 30; i++) engine.ingestSignal(attack(0));
    engine.closeThrough(on(0));
    engine.ingestSignal({ ...attack(200), type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1 });
    const before = engine.current()[0].level;
    expect(engine.assessOpenDay()).toEqual([]);
    expect(changes(engine.assessOpenDay())).toEqual([]);
    expect(engine.current()[0].level).toBe(before);
    expect(new RiskEngine().assessOpenDay()).toEqual([]);
  });
});
