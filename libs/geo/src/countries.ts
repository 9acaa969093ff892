import worldCountries from 'world-countries';
import { deskFor, type DeskId } from './desks';
import { NAME_ALIASES, countryKeys, countryNameKey } from './country-names';

export interface Country {
  /** ISO 3166-1 alpha-3, upper case; the platform's country key. */
  readonly iso3: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly iso2: string;
  /** ISO 3166-1 numeric as a number (ACLED's `iso` column), or null where none is assigned. */
  readonly isoNumeric: number | null;
  /** Common English name. */
  readonly name: string;
  readonly officialName: string;
  /** Source region: Africa, Americas, Asia, Europe, Oceania, Antarctic. */
  readonly region: string;
  /** Source sub-region, e.g. "Western Africa"; empty where the source has none. */
  readonly subregion: string;
  /** The pillar's regional desk; null only for the uninhabited Antarctic territories. */
  readonly desk: DeskId | null;
  /** False for user-assigned codes (Kosovo). */
  readonly officiallyAssigned: boolean;
  readonly unMember: boolean;
}

/**
 * Kosovo has no ISO code; the package uses "UNK" (UNMIK), most datasets and the World Bank use the
 * user-assigned "XKX", so the platform keys it as XKX and still resolves UNK.
 */
const ISO3_OVERRIDES: Readonly<Record<string, string>> = { UNK: 'XKX' };

function build(): readonly Country[] {
  return worldCountries
    .map((c): Country => {
      const iso3 = ISO3_OVERRIDES[c.cca3] ?? c.cca3;
      return {
        iso3,
        iso2: c.cca2,
        isoNumeric: c.ccn3 ? Number(c.ccn3) : null,
        name: c.name.common,
        officialName: c.name.official,
        region: c.region,
        subregion: c.subregion ?? '',
        desk: deskFor(iso3, c.region, c.subregion ?? ''),
        officiallyAssigned: c.status === 'officially-assigned',
        unMember: c.unMember,
      };
    })
    .sort((a, b) => a.iso3.localeCompare(b.iso3));
}

/** Every ISO 3166-1 country and territory (plus Kosovo), sorted by alpha-3. */
export const COUNTRIES: readonly Country[] = Object.freeze(build());

const byIso3 = new Map<string, Country>();
const byIso2 = new Map<string, Country>();
const byNumeric = new Map<number, Country>();
const byName = new Map<string, Country>();

for (const country of COUNTRIES) {
  byIso3.set(country.iso3, country);
  byIso2.set(country.iso2, country);
  if (country.isoNumeric !== null) byNumeric.set(country.isoNumeric, country);
}
for (const [code, iso3] of Object.entries(ISO3_OVERRIDES)) byIso3.set(code, byIso3.get(iso3) as Country);

// Earlier sources win on a clash: common names, then aliases, then official names, then the
// package's alternative spellings (which include two-letter codes and native names).
function addName(name: string, country: Country): void {
  const key = countryNameKey(name);
  if (key && !byName.has(key)) byName.set(key, country);
}
for (const country of COUNTRIES) addName(country.name, country);
for (const [alias, iso3] of Object.entries(NAME_ALIASES)) {
  const country = byIso3.get(iso3);
  if (!country) throw new Error(`geo: alias "${alias}" points at unknown country ${iso3}`);
  addName(alias, country);
}
for (const country of COUNTRIES) addName(country.officialName, country);
for (const raw of worldCountries) {
  const country = byIso3.get(ISO3_OVERRIDES[raw.cca3] ?? raw.cca3) as Country;
  for (const spelling of raw.altSpellings) if (spelling.length > 2) addName(spelling, country);
}

/**
 * The code the platform keys a country under, given the code a caller sent: XKX for UNK
 * (ISO3_OVERRIDES), any other as it is (checking it is the caller's business). What is recorded is
 * keyed by it, so a query must ask by it too: by UNK, it found nothing of Kosovo's.
 */
export const platformIso3 = (code: string): string => ISO3_OVERRIDES[code] ?? code;

/** The country with this ISO 3166-1 alpha-3 code (case-insensitive), or undefined. */
export function countryByIso3(code: string): Country | undefined {
  return byIso3.get(code.trim().toUpperCase());
}

/**
 * Whether a code lies in ISO 3166-1's user-assigned alpha-3 ranges (AAA–AAZ, QMA–QZZ, XAA–XZZ,
 * ZZA–ZZZ), which never name a country. The platform's exercises and test suites use them so they
 * cannot touch a real country's risk.
 */
export const isUserAssignedCountry = (code: string): boolean =>
  // XKX is in the range, but the codes' users (and this list) take it for Kosovo.
  /^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$/.test(code) && !byIso3.has(code);

/** The country with this ISO 3166-1 alpha-2 code (case-insensitive), or undefined. */
export function countryByIso2(code: string): Country | undefined {
  return byIso2.get(code.trim().toUpperCase());
}

/** The country with this ISO 3166-1 numeric code (ACLED's `iso` column), or undefined. */
export function countryByNumeric(code: number): Country | undefined {
  return byNumeric.get(code);
}

/**
 * The country a name refers to, as spelled by datasets (ACLED, UCDP, World Bank, the package's own
 * spellings); insensitive to case, diacritics and punctuation. Undefined when unknown.
 */
export function countryByName(name: string): Country | undefined {
  for (const key of countryKeys(name)) {
    const found = byName.get(key);
    if (found) return found;
  }
  return undefined;
}

/** A country by alpha-3, alpha-2 or name, in that order; for loosely typed inputs. */
export function resolveCountry(value: string): Country | undefined {
  const trimmed = value.trim();
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const found = countryByIso3(trimmed);
    if (found) return found;
  }
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const found = countryByIso2(trimmed);
    if (found) return found;
  }
  return countryByName(trimmed);
}

/** The countries a desk covers, sorted by alpha-3. */
export function countriesOfDesk(desk: DeskId): readonly Country[] {
  return COUNTRIES.filter((c) => c.desk === desk);
}
