import { describe, expect, it } from 'vitest';
import { COUNTRIES, countryByIso3 } from '@crisis-ops/geo';
import { countryCodeRows } from '../../web/country-codes';
import { countryNamer } from '../../web/src/country-namer';

describe('the country names the console is built with', () => {
  const nameOf = countryNamer(countryCodeRows());

  it('name a country as the API does, Kosovo included', () => {
    expect(nameOf('RWA')).toBe('Rwanda');
    expect(nameOf('XKX')).toBe('Kosovo');
    for (const c of COUNTRIES) expect(nameOf(c.iso3), c.iso3).toBe(countryByIso3(c.iso3)?.name);
  });

  it('give the code of a country they do not know, as /risk does', () => {
    expect(nameOf('QZX')).toBe('QZX');
  });

  it("give the map each shape's country by the TopoJSON's three-digit numeric id", () => {
    expect(countryCodeRows().find(([, iso3]) => iso3 === 'RWA')?.[0]).toBe('646');
    expect(countryCodeRows().find(([, iso3]) => iso3 === 'AFG')?.[0]).toBe('004');
    // The desk, for the map to tell a country not shown to a regional token from one with no data.
    expect(countryCodeRows().find(([, iso3]) => iso3 === 'NER')?.[3]).toBe('africa');
    expect(countryCodeRows().find(([, iso3]) => iso3 === 'ATA')?.[3]).toBe('');
  });
});
