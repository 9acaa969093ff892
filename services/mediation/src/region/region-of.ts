import { countryByIso3 } from '@crisis-ops/geo';

/**
 * Region of a country = its regional desk in @crisis-ops/geo ("africa", "americas", "asia-pacific",
 * "europe-central-asia", "middle-east"), which is what the `region` claim of access tokens names.
 * A country with no desk (user-assigned codes such as "QZX", as exercises use; Antarctic
 * territories) has none.
 */
export const UNASSIGNED_REGION = 'unassigned';

export const regionOf = (country: string): string | undefined => countryByIso3(country.toUpperCase())?.desk ?? undefined;

/**
 * The region of a country's processes (and of its signal tally): its desk, or "unassigned", which
 * only global users see, whoever proposed the process. The operations centre shows such a country to
 * global users alone; a hand-made proposal that took its proposer's region showed the process to
 * that desk's mediation readers and not to its watch officers.
 */
export const processRegionOf = (country: string): string => regionOf(country) ?? UNASSIGNED_REGION;
