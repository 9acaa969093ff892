import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskSignal } from '../domain';
import type { AreaSnapshot } from '../domain/risk-area';
import { changedAreas, joinSnapshot, splitSnapshot } from './engine-store';

const signal = (day: number, admin1: string | null): RiskSignal => ({ country: 'MLI', admin1, occurredAt: new Date(Date.UTC(2025, 0, 1 + day)), type: 'battles', subType: null, fatalities: 3, severity: null });

describe('engine store', () => {
  it('splits an engine into per-area documents and joins them back into the same engine', () => {
    const engine = new RiskEngine();
    for (let d = 0; d < 40; d++) for (const a of ['Mopti', 'Gao', null]) engine.ingestSignal(signal(d, a));
    engine.assessOpenDay();
    const split = splitSnapshot(engine.snapshot());
    expect([...split.areas.keys()].sort()).toEqual(['', 'Gao', 'Mopti']);
    const rows = [...split.areas].map(([admin1, json]) => ({ admin1, state: JSON.parse(json) as AreaSnapshot }));
    const restored = RiskEngine.restore(joinSnapshot(JSON.parse(JSON.stringify(split.header)), rows.reverse()));
    expect(restored.current()).toEqual(engine.current());
    expect(restored.ingestSignal(signal(41, 'Gao'))).toEqual(engine.ingestSignal(signal(41, 'Gao')));
  });

  it('rewrites only the areas a signal of the open day changed', () => {
    const engine = new RiskEngine();
    for (const a of ['Mopti', 'Gao', 'Kidal']) engine.ingestSignal(signal(0, a));
    const before = splitSnapshot(engine.snapshot());
    engine.ingestSignal(signal(0, 'Gao'));
    expect(changedAreas(splitSnapshot(engine.snapshot()), before.areas).map(([a]) => a).sort()).toEqual(['', 'Gao']);
  });

  it('keeps reading a header that still holds its areas', () => {
    const engine = new RiskEngine();
    engine.ingestSignal(signal(0, 'Gao'));
    const full = engine.snapshot();
    expect(joinSnapshot(full, [])).toBe(full);
  });
});
