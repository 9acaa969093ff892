import { describe, expect, it } from 'vitest';
import { CE_RISK_ESCALATED, CE_SIGNAL_RECORDED } from '@crisis-ops/contracts';
import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { deskOf, isGlobal, readableDesks } from '../access/access-policy';
import { admits, assertMayStream, matchesFilter, parseStreamFilter, scopeOf, visibleTo } from './stream-filter';
import { streamItemOf } from './stream-item';

const item = (type: string, payload: Record<string, unknown>) =>
  streamItemOf({ id: 'x', type, source: 'early-warning', topic: 't', time: new Date(), traceId: null }, payload, deskOf);
const mali = item(CE_RISK_ESCALATED, { country: 'MLI', newLevel: 'RISK_LEVEL_HIGH' });
const syria = item(CE_RISK_ESCALATED, { country: 'SYR', newLevel: 'RISK_LEVEL_CRITICAL' });
const signal = item(CE_SIGNAL_RECORDED, { country: 'MLI' });
const nowhere = item(CE_SIGNAL_RECORDED, { country: 'QZX' });

const africa = { roles: ['watch-officer'], region: 'africa' };
const noRegion = { roles: ['watch-officer'], region: null };

describe('stream authorization', () => {
  it('gives a regional user only events of its desk', () => {
    expect(mali.desk).toBe('africa');
    expect(syria.desk).toBe('middle-east');
    expect(visibleTo(africa, mali)).toBe(true);
    expect(visibleTo(africa, syria)).toBe(false);
    expect(visibleTo(africa, nowhere)).toBe(false);
    expect(visibleTo(noRegion, mali)).toBe(false);
  });

  it('gives global users everything: role global-watch-officer or region "global"', () => {
    for (const p of [{ roles: ['global-watch-officer'], region: null }, { roles: ['watch-officer'], region: 'global' }, { roles: ['global-viewer'], region: 'africa' }]) {
      expect(isGlobal(p)).toBe(true);
      expect([mali, syria, nowhere].every((i) => visibleTo(p, i))).toBe(true);
    }
    expect(isGlobal(africa)).toBe(false);
  });

  it('cannot be widened by a filter: asking for another region still yields nothing', () => {
    const f = parseStreamFilter({ region: 'middle-east' });
    expect(admits(africa, f, syria)).toBe(false);
    expect(() => readableDesks(africa, 'middle-east')).toThrow();
    expect(readableDesks(africa)).toEqual(['africa']);
    expect(readableDesks({ roles: ['global-watch-officer'], region: null })).toBeUndefined();
  });

  it('gives a principal without a region an empty listing, and refuses it any desk it asks for', () => {
    const engineer = { roles: ['ops-engineer'], region: null };
    expect(readableDesks(engineer)).toEqual([]);
    expect(() => readableDesks(engineer, 'africa')).toThrow(expect.objectContaining({ code: 'OPS_CENTRE.REGION_FORBIDDEN' }));
  });

  it('answers a desk that does not exist as a wrong question (naming region), for global and regional principals alike', () => {
    for (const p of [africa, { roles: ['global-watch-officer'], region: null }, { roles: [], region: null }]) {
      expect(() => readableDesks(p, 'mars')).toThrow(expect.objectContaining({ code: 'OPS_CENTRE.QUERY_INVALID', violations: [{ field: 'region', reason: expect.stringContaining('africa') }] }));
    }
  });
});

describe('stream filters', () => {
  it('filters by region, country, type and minimum level', () => {
    expect(matchesFilter(parseStreamFilter({ region: 'africa' }), mali)).toBe(true);
    expect(matchesFilter(parseStreamFilter({ region: 'africa,americas' }), syria)).toBe(false);
    expect(matchesFilter(parseStreamFilter({ country: 'mli' }), mali)).toBe(true);
    expect(matchesFilter(parseStreamFilter({ country: 'SYR' }), mali)).toBe(false);
    expect(matchesFilter(parseStreamFilter({ type: 'risk-escalated' }), signal)).toBe(false);
    expect(matchesFilter(parseStreamFilter({ type: CE_SIGNAL_RECORDED }), signal)).toBe(true);
    expect(matchesFilter(parseStreamFilter({ minLevel: 'critical' }), mali)).toBe(false);
    expect(matchesFilter(parseStreamFilter({ minLevel: 'high' }), mali)).toBe(true);
    expect(matchesFilter(parseStreamFilter({ minLevel: '3' }), signal)).toBe(false);
    expect(matchesFilter(parseStreamFilter({}), signal)).toBe(true);
  });

  it('rejects unknown regions, malformed countries and levels', () => {
    expect(() => parseStreamFilter({ region: 'mars' })).toThrow(ValidationFailed);
    expect(() => parseStreamFilter({ country: 'MALI' })).toThrow(ValidationFailed);
    // A code that names no country would give a stream that stays empty; exercise codes are taken.
    expect(() => parseStreamFilter({ country: 'MLI,MAL' })).toThrow(expect.objectContaining({ violations: [{ field: 'country', reason: 'MAL: not an ISO 3166-1 country' }] }));
    expect(parseStreamFilter({ country: 'qzx' }).countries).toEqual(['QZX']);
    expect(() => parseStreamFilter({ minLevel: 'extreme' })).toThrow(ValidationFailed);
  });

  it('refuses a country outside every region asked, which would match nothing (a silent stream read as nothing happening)', () => {
    expect(() => parseStreamFilter({ country: 'PSE,MLI', region: 'africa' })).toThrow(
      expect.objectContaining({
        code: 'OPS_CENTRE.STREAM_FILTER_INVALID',
        violations: [{ field: 'country', reason: 'PSE (region middle-east): not of the region asked (africa), so it would match nothing: give countries of those regions, or no region' }],
      }),
    );
    expect(() => parseStreamFilter({ country: 'QZX', region: 'africa' })).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ reason: expect.stringContaining('QZX (no regional desk)') })] }));
    expect(parseStreamFilter({ country: 'PSE,MLI', region: 'africa,middle-east' })).toMatchObject({ countries: ['PSE', 'MLI'] });
  });

  it('refuses a list given with no item, naming it, rather than reading it as no filter (everything)', () => {
    const fieldsOf = (q: Record<string, unknown>) => {
      try {
        parseStreamFilter(q);
        return [];
      } catch (err) {
        return (err as ValidationFailed).violations.map((v) => v.field);
      }
    };
    for (const value of ['', ',', ' ', ' , ', ['', ',']]) {
      expect(fieldsOf({ type: value, country: value, region: value }), JSON.stringify(value)).toEqual(['region', 'country', 'type']);
    }
    expect(fieldsOf({ minLevel: '' })).toEqual(['minLevel']);
    // A blank item beside a value is harmless; a parameter left out is no filter.
    expect(parseStreamFilter({ country: 'MLI,', type: ',risk-escalated' })).toMatchObject({ countries: ['MLI'], types: ['risk-escalated'] });
    expect(parseStreamFilter({})).toEqual({});
  });

  it('rejects an event type it does not know, naming it, so a misspelt filter is not an empty stream', () => {
    let error: unknown;
    try {
      parseStreamFilter({ type: 'risk-escalated,risk_escalated' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).violations).toEqual([{ field: 'type', reason: expect.stringMatching(/^risk_escalated: not an event type; use .*risk-escalated/) }]);
    expect(parseStreamFilter({ type: `signal-recorded,${CE_SIGNAL_RECORDED}` }).types).toEqual(['signal-recorded', CE_SIGNAL_RECORDED]);
  });
});

describe('a filter naming what the principal may not see', () => {
  const refusal = expect.objectContaining({ code: 'OPS_CENTRE.REGION_FORBIDDEN', kind: 'forbidden' });

  it("is refused as on /timeline: another desk's country or region, or a country of no desk, for a regional user", () => {
    const europe = { roles: ['watch-officer'], region: 'europe-central-asia' };
    expect(() => assertMayStream(europe, parseStreamFilter({ country: 'MLI' }))).toThrow(refusal);
    expect(() => assertMayStream(africa, parseStreamFilter({ country: 'MLI,NOR' }))).toThrow(refusal);
    expect(() => assertMayStream(africa, parseStreamFilter({ country: 'QZX' }))).toThrow(refusal);
    expect(() => assertMayStream(africa, parseStreamFilter({ region: 'middle-east' }))).toThrow(refusal);
    expect(() => assertMayStream(noRegion, parseStreamFilter({ country: 'MLI' }))).toThrow(refusal);
  });

  it('is taken when the principal may see all it names, and so is no filter at all', () => {
    expect(() => assertMayStream(africa, parseStreamFilter({ country: 'MLI', region: 'africa' }))).not.toThrow();
    expect(() => assertMayStream(africa, parseStreamFilter({}))).not.toThrow();
    expect(() => assertMayStream(noRegion, parseStreamFilter({ type: 'risk-escalated' }))).not.toThrow();
    expect(() => assertMayStream({ roles: ['global-watch-officer'], region: null }, parseStreamFilter({ country: 'QZX,MLI' }))).not.toThrow();
    expect(() => assertMayStream({ roles: ['global-watch-officer'], region: null }, parseStreamFilter({ country: 'BRA', region: 'americas' }))).not.toThrow();
  });
});

describe('catch-up scope (what the database may narrow a reconnect to)', () => {
  const global = { roles: ['global-watch-officer'], region: null };
  const items = [mali, syria, signal, nowhere];

  it('never leaves out an event the exact filter admits', () => {
    const filters = [{}, { countries: ['MLI'] }, { regions: ['middle-east'] }, { types: ['signal-recorded'] }, { types: [CE_RISK_ESCALATED], minLevel: 3 }, { regions: ['africa'], countries: ['SYR'] }];
    for (const p of [global, africa, noRegion]) {
      for (const f of filters) {
        const scope = scopeOf(p, f);
        for (const e of items.filter((x) => admits(p, f, x))) {
          expect(!scope.countries || (e.country !== null && scope.countries.includes(e.country)), `${JSON.stringify([p, f])} ${e.country}`).toBe(true);
          expect(!scope.types || scope.types.includes(e.name) || scope.types.includes(e.type)).toBe(true);
        }
      }
    }
  });

  it("narrows a regional console to its desk's countries, and one without a region to none", () => {
    expect(scopeOf(africa, {}).countries).toContain('MLI');
    expect(scopeOf(africa, {}).countries).not.toContain('SYR');
    expect(scopeOf(africa, { regions: ['middle-east'] }).countries).toEqual([]);
    expect(scopeOf(noRegion, {}).countries).toEqual([]);
    expect(scopeOf(global, {})).toEqual({ countries: undefined, types: undefined });
    expect(scopeOf(global, { countries: ['QZX'] }).countries).toEqual(['QZX']);
  });
});
