/**
 * Imports a conflict-event or aggregate file into early-warning through the service's own intake
 * (same validation, same transaction per batch with its SignalRecorded or AggregateObserved events
 * in the outbox, the same idempotency by (source, id) or (source, area, period): importing a file
 * twice adds nothing and publishes nothing). Streams the file; shows a progress bar on stderr;
 * prints the report (accepted, duplicates, rejected rows with row, column and reason) on stdout.
 * Exit 0 when at least one row was accepted, 1 when none was (or the import stopped), 2 on a usage
 * error, 78 (EX_CONFIG) on an invalid configuration variable (DATABASE_PORT=abc).
 *
 *   npm run import -- --input ../shared/data/acled-burkina-faso-2019-2022.csv [--format auto|acled|…] [--source acled]
 *
 * Database: the DATABASE_* variables of the service (defaults: the dev infrastructure); runs the
 * service's migrations first as the migrator role, like the service does on boot.
 */
import 'reflect-metadata';
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { serviceSpec } from '@crisis-ops/contracts';
import { loadServiceConfig } from '@crisis-ops/config';
import { systemClock } from '@crisis-ops/domain-kernel';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { EventPublisher } from '@crisis-ops/service-kit';
import { importSourceProblem } from '../services/early-warning/src/domain';
import { IMPORT_FORMATS, ImportFormatError } from '../services/early-warning/src/import';
import { fileCommandLine, UsageError } from './lib/file-cli';
import { ConfigError, configErrorLine, EX_CONFIG, scriptEnv } from './lib/cli';
import { migrations } from '../services/early-warning/src/migrations';
import { SignalWriter } from '../services/early-warning/src/signals/intake/signal-writer';
import { formatReport, ImportInterruptedError, runImport, type ImportProgress } from '../services/early-warning/src/imports/import-runner';
import { intakeSink } from '../services/early-warning/src/imports/import-sink';
import { SORT_DIR_PREFIX } from '../services/early-warning/src/imports/event-time-order';

/** The CLI's sort runs (the file in event-time order, beyond what fits in memory) go in directories named so. */
const CLI_SORT_PREFIX = `${SORT_DIR_PREFIX}cli-`;
/** A CLI sort directory this old was left by an import killed outright (SIGKILL, a power cut). */
const CLI_SORT_ORPHAN_AFTER_MS = 24 * 3_600_000;

/**
 * A directory of the system temp for this run's sort, deleted however the process ends: normally,
 * on an error, or on Ctrl-C or SIGTERM (see stopOnSignal: a 4 GiB import leaves as much on disk). Directories of imports killed outright are swept here once
 * a day after their last run was written (a running import writes all its runs in its first pass,
 * and has long finished the second a day later).
 */
function sortDirectory(): string {
  const parent = tmpdir();
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(CLI_SORT_PREFIX)) continue;
    const dir = path.join(parent, name);
    try {
      // The runs are written in the sort's own directory inside: its time says when one last was.
      const touched = Math.max(statSync(dir).mtimeMs, ...readdirSync(dir).map((inner) => statSync(path.join(dir, inner)).mtimeMs));
      if (Date.now() - touched > CLI_SORT_ORPHAN_AFTER_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another user's, or gone meanwhile: not ours to insist on.
    }
  }
  const dir = mkdtempSync(path.join(parent, CLI_SORT_PREFIX));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Exit codes as a shell reports a process ended by the signal: 128 + its number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/**
 * Ctrl-C or SIGTERM stops the import: no batch is begun after it, those in flight finish, and the
 * import ends with an ImportInterruptedError counting the rows committed (Node would otherwise exit
 * at once, without clean-up, and the last progress line, drawn every 5 s off a terminal, showed
 * 1,560 rows where 1,760 were stored). A second signal exits at once, saying the count is a floor.
 */
function stopOnSignal(committed: () => number, onForced: (signal: StopSignal) => void): { signal: AbortSignal; received: () => StopSignal | undefined } {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  for (const signal of Object.keys(SIGNAL_EXIT) as StopSignal[]) {
    process.on(signal, () => {
      if (received) {
        process.stderr.write(`\nimport interrupted again (${signal}): at least ${committed()} rows committed stay (a batch in flight may have committed too); run it again to add the rest\n`);
        onForced(signal);
        process.exit(SIGNAL_EXIT[signal]);
      }
      received = signal;
      controller.abort();
    });
  }
  return { signal: controller.signal, received: () => received };
}

const USAGE = `Usage: npm run import -- --input FILE [--format auto|${IMPORT_FORMATS.join('|')}] [--source NAME] [--batch N] [--json]

  --input   CSV file (ACLED events, ACLED monthly aggregates, country-month counts, UCDP GED, HXL)
  --format  input format (default: auto, detected from the header)
  --source  source recorded with each signal (default per format: acled, ucdp-ged, …)
  --batch   rows per transaction (default 2000)
  --json    print the report as JSON instead of text, with its status (succeeded, failed, interrupted);
            an import that ends without a report (an unusable file, Ctrl-C) prints one with its error

Exit: 0 at least one row accepted; 1 none was, or the file or database unusable, or the import stopped;
2 a usage error; ${EX_CONFIG} an invalid configuration variable (DATABASE_*, KAFKA_BROKERS: named, with the reason)`;

function args() {
  const { values, input, format } = fileCommandLine(USAGE, { source: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' } });
  const batch = values.batch === undefined ? 2_000 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 5_000) throw new UsageError('--batch must be 1..5000');
  const source = typeof values.source === 'string' ? values.source.trim() : undefined;
  // Checked here, as the API checks its field: otherwise every row was rejected, blaming an `id` column.
  const sourceProblem = values.source === undefined ? undefined : importSourceProblem(String(values.source));
  if (sourceProblem) throw new UsageError(`--source ${sourceProblem}`);
  return { input, format, source, batch, json: values.json === true };
}

/**
 * A one-line progress bar on stderr (only when it is a terminal, or every 5 s otherwise), and each
 * pass's final state when it ends.
 */
function progressBar(total: number) {
  const tty = process.stderr.isTTY;
  let bytes = 0;
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  let phase: ImportProgress['phase'] = 'reading';
  let toWrite = 0;
  let lastDraw = 0;
  let started = Date.now();
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < (tty ? 100 : 5_000)) return;
    lastDraw = now;
    // Two passes: the file is read and put in event-time order, then its valid rows are written.
    const share = phase === 'reading' ? (total > 0 ? Math.min(1, bytes / total) : 0) : toWrite > 0 ? Math.min(1, accepted / toWrite) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const rate = (phase === 'reading' ? rows : accepted) / Math.max(0.001, (now - started) / 1000);
    const line = `${phase} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)}%  ${rows} rows  ${accepted} accepted  ${rejected} rejected  ${Math.round(rate)} rows/s`;
    // Cleared to the end: a shorter line (another pass, a rate with fewer digits) left the old one's tail.
    process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  };
  return {
    counter: new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        draw();
        done(null, chunk);
      },
    }),
    /** The state an interrupted import stopped in, drawn as it is (not as a finished pass). */
    stopped(p: ImportProgress) {
      ({ phase, rows, toWrite, accepted, rejected } = p);
      draw(true);
      if (tty) process.stderr.write('\n');
    },
    update(p: ImportProgress) {
      if (p.phase !== phase) {
        // The pass that ends is shown as it ended: off a terminal, its last line could be one drawn
        // seconds before ("reading … 7.0% 0 rows"), and on one the next pass would overwrite it.
        bytes = total;
        ({ rows, rejected } = p);
        draw(true);
        if (tty) process.stderr.write('\n');
        started = Date.now();
      }
      ({ phase, rows, toWrite, accepted, rejected } = p);
      draw();
    },
    finish() {
      bytes = total;
      draw(true);
      if (tty) process.stderr.write('\n');
    },
  };
}

/** Why an import ended without its report: what `--json` prints in its place, as `error.kind`. */
type FailureKind = 'unreadable-input' | 'database' | 'unusable-file' | 'stopped' | 'interrupted';

const NOTHING_DONE: ImportProgress = { phase: 'reading', rows: 0, toWrite: 0, accepted: 0, recorded: 0, duplicates: 0, differing: 0, rejected: 0 };

/**
 * What `--json` prints on stdout when the import ends without a report (an unusable file, an
 * unreadable input, the database, Ctrl-C): the same counts as a report, of what was committed, and
 * the error. A script reading stdout got nothing there and had only stderr's prose to go by.
 */
function failureJson(opts: { input: string; format: string; source?: string }, kind: FailureKind, message: string, progress: ImportProgress = NOTHING_DONE, signal?: StopSignal): string {
  const { phase: _phase, toWrite: _toWrite, ...counts } = progress;
  return `${JSON.stringify({ status: kind === 'interrupted' ? 'interrupted' : 'failed', input: opts.input, format: opts.format, source: opts.source ?? null, ...counts, error: { kind, message, ...(signal && { signal }) } }, null, 2)}\n`;
}

async function main(): Promise<number> {
  const opts = args();
  const failed = (kind: FailureKind, line: string, message: string, progress?: ImportProgress, signal?: StopSignal): void => {
    process.stderr.write(line);
    if (opts.json) process.stdout.write(failureJson(opts, kind, message, progress, signal));
  };
  // Before the file: a bad variable is the same error whatever the file (exit 78, not 1 for a missing one).
  const config = loadServiceConfig('early-warning', serviceSpec('early-warning').schema, 3001, scriptEnv());
  let size: number;
  try {
    const info = statSync(opts.input);
    // A directory passed the size check and then failed the read with an unhandled EISDIR and a stack.
    if (!info.isFile()) throw new Error('it is not a file');
    size = info.size;
  } catch (err) {
    failed('unreadable-input', `import: cannot read ${opts.input}: ${(err as Error).message}\n`, `cannot read ${opts.input}: ${(err as Error).message}`);
    return 1;
  }
  const dataSource = createServiceDataSource({ config: config.database, as: 'app' });
  try {
    await runMigrations({ config: config.database, migrations: [...migrations] as never });
    await dataSource.initialize();
  } catch (err) {
    // The database not running, or a wrong host, port or password: say where it was looked for.
    const { host, port, name } = config.database;
    const message = `cannot use the database ${name} at ${host}:${port}: ${(err as Error).message}`;
    failed('database', `import: ${message}\n`, message);
    return 1;
  }
  const events = new EventPublisher(config);
  const intake = new SignalWriter(dataSource, events, systemClock);
  const bar = progressBar(size);
  let committed = 0;
  // The last counts seen: what a failure's JSON reports as committed (a batch in flight may add to it).
  let last: ImportProgress = NOTHING_DONE;
  const stop = stopOnSignal(
    () => committed,
    (signal) => opts.json && process.stdout.write(failureJson(opts, 'interrupted', `interrupted again (${signal}): at least ${committed} rows committed`, last, signal)),
  );
  const onProgress = (p: ImportProgress) => {
    committed = p.accepted;
    last = p;
    bar.update(p);
  };
  try {
    const input = createReadStream(opts.input).pipe(bar.counter);
    const report = await runImport(input, intakeSink(intake, dataSource, events), { format: opts.format, source: opts.source, batchSize: opts.batch, sortDir: sortDirectory(), onProgress, signal: stop.signal });
    bar.finish();
    // `status` as an import job's: failed when no row was accepted (exit 1).
    process.stdout.write(opts.json ? `${JSON.stringify({ status: report.accepted > 0 ? 'succeeded' : 'failed', ...report }, null, 2)}\n` : formatReport(report));
    return report.accepted > 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof ImportInterruptedError) {
      const { accepted, recorded, duplicates } = err.progress;
      bar.stopped(err.progress);
      const what = accepted ? `${accepted} rows committed (${recorded} new, ${duplicates} already recorded) stay` : 'no row was committed';
      const signal = stop.received() ?? 'SIGINT';
      failed('interrupted', `import interrupted (${signal}): ${what}; run it again to add the rest\n`, `import interrupted (${signal}): ${what}`, err.progress, signal);
      return SIGNAL_EXIT[signal];
    }
    bar.finish();
    const message = (err as Error).message;
    if (err instanceof ImportFormatError) failed('unusable-file', `import: unusable file: ${message}\n`, `unusable file: ${message}`);
    else failed('stopped', `import stopped: ${message}\n(rows committed so far stay; run it again to add the rest)\n`, `import stopped: ${message}`, last);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      // Named like every other line the script writes (and like token, dlq and backtest do), so a
      // wrapper's log says which command refused.
      process.stderr.write(`import: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      // A bad variable: named with its reason under the script's name (not the service's), exit 78 as the services do.
      process.stderr.write(configErrorLine('import', err));
      process.exit(EX_CONFIG);
    }
    process.stderr.write(`import: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
