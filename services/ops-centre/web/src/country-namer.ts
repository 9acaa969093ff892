/**
 * A country's name by its alpha-3 code, from the rows of `virtual:country-codes` (the API's names);
 * the code itself for one it does not know (a user-assigned code), as `/risk` answers it.
 */
export function countryNamer(rows: ReadonlyArray<readonly [string, string, string, ...string[]]>): (iso3: string) => string {
  const names = new Map(rows.map(([, iso3, name]) => [iso3, name]));
  return (iso3) => names.get(iso3) ?? iso3;
}
