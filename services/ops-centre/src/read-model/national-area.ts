/**
 * The read model's admin1 for a country's national level. `(country, admin1)` is the primary key of
 * risk_areas, and a key holds no NULL, so the national level is stored as ''.
 */
export const NATIONAL_ADMIN1 = '';

/**
 * An area's admin1 as the API answers it: null for the national level, as early-warning answers it,
 * so that a client reads the two services' areas alike (a '' read as a name was an area of no name).
 */
export const admin1Of = (stored: unknown): string | null => (typeof stored === 'string' && stored !== NATIONAL_ADMIN1 ? stored : null);

/**
 * An area's drivers as the API answers them: a driver of the whole area (its `area` '' in the event,
 * proto3's "none") reads null, as early-warning's `GET /risk/{cc}` answers it, for the reason admin1
 * does. Mapped where read, not when stored, so rows projected before read alike without a migration.
 */
export const driversOf = (stored: unknown): Array<Record<string, unknown>> =>
  Array.isArray(stored) ? stored.map((d: Record<string, unknown>) => ({ ...d, area: typeof d?.area === 'string' && d.area !== '' ? d.area : null })) : [];
