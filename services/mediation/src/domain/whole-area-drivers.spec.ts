import { describe, expect, it } from 'vitest';
import { eventAsHeld, rehydrate, stateAsHeld, type ProcessState } from './mediation-process';
import type { ProposeProcess } from './mediation.commands';
import type { RiskDriver } from './mediation.types';
import { given } from './testing/given-when-then';
import { opened, proposed } from './testing/fixtures';

/*
 * A driver of no particular admin1 (the whole area escalated) is null in mediation's answers, as in
 * early-warning's and the operations centre's. proto3 spells it '', and so did the histories
 * mediation stored before: those are never rewritten, so they are read as null.
 */
const wholeArea = (area: string | null): RiskDriver => ({ kind: 'battles', label: 'Armed clashes', area, count: 14, weight: 1 });
const storedBefore = () => proposed({ admin1: null, drivers: [wholeArea(''), { kind: 'protests', label: 'Protests', area: 'Mopti', count: 3, weight: 0.2 }] });
const propose = (drivers: RiskDriver[]): ProposeProcess => ({ type: 'Propose', country: 'MLI', region: 'africa', track: 'good_offices', lead: 'special_envoy', drivers });
const envoy = { name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female' } as const;

describe('a driver of the whole area', () => {
  it("given no history, when proposed with area '' (as proto3 carries it) or null, then MediationProposed holds null for both", () => {
    const [event] = given().when(propose([wholeArea(''), wholeArea(null), wholeArea(' '), wholeArea('Mopti')])).then({ type: 'MediationProposed' });
    expect(event.type === 'MediationProposed' && event.drivers.map((d) => d.area)).toEqual([null, null, null, 'Mopti']);
  });

  it("given a history stored with area '', when a command follows, then the process holds null and the admin1's driver keeps its area", () => {
    const outcome = given(storedBefore()).when({ type: 'Activate', mandate: 'SC res', envoy });
    outcome.then({ type: 'MediationOpened' }, { type: 'EnvoyAppointed' });
    expect(outcome.state?.drivers.map((d) => d.area)).toEqual([null, 'Mopti']);
    expect(rehydrate([storedBefore(), opened()])?.drivers[0]).toEqual(wholeArea(null));
  });

  it("reads a stored MediationProposed and a stored snapshot holding '' as null, leaving other events as stored", () => {
    const held = eventAsHeld(storedBefore());
    expect(held).toMatchObject({ type: 'MediationProposed', drivers: [{ kind: 'battles', area: null }, { kind: 'protests', area: 'Mopti' }] });
    const other = opened();
    expect(eventAsHeld(other)).toBe(other);
    const snapshot = { ...(rehydrate([proposed()]) as ProcessState), drivers: [wholeArea('')] };
    expect(stateAsHeld(snapshot).drivers).toEqual([wholeArea(null)]);
  });

  it('refuses an area that is no text, naming the driver\'s field (invalid)', () => {
    const err = given()
      .when(propose([wholeArea(null), { ...wholeArea(null), area: 7 as never }, wholeArea('x'.repeat(201))]))
      .thenRejects('drivers[1].area', 'drivers[2].area');
    expect(err.violations).toEqual([
      { field: 'drivers[1].area', reason: 'must be a string' },
      { field: 'drivers[2].area', reason: 'must be at most 200 characters' },
    ]);
  });
});
