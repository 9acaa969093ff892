import type { Client } from 'pg';

/**
 * Shared by the integration suites, which rerun against the same test database: each escalation or
 * context case takes a user-assigned code (QMA..QZZ, never a real country) that no earlier run has
 * assessed or given context, so what it sees is its own doing.
 */
export async function freshCountry(db: Pick<Client, 'query'>): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const code = `Q${String.fromCharCode(77 + Math.floor(Math.random() * 14))}${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
    const { rows } = await db.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM early_warning.risk_engines WHERE country = $1) + (SELECT count(*) FROM early_warning.risk_context WHERE country = $1) AS n',
      [code],
    );
    if (Number(rows[0].n) === 0) return code;
  }
  throw new Error('no unassessed user-assigned country code left: reset the test database');
}

/** How many inputs (signals and observations) the country's engine has applied. */
export async function inputsApplied(db: Pick<Client, 'query'>, country: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT coalesce(max(signals), 0) AS n FROM early_warning.risk_engines WHERE country = $1', [country]);
  return Number(rows[0].n);
}
