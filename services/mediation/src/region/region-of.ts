import { countryByIso3 } from '@crisis-ops/geo';

/**
 * Region of a country = its regional desk in @crisis-ops/geo ("africa", "americas", "asia-pacific",
 * "europe-central-asia", "middle-east"), which is what the `region` claim of access tokens names.
 * A country with no desk (user-assigned codes such as "QZX", Antarctic territories) has none: a
 * hand-made proposal then takes the proposer's region, an escalation-made one "unassigned", which
 * only global users see.
 */
export const UNASSIGNED_REGION = 'unassigned';

export const regionOf = (country: string): string | undefined => countryByIso3(country.toUpperCase())?.desk ?? undefined;
