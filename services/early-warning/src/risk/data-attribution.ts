import type { DataSource, EntityManager } from 'typeorm';

/** The answer header naming what the answer's data owes together (ACLED's, UCDP's attribution). */
export const ATTRIBUTION_HEADER = 'X-Data-Attribution';

/**
 * What each country's recorded data owes: the attributions kept for the sources (source_attributions)
 * it holds signals or aggregate observations of (source_countries). A country's risk is built from
 * that data, so it owes the same (ACLED's terms: attribute it wherever results built from its data
 * are shown). Countries owing nothing are absent; each list is sorted. Given the transaction's
 * EntityManager it reads what that transaction sees (the live risk path stages events with it).
 */
export async function attributionsOf(db: DataSource | EntityManager, countries: readonly string[]): Promise<Map<string, string[]>> {
  if (countries.length === 0) return new Map();
  const rows: Array<{ country: string; owed: string[] }> = await db.query(
    `SELECT s.country, array_agg(DISTINCT a.attribution ORDER BY a.attribution) AS owed
     FROM source_countries s JOIN source_attributions a ON a.source = s.source
     WHERE s.country = ANY($1::text[]) GROUP BY s.country`,
    [countries],
  );
  return new Map(rows.map((r) => [r.country, r.owed]));
}

/** The header's value for answers of these countries' risk: every attribution any of them owes, once; undefined when none. */
export function attributionHeader(owed: ReadonlyMap<string, readonly string[]>): string | undefined {
  const all = [...new Set([...owed.values()].flat())].sort();
  return all.length > 0 ? all.join(' ') : undefined;
}

/**
 * The attributions kept for each of these sources (source_attributions), each list sorted; sources
 * owing nothing are absent. Every source's when none are named (the signals export's).
 */
export async function owedBySource(db: Pick<DataSource | EntityManager, 'query'>, sources?: Iterable<string>): Promise<Map<string, string[]>> {
  const rows: Array<{ source: string; attribution: string }> = sources
    ? await db.query('SELECT source, attribution FROM source_attributions WHERE source = ANY($1::text[]) ORDER BY source, attribution', [[...sources]])
    : await db.query('SELECT source, attribution FROM source_attributions ORDER BY source, attribution');
  const owed = new Map<string, string[]>();
  for (const r of rows) {
    const list = owed.get(r.source);
    if (list) list.push(r.attribution);
    else owed.set(r.source, [r.attribution]);
  }
  return owed;
}
