import type { BacktestModel, BacktestResult, BacktestTransition } from './backtest';
import { ACLED_ATTRIBUTION, isAcledData, UCDP_ATTRIBUTION } from '../import';

const RANK = { low: 0, elevated: 1, high: 2, critical: 3 } as const;

/** An alarm is an escalation into high or critical (a fall from critical to high is not one). */
export function isAlarm(t: BacktestTransition, level: 'high' | 'critical'): boolean {
  return t.to === level && RANK[t.to] > RANK[t.from];
}

export interface AlarmCounts {
  readonly model: BacktestModel;
  /** "1990s", … or "all" when the data lies within one decade. */
  readonly period: string;
  readonly toHigh: number;
  readonly toCritical: number;
}

/** National escalations to high and to critical per model, per decade when the data spans decades. */
export function alarmCounts(result: BacktestResult): AlarmCounts[] {
  const decadeOf = (day: string): string => `${day.slice(0, 3)}0s`;
  const spansDecades = result.firstDay !== null && result.lastDay !== null && decadeOf(result.firstDay) !== decadeOf(result.lastDay);
  const periods: string[] = [];
  if (spansDecades) {
    for (let d = Number(result.firstDay?.slice(0, 3)); d <= Number(result.lastDay?.slice(0, 3)); d++) periods.push(`${d}0s`);
  } else periods.push('all');
  const out: AlarmCounts[] = [];
  for (const model of ['risk', 'zscore-baseline'] as const) {
    for (const period of periods) {
      const inPeriod = result.transitions.filter((t) => t.model === model && t.admin1 === null && (period === 'all' || decadeOf(t.at) === period));
      out.push({ model, period, toHigh: inPeriod.filter((t) => isAlarm(t, 'high')).length, toCritical: inPeriod.filter((t) => isAlarm(t, 'critical')).length });
    }
  }
  return out;
}

/** First day each country (national level) reached high or above, and critical, per model. */
export function firstAlarms(result: BacktestResult): { model: BacktestModel; country: string; firstHigh: string | null; firstCritical: string | null }[] {
  const out = new Map<string, { model: BacktestModel; country: string; firstHigh: string | null; firstCritical: string | null }>();
  for (const t of result.transitions) {
    if (t.admin1 !== null) continue;
    const key = `${t.model}/${t.country}`;
    const entry = out.get(key) ?? { model: t.model, country: t.country, firstHigh: null, firstCritical: null };
    if (RANK[t.to] >= RANK.high && RANK[t.to] > RANK[t.from]) entry.firstHigh ??= t.at;
    if (t.to === 'critical') entry.firstCritical ??= t.at;
    out.set(key, entry);
  }
  return [...out.values()];
}

/** The summary the CLI prints. */
export function formatSummary(result: BacktestResult): string {
  const lines: string[] = [];
  const repeated = result.duplicates > 0 ? ` (${result.duplicates} repeated records skipped, as intake skips them)` : '';
  // Records outside the window are counted too, so that the counts add up to the rows read.
  const outside = result.outsideWindow > 0 ? `, ${result.outsideWindow} outside --from/--to (the file's records run from ${result.recordsFirstDay} to ${result.recordsLastDay})` : '';
  lines.push(`Backtest: ${result.format}, ${result.accepted} records accepted${repeated}${outside}, ${result.rejected} rows rejected, ${result.firstDay ?? '-'} .. ${result.lastDay ?? '-'}`);
  // Which rows and why: a count alone left the analyst to find them in the file.
  for (const e of result.rejections) lines.push(`  row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.reason}`);
  if (result.rejectionsTruncated) lines.push(`  (the first ${result.rejections.length} errors shown)`);
  const admin1 = result.transitions.filter((t) => t.model === 'risk' && t.admin1 !== null).length;
  lines.push(`Transitions written: ${result.transitions.length} (risk national ${result.transitions.filter((t) => t.model === 'risk' && t.admin1 === null).length}, risk admin1 ${admin1}, zscore-baseline ${result.transitions.filter((t) => t.model === 'zscore-baseline').length})`);
  lines.push('');
  lines.push('National escalations           period   to high  to critical');
  for (const c of alarmCounts(result)) {
    lines.push(`  ${c.model.padEnd(28)} ${c.period.padEnd(8)} ${String(c.toHigh).padStart(7)}  ${String(c.toCritical).padStart(11)}`);
  }
  lines.push('');
  lines.push('First alarm per country         country  high+       critical');
  for (const f of firstAlarms(result)) {
    lines.push(`  ${f.model.padEnd(29)} ${f.country.padEnd(8)} ${(f.firstHigh ?? '-').padEnd(11)} ${f.firstCritical ?? '-'}`);
  }
  lines.push('');
  // By the file's format and source, or by what its rows say (the signals export of an ACLED import
  // under a source of its own is ACLED data, in format hxl).
  if (isAcledData(result.format, result.source) || result.attributions.includes(ACLED_ATTRIBUTION)) {
    lines.push('Data: Armed Conflict Location & Event Data Project (ACLED); www.acleddata.com. Results derived from ACLED data.');
  }
  if (result.format === 'ucdp-ged' || result.attributions.includes(UCDP_ATTRIBUTION)) {
    lines.push('Data: UCDP Georeferenced Event Dataset (CC BY 4.0), Uppsala Conflict Data Program.');
  }
  return lines.join('\n');
}

/**
 * Why a run replayed nothing: every valid record outside --from/--to (the window and the file's
 * span, to set it by), or no valid record at all.
 */
export function nothingReplayedMessage(result: BacktestResult, window: { readonly from?: string; readonly to?: string }): string {
  if (result.outsideWindow === 0) return 'no record of the input was accepted';
  const bounds =
    window.from !== undefined && window.to !== undefined
      ? `between --from ${window.from} and --to ${window.to}`
      : window.from !== undefined
        ? `on or after --from ${window.from}`
        : `on or before --to ${window.to}`;
  return `no record falls ${bounds}: the file's records run from ${result.recordsFirstDay} to ${result.recordsLastDay}`;
}
