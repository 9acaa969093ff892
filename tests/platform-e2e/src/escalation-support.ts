import { randomInt } from 'node:crypto';
import { COUNTRIES } from '@crisis-ops/geo';
import { api, platform } from './platform-api';

/** What the escalation tests read of GET /risk/:country. */
export interface CountryRisk {
  national: { level: string; asOf: string | null };
  history: Array<{ kind: string; day: string; escalationId: string | null; level: string; drivers?: Array<{ kind: string }> }>;
}

/** A mediation process as GET /processes lists it. */
export interface Process {
  processId: string;
  status: string;
  country: string;
}

export const OPEN_PROCESS = ['proposed', 'active', 'suspended'];

/**
 * Whether the country's engine may still hold days of a recently imported aggregate period (its day
 * is that period's first, and an import leaves the period's other days queued). A test's burst
 * closes them first; a level they raise is held 30 days, possibly past today, and then the burst
 * escalates nothing (the history it closes, older than the alert window, is rightly not announced).
 * Aggregate history that ends months back has decayed by today and is a valid pick.
 */
function mayHoldQueuedAggregates(risk: CountryRisk): boolean {
  const recent = risk.national.asOf !== null && Date.parse(risk.national.asOf) > Date.now() - 90 * 86_400_000;
  return recent && risk.history.some((h) => h.drivers?.some((d) => d.kind === 'aggregate'));
}

/**
 * A real country (mediation proposes per regional desk) that early-warning has not raised to high
 * or critical and that has no open mediation process, so a test's signals escalate it afresh:
 * reruns against the same database pick another one, since a level is held at least 30 days.
 */
export async function quietCountry(reader: string): Promise<{ iso3: string; desk: string }> {
  const candidates = COUNTRIES.filter((c) => c.desk !== null && c.officiallyAssigned);
  for (let i = 0; i < 60; i++) {
    const c = candidates[randomInt(candidates.length)];
    const risk = await api<CountryRisk>(`${platform()['early-warning']}/risk/${c.iso3}`);
    if (risk.status === 200 && ['high', 'critical'].includes(risk.body.national.level)) continue;
    if (risk.status === 200 && mayHoldQueuedAggregates(risk.body)) continue;
    const processes = await api<Process[]>(`${platform().mediation}/processes?country=${c.iso3}`, { token: reader });
    if (processes.status === 200 && processes.body.every((p) => !OPEN_PROCESS.includes(p.status))) return { iso3: c.iso3, desk: c.desk as string };
  }
  throw new Error('no quiet country found; the test database has seen too many escalation runs');
}

/**
 * Enough violence on one day (an hour ago) to raise a quiet country's level live, before its day
 * closes: the burst every escalation suite posts.
 */
export function escalatingBurst(country: string, source: string, idPrefix: string, notes: string) {
  const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
  const items = Array.from({ length: 40 }, (_, i) => ({
    id: `${idPrefix}-${i}`,
    source,
    country,
    type: 'violence_against_civilians',
    subType: 'attack',
    occurredAt,
    fatalities: 40,
    severity: 5,
    notes,
  }));
  return { occurredAt, items };
}
