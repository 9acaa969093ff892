/**
 * Matching country names as datasets spell them. Names are compared after normalisation (case,
 * diacritics, punctuation, "&", a leading or trailing "the", "St." for "Saint"), so "Côte d'Ivoire",
 * "COTE D IVOIRE" and "Cote d'Ivoire" are one key. The package's common, official and alternative
 * spellings cover most datasets; the aliases below add what ACLED, UCDP and the World Bank use and
 * the package lacks.
 */
export const NAME_ALIASES: Readonly<Record<string, string>> = {
  // ACLED
  'Republic of Congo': 'COG',
  'Democratic Republic of Congo': 'COD',
  eSwatini: 'SWZ',
  'Czech Republic': 'CZE',
  Turkey: 'TUR',
  'Cabo Verde': 'CPV',
  'Sao Tome and Principe': 'STP',
  'Saint Vincent and Grenadines': 'VCT',
  'Bonaire, Sint Eustatius and Saba': 'BES',
  'United States': 'USA',
  'Vatican City': 'VAT',
  'Kosovo': 'XKX',
  // UCDP GED (parenthesised historical names are also tried on their own, see countryKeys)
  'DR Congo': 'COD',
  Zaire: 'COD',
  'Bosnia-Herzegovina': 'BIH',
  Kampuchea: 'KHM',
  Burma: 'MMR',
  Rhodesia: 'ZWE',
  Malagasy: 'MDG',
  Swaziland: 'SWZ',
  'Kingdom of eSwatini': 'SWZ',
  'North Yemen': 'YEM',
  'Soviet Union': 'RUS',
  Yugoslavia: 'SRB',
  // World Bank style "X, qualifier"
  'Congo, Dem. Rep.': 'COD',
  'Congo, Rep.': 'COG',
  'Egypt, Arab Rep.': 'EGY',
  'Yemen, Rep.': 'YEM',
  'Iran, Islamic Rep.': 'IRN',
  'Venezuela, RB': 'VEN',
  'Korea, Rep.': 'KOR',
  "Korea, Dem. People's Rep.": 'PRK',
  'Lao PDR': 'LAO',
  'Syrian Arab Republic': 'SYR',
  'Kyrgyz Republic': 'KGZ',
  'Slovak Republic': 'SVK',
  'Turkiye': 'TUR',
  'Micronesia, Fed. Sts.': 'FSM',
  'Hong Kong SAR, China': 'HKG',
  'Hong Kong, China': 'HKG',
  'Macao SAR, China': 'MAC',
  'Macao, China': 'MAC',
  'West Bank and Gaza': 'PSE',
  // Older World Bank releases
  'Macedonia, FYR': 'MKD',
  'Korea, Dem. Rep.': 'PRK',
  'USA': 'USA',
  'UK': 'GBR',
};

/** The comparison key of a name: lower case, no diacritics or punctuation, single spaces. */
export function normalizeCountryName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’‘`ʻ]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '')
    .replace(/ the$/, '')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ');
}

/** The lookup key: the normalised name without spaces, so "Cote d Ivoire" meets "Cote d'Ivoire". */
export function countryNameKey(name: string): string {
  return normalizeCountryName(name).replace(/ /g, '');
}

/**
 * Keys to try for a name, best first: the whole name, then without a parenthesised part, then the
 * parenthesised part ("DR Congo (Zaire)" → "drcongozaire", "drcongo", "zaire").
 */
export function countryKeys(name: string): string[] {
  const keys = [countryNameKey(name)];
  const paren = /^(.*?)\s*\(([^)]*)\)\s*(.*)$/.exec(name);
  if (paren) {
    keys.push(countryNameKey(`${paren[1]} ${paren[3]}`), countryNameKey(paren[2]));
  }
  return keys.filter((k, i) => k.length > 0 && keys.indexOf(k) === i);
}
