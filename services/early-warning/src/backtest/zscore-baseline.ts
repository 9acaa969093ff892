import type { RiskDriver, RiskLevel } from '../domain';

export interface BaselineTransition {
  readonly country: string;
  /** Last day of the month whose count raised or cleared the flag (when the month's count is known). */
  readonly at: string;
  readonly from: RiskLevel;
  readonly to: RiskLevel;
  /** The month's z-score against the trailing 12 months (Infinity shown as 99). */
  readonly score: number;
  readonly drivers: readonly RiskDriver[];
}

const monthKey = (m: number): string => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
const lastDayOfMonth = (m: number): string => new Date(Date.UTC(Math.floor(m / 12), (m % 12) + 1, 0)).toISOString().slice(0, 10);

/**
 * The naive baseline (World Bank Compound Risk Monitor's ACLED indicator): a country is flagged in a
 * month whose fatalities exceed the mean of the 12 months before it by more than 2 standard
 * deviations (sample SD). Months without records count as 0 from the country's first month to
 * `lastMonth`; the first 12 months only fill the window. Flagged → "high", cleared → back to "low".
 * Months are indexed as year·12 + month0.
 */
export function zscoreBaseline(monthly: ReadonlyMap<string, ReadonlyMap<number, number>>, lastMonth: number, windowMonths = 12, sigmas = 2): BaselineTransition[] {
  const out: BaselineTransition[] = [];
  for (const country of [...monthly.keys()].sort()) {
    const series = monthly.get(country) as ReadonlyMap<number, number>;
    const first = Math.min(...series.keys());
    const values: number[] = [];
    for (let m = first; m <= lastMonth; m++) values.push(series.get(m) ?? 0);
    let flagged = false;
    for (let i = windowMonths; i < values.length; i++) {
      const window = values.slice(i - windowMonths, i);
      const mean = window.reduce((s, v) => s + v, 0) / windowMonths;
      const sd = Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / (windowMonths - 1));
      const value = values[i];
      const now = value > mean + sigmas * sd;
      if (now === flagged) continue;
      const z = sd > 0 ? (value - mean) / sd : value > mean ? 99 : 0;
      const month = first + i;
      out.push({
        country,
        at: lastDayOfMonth(month),
        from: flagged ? 'high' : 'low',
        to: now ? 'high' : 'low',
        score: Math.round(z * 100) / 100,
        drivers: [{ kind: 'fatalities', label: `${monthKey(month)}: ${value} fatalities vs trailing mean ${mean.toFixed(1)} ± ${sd.toFixed(1)}`, area: null, count: value, weight: 1 }],
      });
      flagged = now;
    }
  }
  return out;
}
