import type { ImportFormat } from './import-formats';

/**
 * Whether a file's records are ACLED's, so that what is shown of them (an import's report, a
 * backtest's summary) attributes ACLED, as its terms ask: its two formats, a source named after it,
 * and country-month counts, the layout ACLED's country aggregates come in (the shared South Africa
 * file is one). The import report and the backtest decided this apart, and the same file was
 * attributed by one and not the other.
 */
export const isAcledData = (format: ImportFormat, source: string | null | undefined): boolean =>
  format === 'acled' || format === 'acled-monthly' || format === 'country-monthly' || (source ?? '').trim().toLowerCase().startsWith('acled');
