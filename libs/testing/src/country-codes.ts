import { adminClient } from './test-infra';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Every user-assigned code. geo is imported here, not at the top: it reads its country list as a
 * JSON module, which a global setup loaded by Node itself (platform-e2e's imports this library)
 * cannot import without an import attribute.
 */
async function userAssignedCodes(): Promise<string[]> {
  const { isUserAssignedCountry } = await import('@crisis-ops/geo');
  return [...LETTERS].flatMap((a) => [...LETTERS].flatMap((b) => [...LETTERS].map((c) => a + b + c))).filter(isUserAssignedCountry);
}

export interface UnusedCountryCodeOptions {
  /** Tables (`schema.table`, with a `country` column) a code must have no row in; those not created yet are skipped. */
  readonly tables: readonly string[];
  readonly exclude?: readonly string[];
}

/**
 * `n` distinct country codes that are never a real country and that no suite has used in this test
 * database yet (no row in any of `tables`): suites share the database and the topics, so a code
 * another suite used could bring its history into an exact check.
 */
export async function unusedCountryCodes(n: number, options: UnusedCountryCodeOptions): Promise<string[]> {
  // Drawn from ISO's user-assigned ranges, which every service takes for exercises (1,092 codes: a
  // test database reused for many runs without a reset ran out of the 364 of QMA..QZZ alone).
  const pool = await userAssignedCodes();
  const db = adminClient();
  await db.connect();
  try {
    const { rows } = await db.query<{ t: string }>('SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL', [options.tables]);
    const used = rows.map(({ t }) => `SELECT 1 FROM ${t} WHERE country = $1`).join(' UNION ALL ');
    const codes = new Set<string>();
    for (let i = 0; i < 200 + n && codes.size < n; i++) {
      const code = pool[Math.floor(Math.random() * pool.length)];
      if (codes.has(code) || options.exclude?.includes(code)) continue;
      if (!used || (await db.query(`${used} LIMIT 1`, [code])).rowCount === 0) codes.add(code);
    }
    if (codes.size < n) throw new Error(`only ${codes.size} of ${n} unused user-assigned country codes found: reset the test database`);
    return [...codes];
  } finally {
    await db.end();
  }
}
