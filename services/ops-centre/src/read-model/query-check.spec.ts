import { describe, expect, it } from 'vitest';
import { QueryCheck } from './query-check';

/** The answer every service gives a malformed query: 400 REQUEST.INVALID naming each field (was 422 OPS_CENTRE.QUERY_INVALID here). */
const refusal = (errors: Array<{ field: string; reason: string }>) =>
  expect.objectContaining({ status: 400, response: expect.objectContaining({ code: 'REQUEST.INVALID', errors }) });

describe('QueryCheck', () => {
  it('passes good values through, upper-cases countries and defaults an absent limit', () => {
    const q = new QueryCheck();
    expect([q.limit(undefined), q.limit('50'), q.country('mli'), q.uuid('alertId', '0b8e6c1a-8f2e-4c55-9a55-2f1f6f0c2b11'), q.oneOf('action', 'view', ['view', 'close'])]).toEqual([
      200,
      50,
      'MLI',
      '0b8e6c1a-8f2e-4c55-9a55-2f1f6f0c2b11',
      'view',
    ]);
    expect(() => q.done()).not.toThrow();
  });

  it("decodes a cursor with the listing's own decoder, and names one it did not write with the other faults", () => {
    const decode = (c: string) => (c === 'good' ? { after: 1 } : undefined);
    const ok = new QueryCheck();
    expect([ok.cursor(undefined, decode), ok.cursor('good', decode)]).toEqual([undefined, { after: 1 }]);
    expect(() => ok.done()).not.toThrow();
    const q = new QueryCheck();
    q.limit('0');
    q.cursor('forged', decode);
    expect(() => q.done()).toThrow(
      refusal([
        { field: 'limit', reason: 'must be an integer from 1 to 1000' },
        { field: 'cursor', reason: 'is not a cursor this API returned' },
      ]),
    );
  });

  it("asks by XKX for Kosovo's UNK, the code what is recorded of Kosovo is keyed under", () => {
    const q = new QueryCheck();
    expect([q.country('UNK'), q.country('unk'), q.country('XKX')]).toEqual(['XKX', 'XKX', 'XKX']);
    expect(() => q.done()).not.toThrow();
  });

  it('refuses a code that names no country, which a regional officer was told was another region\'s; takes exercise codes (user-assigned)', () => {
    const q = new QueryCheck();
    expect(q.country('QZX')).toBe('QZX');
    expect(() => q.done()).not.toThrow();
    q.country('MAL');
    expect(() => q.done()).toThrow(refusal([{ field: 'country', reason: 'MAL is not an ISO 3166-1 country' }]));
  });

  it('names every bad parameter in one error, and never clamps a limit', () => {
    const q = new QueryCheck();
    for (const v of ['0', '1001', '2.5', 'abc', '']) q.limit(v);
    q.country('Mali');
    q.uuid('alertId', '42');
    q.oneOf('action', 'delete', ['view', 'close']);
    expect(() => q.done()).toThrow(
      refusal([
        ...Array.from({ length: 5 }, () => ({ field: 'limit', reason: 'must be an integer from 1 to 1000' })),
        { field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' },
        { field: 'alertId', reason: 'must be a UUID' },
        { field: 'action', reason: 'must be one of view, close' },
      ]),
    );
  });

  it('refuses an empty actor, which was read as no filter and answered every actor\'s entries; a blank one is a value', () => {
    const q = new QueryCheck();
    expect([q.actor(undefined), q.actor('  '), q.actor('officer-1')]).toEqual([undefined, '  ', 'officer-1']);
    expect(() => q.done()).not.toThrow();
    q.actor('');
    expect(() => q.done()).toThrow(refusal([{ field: 'actor', reason: 'must not be empty (an empty filter would match every actor)' }]));
  });

  it('answers a malformed value REQUEST.INVALID (400), as early-warning and mediation do, naming a cursor it did not write with the others', () => {
    const q = new QueryCheck();
    q.limit('abc');
    q.invalid('cursor', 'is not a cursor this API returned');
    expect(() => q.done()).toThrow(refusal([{ field: 'limit', reason: 'must be an integer from 1 to 1000' }, { field: 'cursor', reason: 'is not a cursor this API returned' }]));
  });

  it("refuses a country and a region that exclude each other (they matched nothing, read as nothing happening), naming the country's desk", () => {
    const both = (country: string, region: string) => {
      const q = new QueryCheck();
      q.region(region);
      q.country(country);
      return q;
    };
    expect(() => both('PSE', 'africa').done()).toThrow(
      refusal([{ field: 'country', reason: 'PSE is a country of region middle-east, not of region africa: give one of the two, or both of one desk' }]),
    );
    expect(both('XAA', 'africa').faults).toEqual([{ field: 'country', reason: 'XAA is a country of no regional desk, not of region africa: give one of the two, or both of one desk' }]);
    expect(() => both('pse', 'middle-east').done()).not.toThrow();
    // A malformed value of either is named for itself, not also as a contradiction.
    expect(both('PSX', 'africa').faults.map((f) => f.reason)).toEqual(['PSX is not an ISO 3166-1 country']);
    expect(both('PSE', 'atlantis').faults.map((f) => f.field)).toEqual(['region']);
  });
});
