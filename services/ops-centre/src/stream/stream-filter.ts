import type { Principal } from '@crisis-ops/auth';
import { ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';
import { ALL_EVENT_TYPES } from '@crisis-ops/contracts';
import { countriesOfDesk, countryByIso3, DESK_IDS, isDeskId, isUserAssignedCountry } from '@crisis-ops/geo';
import { deskOf, isGlobal, maySeeDesk, readableDesks, regionForbidden } from '../access/access-policy';
import { levelOf } from '../read-model/risk-level';
import { shortNameOf, type StreamItem } from './stream-item';

/**
 * Server-side filters of the live stream and replay. Every list is "any of"; an absent filter lets
 * everything through. `minLevel` keeps only events that carry a risk level at or above it, so it
 * drops signals and mediation events.
 */
export interface StreamFilter {
  readonly regions?: readonly string[];
  readonly countries?: readonly string[];
  /** Short names ("risk-escalated") or full CloudEvents types. */
  readonly types?: readonly string[];
  readonly minLevel?: number;
}

const SHORT_NAMES = [...new Set(ALL_EVENT_TYPES.map(shortNameOf))].sort();
const KNOWN_TYPES = new Set<string>([...ALL_EVENT_TYPES, ...SHORT_NAMES]);

/** What is wrong with a list of event types, if anything: a misspelt one would filter everything out, silently. */
export function eventTypesFault(types: readonly string[]): string | undefined {
  const unknown = types.filter((t) => !KNOWN_TYPES.has(t));
  return unknown.length ? `${unknown.join(', ')}: not an event type; use ${SHORT_NAMES.join(', ')} or their CloudEvents types` : undefined;
}

/**
 * A ce_type's short name in SQL: its next-to-last part (shortNameOf). The very expression of the
 * timeline's index timeline_short_type (migration 1765600000000), which a query uses only if it
 * writes the expression as the index does.
 */
export const shortNameSql = (column: string): string => `substring(${column} FROM '([^.]+)\\.[^.]+$')`;

/** The short names of a list of short names and CloudEvents types, for ceTypeMatchSql's first parameter. */
export const shortNamesOf = (types: readonly string[]): string[] => [...new Set(types.map(shortNameOf))];

/**
 * SQL matching a ce_type column against `typesParam`, a parameter holding short names or CloudEvents
 * types: a type matches itself, a short name every version of its type (so a newer version still
 * matches). `shortsParam` holds shortNamesOf those types: matching it first lets the timeline's index
 * find a rare type's few rows, where the match alone read the whole timeline (2-3 s for
 * `type=election-scheduled` on a stack holding an import), and it admits nothing the match does not.
 */
export const ceTypeMatchSql = (column: string, shortsParam: string, typesParam: string): string =>
  `(${shortNameSql(column)} = ANY(${shortsParam}) AND (${column} = ANY(${typesParam}) OR ${shortNameSql(column)} = ANY(${typesParam})))`;

/** Why a list filter given with no item is refused, here and on /timeline. */
export const EMPTY_LIST = 'must not be empty (give at least one value, or leave the parameter out for no filter)';

/**
 * The items of a comma list given once or repeated, blank items left out (a trailing comma is
 * harmless); undefined when the parameter is absent. A list given with no item at all (`type=`,
 * `country=,`, `region=%20`) is named in `violations`: read as no filter, it answered everything,
 * the opposite of a filter that matches nothing, to a client that built its query badly.
 */
export function listParam(field: string, v: unknown, violations: FieldViolation[]): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
  if (!parts.length) violations.push({ field, reason: EMPTY_LIST });
  return parts.length ? parts : undefined;
}

/** Parses `region`, `country`, `type` (comma lists or repeated) and `minLevel` query parameters. */
export function parseStreamFilter(query: Record<string, unknown>): StreamFilter {
  const violations: FieldViolation[] = [];
  const regions = listParam('region', query.region, violations);
  const countries = listParam('country', query.country, violations)?.map((c) => c.toUpperCase());
  const types = listParam('type', query.type, violations);
  if (regions?.some((r) => !(DESK_IDS as readonly string[]).includes(r))) violations.push({ field: 'region', reason: `must be one of ${DESK_IDS.join(', ')}` });
  const unknownCountries = countries?.filter((c) => /^[A-Z]{3}$/.test(c) && !countryByIso3(c) && !isUserAssignedCountry(c));
  if (countries?.some((c) => !/^[A-Z]{3}$/.test(c))) violations.push({ field: 'country', reason: 'must be ISO 3166-1 alpha-3 codes' });
  // As with types: a code that names no country ("MAL" for MLI) gave a stream that stayed empty.
  else if (unknownCountries?.length) violations.push({ field: 'country', reason: `${unknownCountries.join(', ')}: not an ISO 3166-1 country` });
  // A country outside every region asked matches nothing (the two filters both apply): a stream so
  // filtered stayed open and silent, read as nothing happening there. Refused, naming its desk.
  else if (countries && regions && !violations.some((v) => v.field === 'region')) {
    const outside = countries.filter((c) => !regions.includes(countryByIso3(c)?.desk ?? ''));
    if (outside.length) {
      const named = outside.map((c) => `${c} (${countryByIso3(c)?.desk ? `region ${countryByIso3(c)?.desk}` : 'no regional desk'})`).join(', ');
      violations.push({ field: 'country', reason: `${named}: not of the region asked (${regions.join(', ')}), so it would match nothing: give countries of those regions, or no region` });
    }
  }
  const typesFault = types && eventTypesFault(types);
  if (typesFault) violations.push({ field: 'type', reason: typesFault });
  let minLevel: number | undefined;
  // Given empty, refused as an unknown level is (as /timeline refuses it), not read as no minimum.
  if (query.minLevel !== undefined) {
    minLevel = levelOf(query.minLevel);
    if (minLevel === 0) violations.push({ field: 'minLevel', reason: 'must be low, elevated, high or critical (or 1-4)' });
  }
  if (violations.length) throw new ValidationFailed('OPS_CENTRE.STREAM_FILTER_INVALID', violations);
  return { regions, countries, types, minLevel };
}

/**
 * Refuses a filter naming a region or country the principal may not see, as /timeline and /alerts
 * do (OPS_CENTRE.REGION_FORBIDDEN): the stream it would get admits nothing, which read as nothing
 * happening there. Called once the filter is known to be well-formed: a wrong question is a 422 first.
 */
export function assertMayStream(p: Pick<Principal, 'roles' | 'region'>, f: StreamFilter): void {
  for (const region of f.regions ?? []) readableDesks(p, region);
  for (const country of f.countries ?? []) {
    const desk = deskOf(country);
    if (!maySeeDesk(p, desk)) throw regionForbidden(p, 'read', { country, desk });
  }
}

/** Authorization first: a regional principal only ever gets events of its own desk. */
export const visibleTo = (p: Pick<Principal, 'roles' | 'region'>, item: Pick<StreamItem, 'desk'>): boolean => maySeeDesk(p, item.desk);

export function matchesFilter(f: StreamFilter, item: StreamItem): boolean {
  if (f.regions && (item.desk === null || !f.regions.includes(item.desk))) return false;
  if (f.countries && (item.country === null || !f.countries.includes(item.country))) return false;
  if (f.types && !f.types.includes(item.name) && !f.types.includes(item.type)) return false;
  if (f.minLevel !== undefined && (item.level === null || item.level < f.minLevel)) return false;
  return true;
}

export const admits = (p: Pick<Principal, 'roles' | 'region'>, f: StreamFilter, item: StreamItem): boolean =>
  visibleTo(p, item) && matchesFilter(f, item);

/**
 * The countries and event types (short names or CloudEvents types, as in the filter) a principal's filtered stream can admit, for narrowing a
 * database scan (undefined: any). A superset of what `admits` lets through, never less: `admits`
 * still decides each event.
 */
export function scopeOf(p: Pick<Principal, 'roles' | 'region'>, f: StreamFilter): { countries?: string[]; types?: string[] } {
  const deskCountries = (desks: readonly string[]) => desks.filter(isDeskId).flatMap((d) => countriesOfDesk(d).map((c) => c.iso3));
  let countries: string[] | undefined = isGlobal(p) ? undefined : deskCountries(p.region ? [p.region] : []);
  const narrow = (to: readonly string[]) => (countries = countries ? countries.filter((c) => to.includes(c)) : [...to]);
  if (f.regions) narrow(deskCountries(f.regions));
  if (f.countries) narrow(f.countries);
  return { countries, types: f.types ? [...f.types] : undefined };
}
