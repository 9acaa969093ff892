/**
 * Replays a conflict-event file at event time through the early-warning RiskEngine (the same code
 * the service runs) and the naive z-score baseline, writes every level transition as one JSON
 * object per line, and prints a summary. Usage errors exit 2, unreadable or unusable input exits 1.
 *
 *   npm run backtest -- --input ../shared/data/acled-burkina-faso-2019-2022.csv [--out transitions.jsonl]
 */
import { createWriteStream, existsSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BacktestInputError, BacktestUsageError, formatSummary, ioReason, nothingReplayedMessage, runBacktest } from '../services/early-warning/src/backtest';
import { IMPORT_FORMATS, ImportFormatError, type ImportFormat } from '../services/early-warning/src/import';
import { fileCommandLine, UsageError } from './lib/file-cli';

const USAGE = `Usage: npm run backtest -- --input FILE [--format auto|${IMPORT_FORMATS.join('|')}] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out FILE]

  --input   CSV file to replay (ACLED events, ACLED monthly aggregates, country-month counts, UCDP GED, HXL)
  --format  input format (default: auto, detected from the header)
  --from    first event day to replay (inclusive)
  --to      last event day to replay (inclusive)
  --out     where to write the transitions as JSON lines (default: standard output, summary then on stderr)`;

function args(): { input: string; format: ImportFormat | 'auto'; from?: string; to?: string; out?: string } {
  const { values, input, format } = fileCommandLine(USAGE, { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } });
  for (const key of ['from', 'to'] as const) {
    if (values[key] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values[key] as string)) throw new UsageError(`--${key} must be a date YYYY-MM-DD`);
  }
  return { input, format, from: values.from as string | undefined, to: values.to as string | undefined, out: values.out as string | undefined };
}

/** A write stream once its file is open (a missing directory or no permission rejects here). */
async function openForWriting(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await once(stream, 'open');
  return stream;
}

async function main(): Promise<number> {
  let options;
  try {
    options = args();
  } catch (err) {
    process.stderr.write(`backtest: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.out && resolve(options.out) === resolve(options.input)) {
    process.stderr.write(`backtest: --out is the --input file, which writing would destroy\n`);
    return 2;
  }
  // A directory is found out only by the rename at the end, after the whole replay.
  if (options.out && (/[\\/]$/.test(options.out) || (existsSync(options.out) && statSync(options.out).isDirectory()))) {
    process.stderr.write(`backtest: --out ${options.out} is a directory; name the file to write\n`);
    return 2;
  }
  // A file beside --out, opened before the replay (which can take minutes), so that a path that
  // cannot be written is said at once; it replaces --out only once the run has succeeded, so a run
  // that fails (a typo in an argument, an unreadable input) leaves the previous results as they were.
  const partial = options.out ? `${options.out}.partial-${process.pid}` : undefined;
  let file: WriteStream | undefined;
  if (partial) {
    try {
      file = await openForWriting(partial);
    } catch (err) {
      process.stderr.write(`backtest: --out ${options.out} cannot be written: ${ioReason(err)}\n`);
      return 1;
    }
  }
  let result;
  try {
    result = await runBacktest(options);
  } catch (err) {
    if (err instanceof BacktestInputError || err instanceof ImportFormatError) {
      process.stderr.write(`backtest: ${err.message}\n`);
      return err instanceof BacktestUsageError ? 2 : 1;
    }
    throw err;
  } finally {
    if (partial && !result) {
      file?.destroy();
      await rm(partial, { force: true });
    }
  }
  const sink = file ?? process.stdout;
  for (const t of result.transitions) {
    if (!sink.write(`${JSON.stringify(t)}\n`)) await once(sink, 'drain');
  }
  if (file && partial && options.out) {
    file.end();
    await once(file, 'finish');
    await rename(partial, options.out);
  }
  const summary = `${formatSummary(result)}\n`;
  if (options.out) process.stdout.write(`${summary}Transitions written to ${options.out}\n`);
  else process.stderr.write(summary);
  if (result.accepted === 0) {
    process.stderr.write(`backtest: ${nothingReplayedMessage(result, options)}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`backtest: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  },
);
