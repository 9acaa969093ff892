import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { countryByIso3 } from '@crisis-ops/geo';
import type { Validated } from './signal';

/**
 * Counts for an area over a period, as published by aggregate datasets (ACLED's monthly admin
 * aggregates, country-month series): how many events and deaths, without their types. The risk
 * engine spreads them evenly over the days of the period (see risk-engine.ts).
 */
export interface AggregateObservation {
  readonly source: string;
  readonly country: string;
  readonly admin1: string | null;
  readonly admin2: string | null;
  /** First day of the period, 00:00 UTC. */
  readonly periodStart: Date;
  /** Day after the last day of the period, 00:00 UTC (exclusive). */
  readonly periodEnd: Date;
  readonly events: number;
  readonly fatalities: number;
}

export interface MonthlyObservationInput {
  source: string;
  country: string;
  admin1?: string | null;
  admin2?: string | null;
  year: number;
  /** 1..12 */
  month: number;
  events: number;
  fatalities: number;
}

/**
 * Most events or deaths one area's month can count: far above any real month, and within the
 * database's integer (a larger value was a failed import, not a rejected row).
 */
export const MAX_MONTHLY_COUNT = 100_000_000;
const MAX_AREA_NAME = 200;

/** Validates a month of counts and turns it into an observation over that calendar month (UTC). */
export function monthlyObservation(input: MonthlyObservationInput): Validated<AggregateObservation> {
  const violations: FieldViolation[] = [];
  if (!countryByIso3(input.country) || !/^[A-Z]{3}$/.test(input.country)) violations.push({ field: 'country', reason: `${input.country} is not an ISO 3166-1 alpha-3 code` });
  if (!Number.isInteger(input.year) || input.year < 1900 || input.year > 2200) violations.push({ field: 'year', reason: 'must be a year between 1900 and 2200' });
  if (!Number.isInteger(input.month) || input.month < 1 || input.month > 12) violations.push({ field: 'month', reason: 'must be 1..12' });
  for (const field of ['events', 'fatalities'] as const) {
    const n = input[field];
    if (!Number.isInteger(n) || n < 0 || n > MAX_MONTHLY_COUNT) violations.push({ field, reason: `must be a whole number from 0 to ${MAX_MONTHLY_COUNT}` });
  }
  // As for a signal's: a longer name is no place name, and would exceed what the index can hold.
  for (const field of ['admin1', 'admin2'] as const) {
    if ((input[field]?.length ?? 0) > MAX_AREA_NAME) violations.push({ field, reason: `must be at most ${MAX_AREA_NAME} characters` });
  }
  if (violations.length > 0) return { ok: false, violations };
  return {
    ok: true,
    value: Object.freeze({
      source: input.source,
      country: input.country,
      admin1: input.admin1 || null,
      admin2: input.admin2 || null,
      periodStart: new Date(Date.UTC(input.year, input.month - 1, 1)),
      periodEnd: new Date(Date.UTC(input.year, input.month, 1)),
      events: input.events,
      fatalities: input.fatalities,
    }),
  };
}
