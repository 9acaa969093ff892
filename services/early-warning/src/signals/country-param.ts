import { countryByIso3, isUserAssignedCountry } from '@crisis-ops/geo';
import type { FieldViolation } from '@crisis-ops/domain-kernel';

/**
 * What is wrong with a country code a query names (`/risk/{country}`, `?country=` of the signal
 * listing and its export), whatever the deployment: not three capitals, or three that name no
 * country and are no exercise code either. A code of neither kind was answered as a country with
 * nothing recorded (an empty list, an empty file), which read as "no signals" for a typo ("BKF").
 */
export function countryCodeViolations(code: string, field = 'country'): FieldViolation[] {
  if (!/^[A-Z]{3}$/.test(code)) return [{ field, reason: 'must be an ISO 3166-1 alpha-3 code' }];
  if (!countryByIso3(code) && !isUserAssignedCountry(code)) return [{ field, reason: `${code} is not an ISO 3166-1 country` }];
  return [];
}

/**
 * A user-assigned code (QQQ, XYZ) is an exercise's: asked of where intake takes none
 * (EARLY_WARNING_EXERCISE_COUNTRIES off), nothing will ever be recorded under it, so the code is the fault.
 */
export function exerciseCodeViolations(code: string, exerciseCountries: boolean, field = 'country'): FieldViolation[] {
  if (exerciseCountries || !isUserAssignedCountry(code)) return [];
  return [{ field, reason: `${code} is a user-assigned code, taken only for exercises, which this deployment does not run (EARLY_WARNING_EXERCISE_COUNTRIES is off)` }];
}
