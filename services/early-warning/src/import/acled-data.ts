import type { ImportFormat } from './import-formats';

export const ACLED_ATTRIBUTION =
  'Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com. Use is subject to ACLED\'s terms of use and attribution policy.';
/** UCDP GED is published under CC BY 4.0, which asks for attribution wherever it is used. */
export const UCDP_ATTRIBUTION = 'Conflict data: UCDP Georeferenced Event Dataset (CC BY 4.0), Uppsala Conflict Data Program, ucdp.uu.se.';

/**
 * Whether a file's records are ACLED's, so that what is shown of them (an import's report, a
 * backtest's summary) attributes ACLED, as its terms ask: its two formats, a source named after it,
 * and country-month counts, the layout ACLED's country aggregates come in (the shared South Africa
 * file is one). The import report and the backtest decided this apart, and the same file was
 * attributed by one and not the other. A row can also say so itself (`#meta+attribution` of this
 * service's signals export): see attributionOfCell.
 */
export const isAcledData = (format: ImportFormat, source: string | null | undefined): boolean =>
  format === 'acled' || format === 'acled-monthly' || format === 'country-monthly' || (source ?? '').trim().toLowerCase().startsWith('acled');

/** The attribution a record of this format and source owes its data, if any. */
export const attributionOf = (format: ImportFormat, source: string | null | undefined): string | null =>
  isAcledData(format, source) ? ACLED_ATTRIBUTION : format === 'ucdp-ged' ? UCDP_ATTRIBUTION : null;

/**
 * The attribution a row's attribution cell names (this service's signals export writes it for rows of
 * an attributed source), as one of the texts above: a cell naming ACLED or UCDP. Any other text is
 * no attribution this service knows of, and is not carried on: it would be shown as an attribution
 * (a response header of every later export) without anyone having vouched for it.
 */
export function attributionsOfCell(text: string): string[] {
  const found: string[] = [];
  if (/\bACLED\b|Armed Conflict Location/i.test(text)) found.push(ACLED_ATTRIBUTION);
  if (/\bUCDP\b|Uppsala Conflict Data/i.test(text)) found.push(UCDP_ATTRIBUTION);
  return found;
}
