import { countryByIso3 } from '@crisis-ops/geo';

/**
 * Why a writer confined to `desk` may not record for `country` (an ISO alpha-3 the caller has
 * already checked), or undefined when it may. What is recorded moves the country's risk, escalates it
 * and has mediation propose a process there, so a desk records its own countries only, as mediation
 * lets a desk's officer propose only in its region. A country of no desk (an exercise code, an
 * Antarctic territory) is no desk's: only a writer of every region records it, as only a global user
 * proposes there. One map lookup, no I/O: it runs for every item on the intake path.
 */
export function outsideDesk(country: string, desk: string): string | undefined {
  const of = countryByIso3(country)?.desk ?? null;
  if (of === desk) return undefined;
  const scope = `a token of region ${desk} records countries of the ${desk} desk only`;
  return of === null ? `${country} is a country of no regional desk: ${scope} (a token of region global records it)` : `${country} is a country of the ${of} desk: ${scope} (a token of region ${of} or global records it)`;
}
