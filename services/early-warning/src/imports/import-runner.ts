import type { Readable } from 'node:stream';
import type { AggregateObservation, Signal } from '../domain';
import { ACLED_ATTRIBUTION, attributionOf, openImport, UCDP_ATTRIBUTION, type ImportFormat, type RowError } from '../import';
import { EventTimeOrder } from './event-time-order';
import { LateReportTally, type LateReportCountry } from './late-reports';

export { ACLED_ATTRIBUTION, UCDP_ATTRIBUTION };

/** Where valid records go: the same intake path as the API (one transaction per batch). */
export interface ImportSink {
  signals(batch: readonly Signal[]): Promise<SinkResult>;
  observations(batch: readonly AggregateObservation[]): Promise<SinkResult>;
  /**
   * Keeps the attributions the file's sources owe (source → attributions), before any of their rows
   * is written, so that what is shown of them later (the signals export) attributes them too.
   */
  attribute?(sources: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /**
   * The day each of these countries' risk has open (its engine's current day, 00:00 UTC), for the
   * countries that have one: a row dated before it is a late report (late-reports.ts). Read once,
   * before the first row is written; rows are counted by the `fresh` of the sink's results.
   */
  openDays?(countries: readonly string[]): Promise<ReadonlyMap<string, Date>>;
}

/**
 * `differing`: duplicates whose content is not what was recorded (a revision: not applied).
 * `fresh`: per row of the batch, in its order, whether it was newly recorded.
 */
export type SinkResult = { recorded: number; duplicates: number; differing?: number; fresh?: readonly boolean[] };

export interface ImportProgress {
  /**
   * `reading`: the file is read, every row checked and the valid ones put in event-time order;
   * `writing`: they are written (`toWrite` of them), oldest first; `done`: the import has ended (the
   * phase of its report: a finished import's said `writing`, as if it were still under way).
   */
  readonly phase: 'reading' | 'writing' | 'done';
  /** Data rows read so far. */
  readonly rows: number;
  /** Valid rows to write, once the file is read (0 before). */
  readonly toWrite: number;
  readonly accepted: number;
  readonly recorded: number;
  readonly duplicates: number;
  /** Of the duplicates, rows whose content differs from what was recorded under the same key: not applied. */
  readonly differing: number;
  readonly rejected: number;
}

export interface ImportReport extends ImportProgress {
  readonly format: ImportFormat;
  /**
   * What the file's records were recorded under: the first accepted row's source, else (no row
   * accepted) the one the file was taken to have (given, or its format's). Null in the stored
   * reports of jobs that accepted no row before this was so.
   */
  readonly source: string | null;
  /** Of the accepted rows, how many were aggregate observations (counts per area and month). */
  readonly observations: number;
  /** The first `maxErrors` row errors (row = line in the file, 1 = header), in file order. */
  readonly errors: readonly RowError[];
  readonly errorsTruncated: boolean;
  /**
   * What the data owes its providers (ACLED's terms, UCDP's CC BY 4.0): by the file's format and
   * source, or what its rows say (`#meta+attribution`, as the signals export writes it); both
   * attributions, one after the other, for a file holding both.
   */
  readonly attribution: string | null;
  /**
   * Of the rows recorded, how many were dated before the day their country's risk had open when the
   * import began writing: added to that day as late reports, with no history assessed for their
   * days (docs/risk-model.md). `lateReportCountries`: per country (code order), the first 100.
   * Absent in the stored reports of jobs that ended before this was reported.
   */
  readonly lateReports: number;
  readonly lateReportCountries: readonly LateReportCountry[];
  readonly lateReportCountriesTruncated: boolean;
  readonly durationMs: number;
}

export interface RunImportOptions {
  readonly format?: ImportFormat | 'auto';
  readonly source?: string;
  /** Takes rows of this desk's countries only, rejecting the others (see ImportOptions.desk). */
  readonly desk?: string;
  readonly batchSize?: number;
  /** Batches (of different countries) written at the same time. */
  readonly concurrency?: number;
  readonly maxErrors?: number;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Valid records held in memory while the file is put in event-time order; more go to temporary files. */
  readonly sortChunk?: number;
  /** Where those files go (in a directory of their own, removed after); default the system's temp. */
  readonly sortDir?: string;
  /** Put in that directory's name (EventTimeOrder). */
  readonly sortLabel?: string;
  /**
   * Stops the import (Ctrl-C in the CLI): no further batch is started, those in flight are awaited,
   * and it ends with an ImportInterruptedError carrying what was committed by then.
   */
  readonly signal?: AbortSignal;
}

/**
 * An import stopped by its `signal`. `progress` counts what was committed: every batch begun had
 * finished when it was thrown, so it is the number in the database, not a progress line's.
 */
export class ImportInterruptedError extends Error {
  constructor(readonly progress: ImportProgress) {
    super(`import interrupted: ${progress.accepted} rows committed`);
    this.name = 'ImportInterruptedError';
  }
}

/**
 * Streams a file through the format's parser, puts its valid records in event-time order
 * (EventTimeOrder: the risk engine must see a country's reports oldest first, and ACLED's exports
 * come newest first), then writes them into the sink in batches of one country each. A country has
 * at most one batch in flight, so its batches commit in that order (and its signals reach the risk
 * engine in that order, as its events share a partition); batches of different countries are
 * written concurrently (up to `concurrency`), which the outbox's per-key locks allow. Bad rows are
 * skipped and reported; a failing write stops the import (what was committed stays, and a rerun
 * adds only the rest: intake is idempotent).
 *
 * Counts: `accepted` = valid rows (`recorded` new + `duplicates` already there); `rejected` = rows
 * with at least one error.
 */
export async function runImport(input: Readable, sink: ImportSink, options: RunImportOptions = {}): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2_000;
  const maxErrors = options.maxErrors ?? 1_000;
  const concurrency = options.concurrency ?? 4;
  // Rows held back across all countries before the fullest buffer is written anyway.
  const maxBuffered = batchSize * concurrency * 2;
  const opened = await openImport(input, { format: options.format, source: options.source, desk: options.desk });
  let rows = 0;
  let recorded = 0;
  let duplicates = 0;
  let differing = 0;
  let rejected = 0;
  let observations = 0;
  let lastRow = -1;
  let lastRejectedRow = -1;
  const errors: RowError[] = [];
  let errorsTruncated = false;
  // The first accepted row's: a file of recorded signals (HXL with #event+id+source) names each row's
  // own, which --source does not replace; started from --source, the report named a source nothing
  // was recorded under.
  let source: string | null = null;
  const buffers = new Map<string, Signal[]>();
  let buffered = 0;
  let aggregates: AggregateObservation[] = [];
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let phase: ImportProgress['phase'] = 'reading';
  const progress = (): ImportProgress => ({ phase, rows, toWrite: phase === 'reading' ? 0 : ordered.size, accepted: recorded + duplicates, recorded, duplicates, differing, rejected });

  // Countries of the valid rows, whose open days are read before writing; filled once they are.
  const countries = new Set<string>();
  let late = new LateReportTally(new Map());

  const dispatch = async (key: string, write: () => Promise<SinkResult>, tally: (r: SinkResult) => void): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const job = (chains.get(key) ?? Promise.resolve()).then(async () => {
      // Queued behind its country's batch in flight when the import was stopped: not begun.
      if (failure || options.signal?.aborted) return;
      const r = await write();
      recorded += r.recorded;
      duplicates += r.duplicates;
      differing += r.differing ?? 0;
      tally(r);
      options.onProgress?.(progress());
    });
    chains.set(key, job);
    const tracked = job.then(
      () => undefined,
      (err: unknown) => {
        failure ??= err;
      },
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };
  const flushCountry = async (country: string): Promise<void> => {
    const batch = buffers.get(country);
    if (!batch?.length) return;
    buffers.delete(country);
    buffered -= batch.length;
    await dispatch(
      `signals:${country}`,
      () => sink.signals(batch),
      (r) => late.add(batch, r.fresh, (s) => [s.country, s.occurredAt]),
    );
  };
  const flushObservations = async (): Promise<void> => {
    if (aggregates.length === 0) return;
    const batch = aggregates;
    aggregates = [];
    await dispatch(
      'observations',
      () => sink.observations(batch),
      (r) => late.add(batch, r.fresh, (o) => [o.country, o.periodStart]),
    );
  };

  // What each source's rows owe: by the file's format (ACLED's, UCDP's) and source name, and what a
  // row says itself (the signals export's `#meta+attribution`: an export of an ACLED import under a
  // source of its own had no other trace of ACLED, and its import reported no attribution).
  const attributions = new Map<string, Set<string>>();
  const attributeTo = (recordSource: string, own: readonly string[] | undefined): void => {
    const owed = [attributionOf(opened.format, recordSource), ...(own ?? [])].filter((a): a is string => a !== null);
    if (owed.length === 0) return;
    let set = attributions.get(recordSource);
    if (!set) attributions.set(recordSource, (set = new Set()));
    for (const a of owed) set.add(a);
  };

  // First the whole file is read: every row counted and checked, the valid ones put in order.
  const ordered = new EventTimeOrder(options.sortChunk, options.sortDir, options.sortLabel);
  options.onProgress?.(progress());
  try {
    for await (const record of opened.records) {
      if (options.signal?.aborted) throw new ImportInterruptedError(progress());
      if (record.row !== lastRow) {
        rows++;
        lastRow = record.row;
        if (rows % 10_000 === 0) options.onProgress?.(progress());
      }
      if (record.kind === 'error') {
        if (record.row !== lastRejectedRow) {
          rejected++;
          lastRejectedRow = record.row;
        }
        if (errors.length < maxErrors) errors.push(record);
        else errorsTruncated = true;
        continue;
      }
      if (record.kind === 'signal') {
        source ??= record.signal.source;
        attributeTo(record.signal.source, record.attributions);
        countries.add(record.signal.country);
        await ordered.add({ kind: 'signal', signal: record.signal });
      } else {
        source ??= record.observation.source;
        attributeTo(record.observation.source, undefined);
        countries.add(record.observation.country);
        observations++;
        await ordered.add({ kind: 'observation', observation: record.observation });
      }
    }
  } catch (err) {
    await ordered.close();
    throw err;
  }
  phase = 'writing';
  options.onProgress?.(progress());
  try {
    if (attributions.size > 0 && sink.attribute) await sink.attribute(new Map([...attributions].map(([k, v]) => [k, [...v]])));
    // Read before any row is written: the file's own rows, written oldest first, never make a later row of it late.
    if (countries.size > 0 && sink.openDays) late = new LateReportTally(await sink.openDays([...countries]));
  } catch (err) {
    await ordered.close();
    throw err;
  }

  for await (const item of ordered.sorted()) {
    if (failure || options.signal?.aborted) break;
    if (item.kind === 'signal') {
      const s = item.signal;
      let batch = buffers.get(s.country);
      if (!batch) buffers.set(s.country, (batch = []));
      batch.push(s);
      buffered++;
      if (batch.length >= batchSize) await flushCountry(s.country);
      else if (buffered >= maxBuffered) {
        const fullest = [...buffers].reduce((a, b) => (b[1].length > a[1].length ? b : a))[0];
        await flushCountry(fullest);
      }
    } else {
      aggregates.push(item.observation);
      if (aggregates.length >= batchSize) await flushObservations();
    }
  }
  if (!failure && !options.signal?.aborted) {
    for (const country of [...buffers.keys()]) await flushCountry(country);
    await flushObservations();
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  if (options.signal?.aborted) throw new ImportInterruptedError(progress());
  options.onProgress?.(progress());
  phase = 'done';
  // A file whose every row was rejected still says what it was taken to be: it reported source null.
  source ??= opened.source;
  const owed = new Set([...attributions.values()].flatMap((a) => [...a]));
  // A file whose every row was rejected is attributed by what it was taken to be.
  if (owed.size === 0) owed.add(attributionOf(opened.format, source) ?? '');
  const attribution = [ACLED_ATTRIBUTION, UCDP_ATTRIBUTION].filter((a) => owed.has(a)).join(' ') || null;
  return {
    format: opened.format,
    source,
    ...progress(),
    observations,
    errors,
    errorsTruncated,
    attribution,
    ...late.report(),
    durationMs: Date.now() - started,
  };
}

/** The report as text for a terminal. */
export function formatReport(r: ImportReport): string {
  const lines = [
    `format ${r.format}, source ${r.source ?? '-'}: ${r.rows} rows in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  accepted   ${r.accepted} (${r.recorded} new, ${r.duplicates} already recorded)${r.observations ? `, of which ${r.observations} aggregate observations` : ''}`,
    ...(r.differing > 0 ? [`  ${r.differing} of those already recorded differ from what was recorded under the same key: not applied (a revision needs a new id)`] : []),
    `  rejected   ${r.rejected}`,
  ];
  for (const e of r.errors) lines.push(`    row ${e.row}${e.column ? `, column ${e.column}` : ''}: ${e.reason}`);
  if (r.errorsTruncated) lines.push(`    … more errors not shown`);
  if (r.lateReports > 0) {
    lines.push(`  late       ${r.lateReports} recorded rows dated before their country's open day: added to it as late reports, no history assessed for their days`);
    for (const c of r.lateReportCountries) lines.push(`    ${c.country}: ${c.rows} dated before ${c.openDay}`);
    if (r.lateReportCountriesTruncated) lines.push(`    … more countries not shown`);
  }
  if (r.attribution) lines.push('', r.attribution);
  return `${lines.join('\n')}\n`;
}
