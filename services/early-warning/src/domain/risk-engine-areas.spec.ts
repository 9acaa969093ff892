import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskEngineSnapshot, type RiskEvent, type RiskSignal } from './index';

const DAY = 86_400_000;
const day0 = Date.UTC(2024, 0, 1);
const on = (d: number, h = 12): Date => new Date(day0 + d * DAY + h * 3_600_000);
const battle = (d: number, admin1: string | null): RiskSignal => ({ country: 'COD', admin1, occurredAt: on(d), type: 'battles', subType: null, fatalities: 40, severity: null });
const admin1s = (engine: RiskEngine) => engine.current().filter((a) => a.admin1 !== null);
const changes = (events: RiskEvent[]) => events.filter((e) => e.type !== 'RiskAssessed');

/** 16 battles of one day, 40 dead each, the admin1 cycling through `spellings`; the open day assessed after them. */
function burst(spellings: readonly string[]): { engine: RiskEngine; events: RiskEvent[] } {
  const engine = new RiskEngine();
  const events = Array.from({ length: 16 }, (_, i) => engine.ingestSignal(battle(0, spellings[i % spellings.length]))).flat();
  events.push(...engine.assessOpenDay());
  return { engine, events };
}

describe('RiskEngine areas', () => {
  it.each([
    ['Nord-Kivu', 'Nord Kivu', 'NORD-KIVU', 'nord-kivu'],
    ['Tillabéri', 'Tillaberi', 'tillabéri', 'TILLABÉRI'],
    // Decomposed accents (e + U+0301), as some sources write them, against composed ones.
    ['Tillabe\u0301ri', 'Tillabéri', 'TILLABE\u0301RI', 'Tillaberi'],
  ])('given one admin1 spelled four ways (%s, …), when its signals arrive, then it is one area, under the first spelling, escalating as under one spelling', (...spellings) => {
    const mixed = burst(spellings);
    const one = burst([spellings[0]]);
    expect(admin1s(mixed.engine)).toEqual([expect.objectContaining({ admin1: spellings[0] })]);
    expect(mixed.engine.current()).toEqual(one.engine.current());
    expect(mixed.events).toEqual(one.events);
    const escalations = changes(mixed.events).filter((e) => e.admin1 !== null);
    expect(escalations).toEqual([expect.objectContaining({ type: 'RiskEscalated', admin1: spellings[0], escalationId: `COD/${spellings[0]}/2024-01-01/high` })]);
    expect(admin1s(mixed.engine)[0]).toMatchObject({ level: 'high' });
  });

  it('given an area named by its first spelling, when later days spell it otherwise, then it keeps its name, and a fall reverses the escalation by its id', () => {
    const engine = new RiskEngine();
    const events: RiskEvent[] = [];
    for (let i = 0; i < 16; i++) events.push(...engine.ingestSignal(battle(0, 'Nord-Kivu')));
    // Quiet months after, reported under other spellings.
    for (let d = 1; d < 200; d += 7) events.push(...engine.ingestSignal({ ...battle(d, d % 2 ? 'NORD KIVU' : 'nord-kivu'), fatalities: 0 }));
    events.push(...engine.closeThrough(on(200)));
    const area = events.filter((e) => e.admin1 !== null);
    expect(new Set(area.map((e) => e.admin1))).toEqual(new Set(['Nord-Kivu']));
    const up = changes(area).filter((e) => e.type === 'RiskEscalated');
    const down = changes(area).filter((e) => e.type === 'RiskDeescalated');
    expect(up.length).toBeGreaterThan(0);
    expect(down.length).toBeGreaterThan(0);
    for (const e of down) expect(up.map((u) => u.escalationId)).toContain(e.escalationId);
  });

  it('given a name that keys to nothing, then it counts in the country only', () => {
    const engine = new RiskEngine();
    engine.ingestSignal(battle(0, ' - '));
    engine.assessOpenDay();
    expect(admin1s(engine)).toEqual([]);
  });

  it('given a snapshot taken when the engine split one admin1 by spelling, when restored, then the spellings are one area under the first, carrying on as one spelling throughout would', () => {
    // Two quiet halves of one province, each below any threshold, as the engine kept them before.
    const half = (admin1: string) => Array.from({ length: 8 }, (_, i) => battle(Math.floor(i / 2) * 3, admin1));
    const split = new RiskEngine();
    for (const s of [...half('Nord-Kivu'), ...half('Other')].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) split.ingestSignal(s);
    split.closeThrough(on(9));
    // The spelling the old engine kept apart: "Other" stood for "Nord Kivu".
    const legacy = JSON.parse(JSON.stringify(split.snapshot()).replaceAll('"Other"', '"Nord Kivu"')) as RiskEngineSnapshot;
    expect(legacy.areas[0].children.map((c) => c.admin1)).toEqual(['Nord-Kivu', 'Nord Kivu']);

    const restored = RiskEngine.restore(legacy);
    expect(restored.snapshot().areas[0].children.map((c) => c.admin1)).toEqual(['Nord-Kivu']);

    const straight = new RiskEngine();
    for (const s of [...half('Nord-Kivu'), ...half('Nord Kivu')].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) straight.ingestSignal(s);
    straight.closeThrough(on(9));

    // Then the same flare-up, spelled a third way.
    const flare = Array.from({ length: 12 }, () => battle(10, 'NORD-KIVU'));
    const after = (engine: RiskEngine) => [...flare.flatMap((s) => engine.ingestSignal(s)), ...engine.assessOpenDay(), ...engine.closeThrough(on(12))];
    const merged = after(restored);
    const expected = after(straight);
    const area = (events: RiskEvent[]) => events.filter((e) => e.admin1 !== null).map((e) => ({ type: e.type, admin1: e.admin1, level: e.type === 'RiskAssessed' ? e.level : e.newLevel, score: e.score }));
    expect(area(merged)).toEqual(area(expected));
    expect(changes(merged).filter((e) => e.admin1 !== null)).toEqual([expect.objectContaining({ type: 'RiskEscalated', admin1: 'Nord-Kivu' })]);
    // Summed in another order, the accumulators may differ in the last bits; the scores do not.
    expect(restored.current().map((a) => [a.admin1, a.level, a.score])).toEqual(straight.current().map((a) => [a.admin1, a.level, a.score]));
  });
});
