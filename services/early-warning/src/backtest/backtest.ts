import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { isCalendarDay } from '@crisis-ops/domain-kernel';
import { RiskEngine, dayOf, isoDay, type AggregateObservation, type RiskDriver, type Signal, type RiskEvent, type RiskLevel, type RiskParameters } from '../domain';
import { openImport, type ImportFormat, type RowError } from '../import';
import { ReplayBuffer } from './replay-buffer';
import { zscoreBaseline } from './zscore-baseline';

export type BacktestModel = 'risk' | 'zscore-baseline';

/** One level transition, as written to the output (one JSON object per line). */
export interface BacktestTransition {
  readonly model: BacktestModel;
  readonly country: string;
  readonly admin1: string | null;
  /** YYYY-MM-DD */
  readonly at: string;
  readonly from: RiskLevel;
  readonly to: RiskLevel;
  readonly score: number;
  readonly drivers: readonly RiskDriver[];
}

export interface BacktestOptions {
  readonly input: string;
  readonly format?: ImportFormat | 'auto';
  /** Inclusive, YYYY-MM-DD. */
  readonly from?: string;
  /** Inclusive, YYYY-MM-DD. */
  readonly to?: string;
  readonly parameters?: RiskParameters;
}

export interface BacktestResult {
  readonly format: ImportFormat;
  readonly source: string;
  readonly accepted: number;
  /** Valid records whose day lies outside --from/--to: read, not replayed (accepted + outsideWindow + duplicates + rejected = rows read). */
  readonly outsideWindow: number;
  /** Records repeated in the file (same source and id, or same aggregate area and period): skipped, as intake skips them. */
  readonly duplicates: number;
  readonly rejected: number;
  /** The first MAX_REJECTIONS_SHOWN errors of rejected rows (row, column, reason), in file order. */
  readonly rejections: readonly RowError[];
  /** Whether rejected rows had more errors than `rejections` lists. */
  readonly rejectionsTruncated: boolean;
  /** The days replayed (within --from/--to), YYYY-MM-DD; null when none was. */
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  /** The days of all the file's valid records, --from/--to or not: what a window that replays nothing is told to fit. */
  readonly recordsFirstDay: string | null;
  readonly recordsLastDay: string | null;
  readonly transitions: readonly BacktestTransition[];
  /** What the file's rows say they owe (`#meta+attribution` of this service's signals export), beside what its format and source owe. */
  readonly attributions: readonly string[];
}

/** What the backtest cannot run on: an input it cannot read, or arguments it refuses (BacktestUsageError). */
export class BacktestInputError extends Error {}

/**
 * Arguments the backtest refuses (--from/--to): a usage error, which its CLI exits 2 on, as opposed
 * to an input it cannot read (1). A class of its own: the CLI told them apart by a "--" in the message,
 * and so exited 2 for an input path holding one (`/data/a--b.csv` not found).
 */
export class BacktestUsageError extends BacktestInputError {}

/**
 * Why a file operation failed, as Node says it ("ENOENT: no such file or directory") without the
 * path Node appends (", open '…'"): the message names the user's path itself, and the path Node
 * tried may be an internal one (a temporary file beside --out).
 */
export function ioReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, \w+ '.*'$/s, '');
}

/** What intake is idempotent by: a signal's (source, id), an aggregate's (source, area, period start). */
function identityOf(record: { kind: 'signal'; signal: Signal } | { kind: 'observation'; observation: AggregateObservation }): string | undefined {
  if (record.kind === 'signal') return record.signal.id === null ? undefined : `s\u001f${record.signal.source}\u001f${record.signal.id}`;
  const o = record.observation;
  return `o\u001f${o.source}\u001f${o.country}\u001f${o.admin1 ?? ''}\u001f${o.admin2 ?? ''}\u001f${o.periodStart.getTime()}`;
}

/** The buffer slot of a kept record outside the replayed days. */
const NOT_REPLAYED = -1;

/** Errors of rejected rows a summary lists: enough to see what is wrong with a file, not a flood. */
export const MAX_REJECTIONS_SHOWN = 20;

function dayArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  // Date.parse rolls 2023-02-30 over to 2 March: a day that does not exist is refused, not moved.
  if (!m || !isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) throw new BacktestUsageError(`--${name} must be a date YYYY-MM-DD that exists, got "${value}"`);
  return Math.floor(Date.parse(`${value}T00:00:00Z`) / 86_400_000);
}

/**
 * Replays a file at event time through the live RiskEngine and the z-score baseline. The file is
 * streamed once into compact tuples, sorted by event time (inputs may be in any order, e.g. ACLED
 * exports newest first), replayed, and the engine is closed through the last day.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const from = dayArg('from', options.from);
  const to = dayArg('to', options.to);
  if (from !== undefined && to !== undefined && from > to) throw new BacktestUsageError('--from is after --to');
  try {
    await access(options.input, constants.R_OK);
  } catch (err) {
    throw new BacktestInputError(`cannot read input file ${options.input}: ${ioReason(err)}`);
  }
  if (!(await stat(options.input)).isFile()) throw new BacktestInputError(`cannot read input file ${options.input}: it is not a file`);
  const opened = await openImport(createReadStream(options.input), { format: options.format ?? 'auto' });
  const buffer = new ReplayBuffer();
  let accepted = 0;
  const rejectedRows = new Set<number>();
  const rejections: RowError[] = [];
  let rejectionsTruncated = false;
  let source = '';
  // The live service records a repeated record once (idempotent intake), so the replay must count it
  // once too, or a file with repeats would give other levels here than live; and the same copy: an
  // import writes a file in event-time order (EventTimeOrder, ties in file order) and keeps the first
  // written, i.e. the oldest copy, wherever it stands in the file. Per identity: the kept copy's
  // time, and its slot in the buffer (NOT_REPLAYED when outside --from/--to).
  const kept = new Map<string, number>();
  const keptAt: number[] = [];
  const keptSlot: number[] = [];
  let duplicates = 0;
  let outsideWindow = 0;
  let recordsFirstDay: number | undefined;
  let recordsLastDay: number | undefined;
  const inWindow = (day: number) => (from === undefined || day >= from) && (to === undefined || day <= to);
  const attributions = new Set<string>();
  for await (const record of opened.records) {
    if (record.kind === 'signal') for (const a of record.attributions ?? []) attributions.add(a);
    if (record.kind === 'error') {
      rejectedRows.add(record.row);
      if (rejections.length < MAX_REJECTIONS_SHOWN) rejections.push(record);
      else rejectionsTruncated = true;
      continue;
    }
    const start = dayOf(record.kind === 'signal' ? record.signal.occurredAt : record.observation.periodStart);
    const end = record.kind === 'signal' ? start : dayOf(record.observation.periodEnd) - 1;
    recordsFirstDay = Math.min(recordsFirstDay ?? start, start);
    recordsLastDay = Math.max(recordsLastDay ?? end, end);
    const key = identityOf(record);
    const entry = key === undefined ? undefined : kept.get(key);
    if (entry !== undefined) {
      duplicates++;
      // Only a signal's copies can differ in time: an aggregate's identity includes its period start.
      if (record.kind !== 'signal' || record.signal.occurredAt.getTime() >= keptAt[entry]) continue;
      keptAt[entry] = record.signal.occurredAt.getTime();
      const slot = keptSlot[entry];
      if (inWindow(dayOf(record.signal.occurredAt))) {
        if (slot === NOT_REPLAYED) {
          keptSlot[entry] = buffer.addSignal(record.signal);
          accepted++;
          outsideWindow--;
        } else buffer.replaceSignal(slot, record.signal);
      } else if (slot !== NOT_REPLAYED) {
        buffer.drop(slot);
        keptSlot[entry] = NOT_REPLAYED;
        accepted--;
        outsideWindow++;
      }
      continue;
    }
    let slot = NOT_REPLAYED;
    if (!inWindow(start)) outsideWindow++;
    else {
      accepted++;
      if (record.kind === 'signal') {
        source = record.signal.source;
        slot = buffer.addSignal(record.signal);
      } else {
        source = record.observation.source;
        buffer.addObservation(record.observation);
      }
    }
    if (key !== undefined) {
      kept.set(key, keptAt.length);
      keptAt.push(record.kind === 'signal' ? record.signal.occurredAt.getTime() : 0);
      keptSlot.push(slot);
    }
  }

  const transitions: BacktestTransition[] = [];
  const engine = new RiskEngine({ parameters: options.parameters, observedSince: from !== undefined ? new Date(from * 86_400_000) : undefined });
  const collect = (events: RiskEvent[]): void => {
    for (const e of events) {
      if (e.type === 'RiskAssessed') continue;
      transitions.push({ model: 'risk', country: e.country, admin1: e.admin1, at: e.at.toISOString().slice(0, 10), from: e.previousLevel, to: e.newLevel, score: e.score, drivers: e.drivers });
    }
  };
  let firstDay: number | null = null;
  let lastDay: number | null = null;
  for (const item of buffer.sorted()) {
    firstDay ??= item.day;
    const end = item.kind === 'observation' ? dayOf(item.observation.periodEnd) - 1 : item.day;
    lastDay = Math.max(lastDay ?? end, end);
    collect(item.kind === 'signal' ? engine.ingestSignal(item.signal) : engine.ingestObservation(item.observation));
  }
  if (lastDay !== null) collect(engine.closeThrough(new Date((to !== undefined ? Math.min(to, lastDay) : lastDay) * 86_400_000)));

  if (lastDay !== null) {
    const last = new Date(lastDay * 86_400_000);
    const lastMonth = last.getUTCFullYear() * 12 + last.getUTCMonth();
    for (const t of zscoreBaseline(buffer.monthlyFatalities(), lastMonth)) {
      transitions.push({ model: 'zscore-baseline', country: t.country, admin1: null, at: t.at, from: t.from, to: t.to, score: t.score, drivers: t.drivers });
    }
  }
  return {
    format: opened.format,
    source,
    accepted,
    outsideWindow,
    duplicates,
    rejected: rejectedRows.size,
    rejections,
    rejectionsTruncated,
    firstDay: firstDay === null ? null : isoDay(firstDay),
    lastDay: lastDay === null ? null : isoDay(lastDay),
    recordsFirstDay: recordsFirstDay === undefined ? null : isoDay(recordsFirstDay),
    recordsLastDay: recordsLastDay === undefined ? null : isoDay(recordsLastDay),
    transitions,
    attributions: [...attributions],
  };
}
