/**
 * The pillar's regional desks and how UN geography maps onto them.
 *
 * Region and sub-region come from `world-countries` (close to UN M49, with a few differences such as
 * "Central Europe" and "Southeast Europe"). Desks follow the political geography of the desks, not
 * the statistical one, so some countries are mapped explicitly. The judgement calls:
 * - North Africa (Algeria, Egypt, Libya, Morocco, Tunisia, Western Sahara) → Middle East desk, as in
 *   DPPA's Middle East and North Africa division. Exception: Sudan, which M49 counts as Northern
 *   Africa, stays with the Africa desk (covered with South Sudan and the Horn, as in DPPA-DPO Africa).
 * - Western Asia → Middle East desk, except Türkiye, Cyprus, Armenia, Azerbaijan and Georgia →
 *   Europe and Central Asia (OSCE/South Caucasus coverage). Cyprus is already "Europe" in the source.
 * - Central Asia → Europe and Central Asia.
 * - Iran (M49 Southern Asia) → Middle East desk (Gulf and Iraq/Syria dynamics, as ACLED's and the
 *   World Bank's MENA groupings do); the rest of Southern Asia, incl. Afghanistan and Pakistan, →
 *   Asia and the Pacific.
 * - Oceania → Asia and the Pacific; all of the Americas (incl. Greenland, Caribbean territories) →
 *   Americas; all of Europe (incl. Russia) → Europe and Central Asia.
 * - The US minor outlying islands (UMI: Wake, Midway, Johnston and the other Pacific atolls; M49 counts
 *   them in Micronesia, the source in North America) → Asia and the Pacific, with their neighbours.
 * - The uninhabited Antarctic territories (ATA, BVT, HMD, ATF, SGS) have no desk (null).
 */
export const DESK_IDS = ['africa', 'americas', 'asia-pacific', 'europe-central-asia', 'middle-east'] as const;

export type DeskId = (typeof DESK_IDS)[number];

export interface Desk {
  readonly id: DeskId;
  readonly name: string;
}

export const DESKS: readonly Desk[] = [
  { id: 'africa', name: 'Africa' },
  { id: 'americas', name: 'Americas' },
  { id: 'asia-pacific', name: 'Asia and the Pacific' },
  { id: 'europe-central-asia', name: 'Europe and Central Asia' },
  { id: 'middle-east', name: 'Middle East' },
];

/** Desk per source region, used unless a sub-region or country rule below applies. */
export const DESK_BY_REGION: Readonly<Record<string, DeskId | null>> = {
  Africa: 'africa',
  Americas: 'americas',
  Asia: 'asia-pacific',
  Europe: 'europe-central-asia',
  Oceania: 'asia-pacific',
  Antarctic: null,
};

/** Desk per sub-region where it differs from its region's desk. */
export const DESK_BY_SUBREGION: Readonly<Record<string, DeskId>> = {
  'Northern Africa': 'middle-east',
  'Western Asia': 'middle-east',
  'Central Asia': 'europe-central-asia',
};

/** Country-level exceptions (ISO 3166-1 alpha-3), the judgement calls listed above. */
export const DESK_BY_COUNTRY: Readonly<Record<string, DeskId>> = {
  SDN: 'africa',
  TUR: 'europe-central-asia',
  CYP: 'europe-central-asia',
  ARM: 'europe-central-asia',
  AZE: 'europe-central-asia',
  GEO: 'europe-central-asia',
  IRN: 'middle-east',
  UMI: 'asia-pacific',
};

export function isDeskId(value: string): value is DeskId {
  return (DESK_IDS as readonly string[]).includes(value);
}

/** The desk of a country given its source region and sub-region; null when it has none. */
export function deskFor(iso3: string, region: string, subregion: string): DeskId | null {
  const byCountry = DESK_BY_COUNTRY[iso3];
  if (byCountry) return byCountry;
  const bySubregion = DESK_BY_SUBREGION[subregion];
  if (bySubregion) return bySubregion;
  const byRegion = DESK_BY_REGION[region];
  if (byRegion === undefined) throw new Error(`geo: no desk rule for region "${region}" (${iso3}); extend DESK_BY_REGION`);
  return byRegion;
}
