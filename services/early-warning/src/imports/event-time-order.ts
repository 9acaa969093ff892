import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { once } from 'node:events';
import type { AggregateObservation, Signal } from '../domain';

/** The name every sort's temporary directory begins with (a stale one is swept: ImportJobs). */
export const SORT_DIR_PREFIX = 'early-warning-import-';

export type ImportItem = { kind: 'signal'; signal: Signal } | { kind: 'observation'; observation: AggregateObservation };

/** The day an item is about: a signal's occurredAt, an observation's period start (what the engine opens for it). */
const timeOf = (item: ImportItem): number => (item.kind === 'signal' ? item.signal.occurredAt.getTime() : item.observation.periodStart.getTime());

type Keyed = { t: number; seq: number; item: ImportItem };

const byTime = (a: Keyed, b: Keyed): number => a.t - b.t || a.seq - b.seq;

/**
 * A file's valid records in event-time order (ties in file order), however large the file: up to
 * `chunkSize` records are held in memory (20,000: a few tens of MB of ACLED rows, under 200 MB with
 * every note at its 4,000-character limit); beyond that, sorted runs go to a temporary directory and
 * are merged back one record at a time.
 *
 * Why: the risk engine takes a country's inputs in the order they are recorded, and a report older
 * than the day it has open only adds to that day. ACLED's exports list events newest first, so an
 * import in file order made every row after the first a late report: the country got a one-day
 * history and, with its old events decayed to nothing, another current level than the backtest
 * (which sorts the same way) gives for the same file.
 */
export class EventTimeOrder {
  private held: Keyed[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;
  private seq = 0;
  /** Run files made so far, for their names. */
  private files = 0;

  constructor(
    private readonly chunkSize = 20_000,
    /** Where the temporary directory of the runs is made. */
    private readonly parent = tmpdir(),
    /** Put in the directory's name after SORT_DIR_PREFIX (an import job's id and run), so a sweep can tell whose it is. */
    private readonly label = '',
    /**
     * Runs merged at once, each an open file: past it, runs are first merged in groups into longer
     * ones. A 4 GiB upload of short rows makes thousands of runs, past a usual limit of 1,024 open files.
     */
    private readonly maxFanIn = 200,
  ) {}

  /** How many records were added. */
  get size(): number {
    return this.seq;
  }

  async add(item: ImportItem): Promise<void> {
    this.held.push({ t: timeOf(item), seq: this.seq++, item });
    if (this.held.length >= this.chunkSize) await this.spill();
  }

  /** Every record added, in event-time order; the temporary files are gone when it ends or is left. */
  async *sorted(): AsyncGenerator<ImportItem> {
    try {
      if (this.runs.length === 0) {
        this.held.sort(byTime);
        for (const k of this.held) yield k.item;
        return;
      }
      if (this.held.length > 0) await this.spill();
      while (this.runs.length > this.maxFanIn) await this.mergeGroup(this.runs.splice(0, this.maxFanIn));
      for await (const k of this.merge(this.runs)) yield k.item;
    } finally {
      await this.close();
    }
  }

  /** Removes the temporary files (also when the import stops before reading them all). */
  async close(): Promise<void> {
    this.held = [];
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async spill(): Promise<void> {
    const run = this.held.sort(byTime);
    this.held = [];
    this.runs.push(await this.write(run));
  }

  /** One longer run of a group of runs, whose files then go. */
  private async mergeGroup(group: string[]): Promise<void> {
    this.runs.push(await this.write(this.merge(group)));
    for (const file of group) await rm(file, { force: true });
  }

  private async write(records: Iterable<Keyed> | AsyncIterable<Keyed>): Promise<string> {
    this.dir ??= await mkdtemp(path.join(this.parent, `${SORT_DIR_PREFIX}${this.label}`));
    const file = path.join(this.dir, `run-${this.files++}.ndjson`);
    const out = createWriteStream(file, { encoding: 'utf8' });
    for await (const k of records) if (!out.write(`${encode(k)}\n`)) await once(out, 'drain');
    await closed(out);
    return file;
  }

  /**
   * A k-way merge of the sorted runs, the least record out first. Each run is read on demand in
   * 64 KiB blocks (RunReader): memory is a block per run, where readline's iterator queued a
   * thousand lines of each, and its file is closed however the merge ends.
   */
  private async *merge(runs: readonly string[]): AsyncGenerator<Keyed> {
    const readers: RunReader[] = [];
    try {
      for (const file of runs) readers.push(await RunReader.open(file));
      const heads: Array<Keyed | undefined> = await Promise.all(readers.map((r) => r.next()));
      for (;;) {
        let least = -1;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h && (least < 0 || byTime(h, heads[least] as Keyed) < 0)) least = i;
        }
        if (least < 0) return;
        yield heads[least] as Keyed;
        heads[least] = await readers[least].next();
      }
    } finally {
      // Every one, even if one fails to close.
      await Promise.allSettled(readers.map((r) => r.close()));
    }
  }
}

/** The records of one run file, read a block at a time as the merge asks for them. */
class RunReader {
  private lines: string[] = [];
  private rest = '';
  private done = false;
  private readonly buffer = Buffer.alloc(64 * 1024);
  private readonly decoder = new StringDecoder('utf8');

  private constructor(private readonly file: FileHandle) {}

  static async open(path: string): Promise<RunReader> {
    return new RunReader(await open(path, 'r'));
  }

  async next(): Promise<Keyed | undefined> {
    while (this.lines.length === 0) {
      if (this.done) return undefined;
      const { bytesRead } = await this.file.read(this.buffer, 0, this.buffer.length, null);
      const text = this.rest + (bytesRead > 0 ? this.decoder.write(this.buffer.subarray(0, bytesRead)) : this.decoder.end());
      const parts = text.split('\n');
      this.rest = parts.pop() ?? '';
      this.lines = parts.reverse();
      if (bytesRead === 0) {
        this.done = true;
        if (this.rest) this.lines.unshift(this.rest);
        this.rest = '';
      }
    }
    return decode(this.lines.pop() as string);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** Ends a run's file; a failed last write (a full disk) rejects, where records were silently left out of the merge. */
function closed(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** One line per record; its Dates as epoch milliseconds, read back into Dates. */
function encode(k: Keyed): string {
  if (k.item.kind === 'signal') {
    const s = k.item.signal;
    return JSON.stringify({ t: k.t, seq: k.seq, s: { ...s, occurredAt: s.occurredAt.getTime(), reportedAt: s.reportedAt.getTime() } });
  }
  const o = k.item.observation;
  return JSON.stringify({ t: k.t, seq: k.seq, o: { ...o, periodStart: o.periodStart.getTime(), periodEnd: o.periodEnd.getTime() } });
}

function decode(line: string): Keyed {
  const raw = JSON.parse(line) as { t: number; seq: number; s?: Record<string, unknown>; o?: Record<string, unknown> };
  if (raw.s) {
    const signal = { ...raw.s, occurredAt: new Date(raw.s.occurredAt as number), reportedAt: new Date(raw.s.reportedAt as number) } as unknown as Signal;
    return { t: raw.t, seq: raw.seq, item: { kind: 'signal', signal } };
  }
  const o = raw.o as Record<string, unknown>;
  const observation = { ...o, periodStart: new Date(o.periodStart as number), periodEnd: new Date(o.periodEnd as number) } as unknown as AggregateObservation;
  return { t: raw.t, seq: raw.seq, item: { kind: 'observation', observation } };
}
