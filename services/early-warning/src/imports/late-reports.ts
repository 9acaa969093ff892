/**
 * Rows an import records for a day its country's risk has already assessed. The risk engine adds a
 * report dated before the day it has open (RiskEngine.currentDay) to that open day, with the decay
 * its age implies, and never rewrites the assessments of past days (docs/risk-model.md): a history
 * imported for a country that already has a newer signal gives it no history. The import says so, per
 * country, rather than reporting "succeeded" over a history that is not there.
 */

/** Of one country: how many rows the import recorded dated before the day its risk had open. */
export interface LateReportCountry {
  readonly country: string;
  /** The day the country's risk engine had open when the import began writing (YYYY-MM-DD, UTC). */
  readonly openDay: string;
  /** Rows newly recorded (not those already recorded) dated before `openDay`. */
  readonly rows: number;
}

/** At most this many countries are listed in a report (all are counted in its total). */
export const MAX_LATE_REPORT_COUNTRIES = 100;

export class LateReportTally {
  private readonly counts = new Map<string, number>();

  /** `openDays`: each country's open day (00:00 UTC), for the countries whose risk has one. */
  constructor(private readonly openDays: ReadonlyMap<string, Date>) {}

  /**
   * Counts the rows of a written batch that were newly recorded (`fresh`, per row in batch order) and
   * are dated before their country's open day: a signal by its instant, an observation by the start
   * of its period (its days up to the open day are added to the open day; the later ones are applied
   * as they open). Without `fresh` nothing is counted: a row already recorded was no late report now.
   */
  add<T>(batch: readonly T[], fresh: readonly boolean[] | undefined, dated: (row: T) => readonly [country: string, at: Date]): void {
    if (!fresh || this.openDays.size === 0) return;
    batch.forEach((row, i) => {
      if (!fresh[i]) return;
      const [country, at] = dated(row);
      const open = this.openDays.get(country);
      if (open && at.getTime() < open.getTime()) this.counts.set(country, (this.counts.get(country) ?? 0) + 1);
    });
  }

  /** The total, and the countries in code order, the first `max` of them. */
  report(max = MAX_LATE_REPORT_COUNTRIES): { lateReports: number; lateReportCountries: LateReportCountry[]; lateReportCountriesTruncated: boolean } {
    const all = [...this.counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([country, rows]) => ({ country, openDay: (this.openDays.get(country) as Date).toISOString().slice(0, 10), rows }));
    return {
      lateReports: all.reduce((n, c) => n + c.rows, 0),
      lateReportCountries: all.slice(0, max),
      lateReportCountriesTruncated: all.length > max,
    };
  }
}
