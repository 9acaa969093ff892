import { UUID_PATTERN, type FieldViolation } from '@crisis-ops/domain-kernel';
import { countryByIso3, DESK_IDS, isUserAssignedCountry, platformIso3 } from '@crisis-ops/geo';
import { invalidRequest } from '@crisis-ops/service-kit';

/**
 * The query parameters of one listing, checked together so that one answer names every bad one:
 * REQUEST.INVALID (400), as early-warning's and mediation's listings and the edge answer a malformed
 * parameter (`limit=abc` was a 422 OPS_CENTRE.QUERY_INVALID here alone). A value out of range is
 * refused, never clamped or defaulted: a silently corrected filter answers a question that was not
 * asked. What a well-formed value names that does not exist (an event id the timeline does not have)
 * is the route's own 422, OPS_CENTRE.QUERY_INVALID, asked after these.
 */
export class QueryCheck {
  private readonly violations: FieldViolation[] = [];
  /** A well-formed country and desk asked together, checked against each other once both are read. */
  private asked: { country?: string; region?: string } = {};

  limit(value: string | undefined, fallback = 200, max = 1000): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) this.violations.push({ field: 'limit', reason: `must be an integer from 1 to ${max}` });
    return n;
  }

  country(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const c = value.toUpperCase();
    if (!/^[A-Z]{3}$/.test(c)) this.violations.push({ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' });
    // Checked before access: a code that names no country is a wrong question, which a regional
    // officer was answered as a forbidden one (its desk, none, was not theirs).
    else if (!countryByIso3(c) && !isUserAssignedCountry(c)) this.violations.push({ field: 'country', reason: `${c} is not an ISO 3166-1 country` });
    else this.asked.country = platformIso3(c);
    return platformIso3(c);
  }

  uuid(field: string, value: string | undefined): string | undefined {
    if (value !== undefined && !UUID_PATTERN.test(value)) this.violations.push({ field, reason: 'must be a UUID' });
    return value;
  }

  /** A regional desk id; whether the caller may read it is the access policy's question, asked after. */
  region(value: string | undefined): string | undefined {
    if (value !== undefined && (DESK_IDS as readonly string[]).includes(value)) this.asked.region = value;
    return this.oneOf('region', value, DESK_IDS);
  }

  /**
   * A country and a region that exclude each other (`country=PSE&region=africa`) match nothing, and an
   * empty answer read as nothing happening in a country with critical alerts (a stream so filtered
   * stayed open and silent): the question is refused instead, naming the country's desk.
   */
  private contradiction(): FieldViolation[] {
    const { country, region } = this.asked;
    if (country === undefined || region === undefined) return [];
    const desk = countryByIso3(country)?.desk ?? null;
    if (desk === region) return [];
    return [{ field: 'country', reason: `${country} is a country of ${desk ? `region ${desk}` : 'no regional desk'}, not of region ${region}: give one of the two, or both of one desk` }];
  }

  /**
   * Who wrote an audit entry: a token's subject, matched exactly. An empty value was read as no filter
   * and answered every actor's entries; refused as early-warning refuses an empty `source`. A blank one
   * ("  ") is a value like any other, as there: a token's subject is refused only when empty, so it may
   * name someone, and it answers their entries (none, if no one is so named).
   */
  actor(value: string | undefined): string | undefined {
    // No upper bound: a subject has none, and one too long to be anyone's answers nothing.
    if (value === '') this.violations.push({ field: 'actor', reason: 'must not be empty (an empty filter would match every actor)' });
    return value;
  }

  /** A CloudEvents id as the timeline keeps it. */
  eventId(field: string, value: string | undefined): string | undefined {
    if (value !== undefined && (value.length === 0 || value.length > 200)) this.violations.push({ field, reason: 'must be an event id (1 to 200 characters)' });
    return value;
  }

  oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) this.violations.push({ field, reason: `must be one of ${allowed.join(', ')}` });
    return value as T | undefined;
  }

  /** A listing's `cursor`, decoded by the listing's own decoder; one it did not write is named. */
  cursor<T>(value: string | undefined, decode: (cursor: string) => T | undefined): T | undefined {
    if (value === undefined) return undefined;
    const after = decode(value);
    if (!after) this.violations.push({ field: 'cursor', reason: 'is not a cursor this API returned' });
    return after;
  }

  /** A fault the route finds itself (a cursor this API did not write, an event type), named with the others. */
  invalid(field: string, reason: string): void {
    this.violations.push({ field, reason });
  }

  /** What was found so far, for a route that names these beside faults of its own (a stream's filter). */
  get faults(): readonly FieldViolation[] {
    return [...this.violations, ...this.contradiction()];
  }

  /** Throws what was found, if anything. */
  done(): void {
    const faults = this.faults;
    if (faults.length) throw invalidRequest([...faults]);
  }
}
