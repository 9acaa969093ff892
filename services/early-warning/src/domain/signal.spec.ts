import { describe, expect, it } from 'vitest';
import { SIGNAL_SUB_TYPES, SIGNAL_TYPES, monthlyObservation, resolveRiskParameters, toWireName, validateSignal } from './index';

describe('Signal', () => {
  it('given a complete input, when validated, then it is a signal with defaults filled in', () => {
    const result = validateSignal({ source: 'field-monitor', id: 'fm-1', country: 'BFA', type: 'battles', subType: 'armed_clash', occurredAt: '2021-06-05', admin1: ' Sahel ', fatalities: 3, severity: 4 });
    expect(result).toMatchObject({ ok: true, value: { id: 'fm-1', country: 'BFA', admin1: 'Sahel', type: 'battles', subType: 'armed_clash', fatalities: 3, severity: 4, latitude: null } });
    if (result.ok) expect(result.value.reportedAt.toISOString()).toBe('2021-06-05T00:00:00.000Z');
  });

  it('given many bad fields, when validated, then every violation is named at once', () => {
    const result = validateSignal({ source: '', country: 'bf', type: 'war', occurredAt: 'June 5', fatalities: -1, severity: 9, latitude: 12 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.violations.map((v) => v.field).sort()).toEqual(['country', 'fatalities', 'longitude', 'occurredAt', 'severity', 'source', 'type']);
    }
  });

  it('reads a number from a file only as a plain decimal, not as hex, binary or an exponent', () => {
    const base = { source: 'file', country: 'BFA', type: 'battles', occurredAt: '2021-06-05' };
    expect(validateSignal({ ...base, fatalities: ' 7 ', latitude: '12.5', longitude: '-1.25' })).toMatchObject({ ok: true, value: { fatalities: 7, latitude: 12.5, longitude: -1.25 } });
    for (const fatalities of ['0x10', '0b11', '1e3', '7 people']) {
      expect(validateSignal({ ...base, fatalities }), fatalities).toMatchObject({ ok: false, violations: [{ field: 'fatalities', reason: 'must be a number' }] });
    }
  });

  it('rejects an unknown country, a sub-type of another type and an event reported before it happened', () => {
    const unknown = validateSignal({ source: 's', country: 'XXX', type: 'riots', subType: 'armed_clash', occurredAt: '2021-06-05', reportedAt: '2021-06-01' });
    expect(unknown.ok ? [] : unknown.violations.map((v) => v.field).sort()).toEqual(['country', 'occurredAt', 'subType']);
  });

  it('refuses a day before 1900 (a typo year), which started its country\'s risk history centuries early', () => {
    const base = { source: 's', country: 'BFA', type: 'riots' };
    expect(validateSignal({ ...base, occurredAt: '1900-01-01' }).ok).toBe(true);
    for (const occurredAt of ['0001-01-01', '1800-06-05', '1899-12-31T23:59:59Z']) {
      expect(validateSignal({ ...base, occurredAt }), occurredAt).toMatchObject({ ok: false, violations: [{ field: 'occurredAt', reason: 'must be on or after 1900-01-01' }] });
    }
  });

  it('keeps the existing wire names and maps ACLED labels onto them', () => {
    expect(SIGNAL_TYPES.slice(0, 6)).toEqual(['battles', 'explosions_remote_violence', 'violence_against_civilians', 'riots', 'protests', 'strategic_developments']);
    expect(toWireName('Explosions/Remote violence')).toBe('explosions_remote_violence');
    expect(toWireName('Shelling/artillery/missile attack')).toBe('shelling_artillery_missile_attack');
    expect(SIGNAL_SUB_TYPES.strategic_developments).toContain(toWireName('Non-violent transfer of territory'));
  });
});

describe('AggregateObservation', () => {
  it('covers the calendar month of its counts', () => {
    const result = monthlyObservation({ source: 'x', country: 'ZAF', year: 2024, month: 2, events: 3, fatalities: 1 });
    expect(result.ok && [result.value.periodStart.toISOString(), result.value.periodEnd.toISOString()]).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(monthlyObservation({ source: 'x', country: 'ZAF', year: 2024, month: 13, events: -1, fatalities: 0 }).ok).toBe(false);
  });

  it('refuses, naming the field, a monthly count too large to be real (or to store)', () => {
    const result = monthlyObservation({ source: 'x', country: 'ZAF', year: 2024, month: 2, events: 30_000_000_000, fatalities: 1 });
    expect(result.ok ? [] : result.violations).toEqual([{ field: 'events', reason: 'must be a whole number from 0 to 100000000' }]);
    const named = monthlyObservation({ source: 'x', country: 'ZAF', year: 2024, month: 2, events: 1, fatalities: 1, admin1: 'x'.repeat(201) });
    expect(named.ok ? [] : named.violations.map((v) => v.field)).toEqual(['admin1']);
  });
});

describe('RiskParameters', () => {
  it('rejects thresholds whose exit is not below their enter and windows in the wrong order', () => {
    const result = resolveRiskParameters({ thresholds: { elevated: { enter: 35, exit: 40 }, high: { enter: 60, exit: 50 }, critical: { enter: 80, exit: 70 } }, baselineWindowDays: 10 });
    expect(result.ok ? [] : result.violations.map((v) => v.field)).toEqual(['baselineWindowDays', 'thresholds.elevated']);
    expect(resolveRiskParameters({ minDwellDays: 14 }).ok).toBe(true);
  });
});
