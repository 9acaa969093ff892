import { describe, expect, it } from 'vitest';
import { RiskEngine, dayOf, type RiskSignal } from '../domain';
import { countryContextOn, RecordedContext, rowsInForce, type ContextRow } from './recorded-context';

const DAY = 86_400_000;
const day0 = dayOf(new Date(Date.UTC(2025, 5, 1)));
const at = (d: number, hour = 0): Date => new Date((day0 + d) * DAY + hour * 3_600_000);
const agreement = (from: number, days: number, overrides: Partial<ContextRow> = {}): ContextRow => ({
  admin1: null,
  kind: 'agreement_reached',
  label: 'Ceasefire reached',
  points: -10,
  fromDay: day0 + from,
  untilDay: day0 + from + days,
  reference: 'p-1/a-1',
  ...overrides,
});
const national = { country: 'BFA', admin1: null };

describe('RecordedContext', () => {
  it('given an agreement for 90 days, then it is in force from the day it was reached through its last day, not before, not after', () => {
    const context = new RecordedContext('BFA');
    context.replace([agreement(0, 90)]);
    const adjustment = { kind: 'agreement_reached', label: 'Ceasefire reached', points: -10 };
    expect(context.adjustmentsFor(national, at(-1, 23))).toEqual([]);
    expect(context.adjustmentsFor(national, at(0))).toEqual([adjustment]);
    expect(context.adjustmentsFor(national, at(89, 23))).toEqual([adjustment]);
    expect(context.adjustmentsFor(national, at(90))).toEqual([]);
  });

  it('given any instant of a day, then the answer is the same: it depends on the event day only', () => {
    const context = new RecordedContext('BFA');
    context.replace([agreement(3, 1)]);
    const answers = [0, 6, 12, 23].map((h) => context.adjustmentsFor(national, at(3, h)));
    expect(answers.every((a) => a.length === 1)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('given national and admin1 rows, then each applies to its own area only, and never to another country', () => {
    const context = new RecordedContext('BFA');
    context.replace([agreement(0, 30), agreement(0, 30, { admin1: 'Sahel', kind: 'local_truce', label: 'Sahel truce', points: -5 })]);
    expect(context.adjustmentsFor(national, at(1)).map((a) => a.kind)).toEqual(['agreement_reached']);
    expect(context.adjustmentsFor({ country: 'BFA', admin1: 'Sahel' }, at(1)).map((a) => a.kind)).toEqual(['local_truce']);
    expect(context.adjustmentsFor({ country: 'BFA', admin1: 'Nord' }, at(1))).toEqual([]);
    expect(context.adjustmentsFor({ country: 'MLI', admin1: null }, at(1))).toEqual([]);
  });

  it('given rows replaced (a batch later), then the new rows answer from then on', () => {
    const context = new RecordedContext('BFA');
    expect(context.adjustmentsFor(national, at(5))).toEqual([]);
    context.replace([agreement(0, 30)]);
    expect(context.adjustmentsFor(national, at(5))).toHaveLength(1);
  });
});

describe('rowsInForce', () => {
  it('given two agreements in force at once, then only the one reached last counts (no stacking); the earlier counts again once the later expires', () => {
    const first = agreement(0, 90, { label: 'first', reference: 'a-1' });
    const second = agreement(10, 30, { label: 'second', reference: 'a-2' });
    expect(rowsInForce([first, second], null, day0 + 5)).toEqual([first]);
    expect(rowsInForce([first, second], null, day0 + 20)).toEqual([second]);
    expect(rowsInForce([second, first], null, day0 + 20)).toEqual([second]);
    expect(rowsInForce([first, second], null, day0 + 45)).toEqual([first]);
    const sameDay = agreement(10, 30, { label: 'recorded later' });
    expect(rowsInForce([second, sameDay], null, day0 + 20)).toEqual([sameDay]);
  });

  it('given rows of different kinds, then each kind contributes', () => {
    const election = agreement(0, 30, { kind: 'election_upcoming', points: 8 });
    expect(rowsInForce([agreement(0, 30), election], null, day0 + 1).map((r) => r.kind)).toEqual(['agreement_reached', 'election_upcoming']);
  });

  it('matches an admin1 spelt another way (case, accents, punctuation), and no other area', () => {
    const hauts = agreement(0, 30, { admin1: 'Hauts-Bassins' });
    const tillaberi = agreement(0, 30, { admin1: 'Tillabéri', kind: 'election_upcoming' });
    expect(rowsInForce([hauts, tillaberi], 'hauts bassins', day0 + 1)).toEqual([hauts]);
    expect(rowsInForce([hauts, tillaberi], 'TILLABERI', day0 + 1)).toEqual([tillaberi]);
    expect(rowsInForce([hauts, tillaberi], 'Hauts', day0 + 1)).toEqual([]);
    expect(rowsInForce([hauts, tillaberi], null, day0 + 1)).toEqual([]);
    // Two spellings are one area in the country's list, not two copies of its rows.
    expect(countryContextOn([hauts, agreement(5, 30, { admin1: 'hauts bassins' })], day0 + 6).map((r) => r.fromDay)).toEqual([day0 + 5]);
  });

  it('lists every area of a country, national first', () => {
    const rows = [agreement(0, 30, { admin1: 'Sahel' }), agreement(0, 30), agreement(0, 30, { admin1: 'Est' }), agreement(50, 30, { admin1: 'Nord' })];
    expect(countryContextOn(rows, day0 + 1).map((r) => r.admin1)).toEqual([null, 'Est', 'Sahel']);
  });
});

describe('RiskEngine with recorded context', () => {
  const attacks = (d: number): RiskSignal[] =>
    Array.from({ length: 4 }, () => ({ country: 'BFA', admin1: null, occurredAt: at(d, 12), type: 'battles', subType: null, fatalities: 3, severity: null }));

  it('given an agreement in force, then the same signals score lower by its points and the assessment names it as a driver with a negative share', () => {
    const context = new RecordedContext('BFA');
    context.replace([agreement(0, 90)]);
    const withAgreement = new RiskEngine({ context });
    const without = new RiskEngine();
    const feed = (engine: RiskEngine) => [1, 2, 3].flatMap((d) => attacks(d).flatMap((s) => engine.ingestSignal(s))).concat(engine.closeThrough(at(3)));
    const a = feed(withAgreement).filter((e) => e.type === 'RiskAssessed');
    const b = feed(without).filter((e) => e.type === 'RiskAssessed');
    const lastA = a[a.length - 1];
    const lastB = b[b.length - 1];
    expect(lastB.score).toBeGreaterThan(10);
    expect(lastA.score).toBeCloseTo(lastB.score - 10, 0);
    const driver = lastA.drivers.find((d) => d.kind === 'agreement_reached');
    expect(driver).toMatchObject({ label: 'Ceasefire reached', area: null, count: 0 });
    expect((driver?.weight ?? 0) * lastA.score).toBeCloseTo(-10, 0);
    expect(lastB.drivers.map((d) => d.kind)).not.toContain('agreement_reached');
  });

  it('given an agreement of one admin1, when two admin1s see the same signals, then that admin1 scores lower by its points, the other and the national score not at all', () => {
    const local = (d: number): RiskSignal[] => ['Sahel', 'Nord'].flatMap((admin1) => attacks(d).map((s) => ({ ...s, admin1 })));
    const context = new RecordedContext('BFA');
    context.replace([agreement(0, 90, { admin1: 'Sahel', label: 'Local agreement reached' })]);
    const feed = (engine: RiskEngine) => {
      [1, 2, 3].forEach((d) => local(d).forEach((s) => engine.ingestSignal(s)));
      engine.closeThrough(at(3));
      return new Map(engine.current().map((r) => [r.admin1, r.score]));
    };
    const withAgreement = feed(new RiskEngine({ context }));
    const without = feed(new RiskEngine());
    expect(without.get('Sahel')).toBeGreaterThan(10);
    expect(without.get('Sahel')).toBe(without.get('Nord'));
    expect(withAgreement.get('Sahel')).toBeCloseTo((without.get('Sahel') as number) - 10, 0);
    expect(withAgreement.get('Nord')).toBe(without.get('Nord'));
    expect(withAgreement.get(null)).toBe(without.get(null));
  });
});
