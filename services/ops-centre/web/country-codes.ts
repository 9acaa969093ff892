// By path, as the console imports the read model's modules: the names the API gives (@crisis-ops/geo).
import { COUNTRIES } from '../../../libs/geo/src/countries';

/** A country for the console: [ISO numeric, three digits ('' where none is assigned), alpha-3, name, desk ('' where none)]. */
export type CountryCodeRow = readonly [string, string, string, string];

/**
 * Every country the platform knows, as `virtual:country-codes` gives them to the console at build
 * time: the map finds a shape's country by its numeric id, and the risk board names a country the
 * stream brings live as `/risk` names it, and the map which desk a country is on (a regional officer's
 * map says which countries are not shown to them). Kosovo included (XKX, no numeric code).
 */
export const countryCodeRows = (): CountryCodeRow[] =>
  COUNTRIES.map((c) => [c.isoNumeric === null ? '' : String(c.isoNumeric).padStart(3, '0'), c.iso3, c.name, c.desk ?? ''] as const);
