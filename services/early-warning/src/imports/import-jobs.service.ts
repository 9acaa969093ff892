import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { UUID_PATTERN } from '@crisis-ops/domain-kernel';
import { EventPublisher } from '@crisis-ops/service-kit';
import { isRefusedData } from '@crisis-ops/messaging';
import { ImportFormatError, type ImportFormat } from '../import';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { runImport, type ImportProgress, type ImportReport } from './import-runner';
import { intakeSink } from './import-sink';
import { SORT_DIR_PREFIX } from './event-time-order';
import { defaultUploadDir, uploadDirOf } from '../early-warning-env';

/**
 * Where uploads are written (by multer, as they arrive) and read back by their job. Jobs resume from
 * it after a restart, so in a container it belongs on a volume; replicas sharing it resume each
 * other's jobs.
 *
 * By default one directory per database: the orphan sweep deletes what its own database's jobs do
 * not refer to, so two stacks on one machine (`npm start` and `npm test`) sharing a directory
 * deleted each other's uploads an hour after they arrived, queued or running jobs' included.
 */
export const UPLOAD_DIR = uploadDirOf(process.env);
export { defaultUploadDir };

/** How often a running job says it is alive, and how long without that before it counts as interrupted. */
const HEARTBEAT_MS = 10_000;
export const INTERRUPTED_AFTER_MS = 60_000;
/** How often each replica looks for interrupted jobs to resume. */
const SWEEP_MS = 30_000;
/**
 * Runs of one job before it is failed: a file that stops every process reading it (or a fault that
 * recurs on every run) must not stop them for ever. Runs a graceful shutdown cut short do not count.
 */
export const MAX_ATTEMPTS = 3;
/** Runs of one job in all, shutdowns included: a file that makes its replica be restarted (a failing liveness probe) is given up too. */
export const MAX_RUNS = 10;
/** An interrupted job no replica could resume (none sees its upload) is failed after this long. */
export const ABANDONED_AFTER_MS = 15 * 60_000;
/** An upload no job refers to is deleted at boot once older than this (younger ones may still be arriving). */
const ORPHAN_AFTER_MS = 60 * 60_000;
const SORT_ORPHAN_AFTER_MS = 24 * 60 * 60_000;
/** A job's sort directory is named after the job and its run: `<job id>-<run>-`, then mkdtemp's suffix. */
const sortLabelOf = (jobId: string, attempt: number): string => `${jobId}-${attempt}-`;
const JOB_SORT_LABEL = /^[0-9a-f-]{36}-\d+-/;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportJobView {
  jobId: string;
  status: JobStatus;
  fileName: string | null;
  bytes: number | null;
  format: string | null;
  source: string | null;
  progress: ImportProgress | null;
  report: ImportReport | null;
  error: string | null;
  /**
   * How many times the file has been run: more than 1 when a replica stopped mid-file and the job was
   * run again from its first row. Each run reports on the whole file, so rows an earlier run
   * recorded count as `duplicates` (already recorded) in the report, never twice as new.
   */
  runs: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface NewJob {
  readonly path: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly format?: ImportFormat | 'auto';
  readonly source?: string;
  readonly createdBy: string | null;
  /**
   * The desk whose countries' rows alone the job takes: the uploader's token's region, kept with the
   * job so that a run resumed by another replica, without the token, confines it the same way. Null
   * (a token of region global or of none): every country.
   */
  readonly region?: string | null;
}

/**
 * Import jobs over the API: the upload is already on disk (streamed there by multer), the job reads
 * it back as a stream through the same runner and intake as the CLI, records progress, and ends
 * `succeeded` only if at least one row was accepted; a job that accepts nothing is `failed`.
 * Jobs run in the process that accepted the upload and beat while they run; one whose process
 * stopped is resumed by a replica that can read its upload (recoverInterrupted).
 */
@Injectable()
export class ImportJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ImportJobs');
  private readonly running = new Set<Promise<void>>();
  /** Ids of the jobs this process is running. */
  private readonly runningIds = new Set<string>();
  private sweep?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: SignalIntake,
    private readonly events: EventPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await mkdir(UPLOAD_DIR, { recursive: true });
    await access(UPLOAD_DIR, constants.W_OK).catch((err: Error) => {
      throw new Error(`EARLY_WARNING_UPLOAD_DIR: ${UPLOAD_DIR} is not a directory this process can write (${err.message})`);
    });
    await this.recoverInterrupted();
    await this.deleteOrphanUploads();
    clearInterval(this.sweep);
    // Orphans too: a replica that failed a job it could not read left the upload on the replica that holds it.
    this.sweep = setInterval(
      () =>
        void this.recoverInterrupted()
          .then(() => this.deleteOrphanUploads())
          .catch((err: Error) => this.logger.warn(`recovering import jobs: ${err.message}`)),
      SWEEP_MS,
    );
    this.sweep.unref();
  }

  /**
   * Before the database closes: a job cut short by a shutdown is left to be resumed, not failed, and
   * the shutdown is noted against it, so deploys during a long import do not use up its runs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.sweep);
    if (this.runningIds.size === 0) return;
    await this.db
      .query(`UPDATE import_jobs SET shutdowns = shutdowns + 1 WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')`, [[...this.runningIds]])
      .catch((err: Error) => this.logger.warn(`could not note the shutdown against running import jobs: ${err.message}`));
  }

  /**
   * Jobs whose process stopped beating (`id`: just that one). An accepted upload is not given up on
   * a restart: where this process can read the upload (the same host or a shared upload volume) it
   * claims the job and runs it again from the start, which adds only what the interrupted run had not
   * recorded, as importing twice adds nothing. A job is judged by its heartbeat, not by which process
   * asks, so a booting replica leaves the jobs of running ones alone. It is failed only after
   * MAX_ATTEMPTS runs (a file that stops every process that reads it), or once no process has picked
   * it up for ABANDONED_AFTER_MS (the replica that holds its upload is gone).
   */
  private async recoverInterrupted(id?: string): Promise<void> {
    // A replica on its way down claims nothing: the run would be cut short uncounted as a shutdown.
    if (this.stopping) return;
    const stale: Array<{ id: string; upload_path: string | null; attempts: number; shutdowns: number; idle_ms: number; file_name: string | null; bytes: string | null; format: string | null; source: string | null; created_by: string | null; region: string | null }> =
      await this.db.query(
        `SELECT id, upload_path, attempts, shutdowns, extract(epoch FROM now() - coalesce(heartbeat_at, created_at)) * 1000 AS idle_ms, file_name, bytes::text AS bytes, format, source, created_by, region
           FROM import_jobs
          WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1) AND ($2::uuid IS NULL OR id = $2)`,
        [INTERRUPTED_AFTER_MS / 1000, id ?? null],
      );
    for (const job of stale) {
      // Its run here is alive, only its beats were lost (the database was out of reach): they resume.
      if (this.runningIds.has(job.id)) continue;
      const readable = job.upload_path !== null && (await access(job.upload_path, constants.R_OK).then(() => true, () => false));
      const failedRuns = job.attempts - job.shutdowns;
      const exhausted = failedRuns >= MAX_ATTEMPTS || job.attempts >= MAX_RUNS;
      if (readable && !exhausted) {
        if (this.stopping) return;
        // Claimed by one statement: of two replicas that both see the job stale, one wins.
        const claimed: Array<{ attempts: number }> = await this.db.query(
          `WITH claimed AS (
             UPDATE import_jobs SET status = 'queued', heartbeat_at = now(), attempts = attempts + 1
              WHERE id = $1 AND status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $2)
              RETURNING attempts)
           SELECT attempts FROM claimed`,
          [job.id, INTERRUPTED_AFTER_MS / 1000],
        );
        if (claimed.length === 0) continue;
        if (this.stopping) {
          // Claimed as this replica began to stop: handed back as cut short by a shutdown.
          await this.handBack(job.id, claimed[0].attempts, 'shutdowns = shutdowns + 1');
          return;
        }
        this.logger.warn(`import job ${job.id} was interrupted; running it again (run ${job.attempts + 1}, ${failedRuns} of ${MAX_ATTEMPTS} allowed failures used)`);
        this.track(job.id, claimed[0].attempts, { path: job.upload_path as string, fileName: job.file_name ?? '', bytes: Number(job.bytes ?? 0), format: (job.format ?? 'auto') as never, source: job.source ?? undefined, createdBy: job.created_by, region: job.region });
      } else if (exhausted || Number(job.idle_ms) > ABANDONED_AFTER_MS) {
        const reason =
          failedRuns >= MAX_ATTEMPTS
            ? `stopped by a fault in ${failedRuns} of its ${job.attempts} runs`
            : job.attempts >= MAX_RUNS
              ? `run ${job.attempts} times without finishing (${job.shutdowns} cut short by shutdowns)`
              : 'the service running it stopped and no replica holds its upload';
        const failed: unknown[] = await this.db.query(
          `WITH failed AS (
             UPDATE import_jobs SET status = 'failed', error = 'interrupted: ' || $2 || coalesce(' (last: ' || error || ')', '') || '; import the file again (already recorded rows are skipped)', finished_at = now()
              WHERE id = $1 AND attempts = $4 AND status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $3)
              RETURNING id)
           SELECT id FROM failed`,
          [job.id, reason, INTERRUPTED_AFTER_MS / 1000, job.attempts],
        );
        // Only if this replica failed it: a late beat means its run is alive and needs the upload.
        if (failed.length === 1 && job.upload_path) await rm(job.upload_path, { force: true }).catch(() => undefined);
      }
      // Otherwise another replica may still hold the upload: left to it until ABANDONED_AFTER_MS.
    }
  }

  /** Leaves run `attempt` of a job to be claimed at once by any replica, with `change` to its counts. */
  private async handBack(id: string, attempt: number, change: 'attempts = 0' | 'shutdowns = shutdowns + 1'): Promise<void> {
    await this.db
      .query(`UPDATE import_jobs SET ${change}, heartbeat_at = now() - make_interval(secs => $3) WHERE id = $1 AND attempts = $2 AND status IN ('queued', 'running')`, [
        id,
        attempt,
        INTERRUPTED_AFTER_MS / 1000,
      ])
      .catch((err: Error) => this.logger.warn(`could not hand back import job ${id}: ${err.message}`));
  }

  /** Uploads no queued or running job refers to (their job ended while this process was down), once surely not still arriving. */
  private async deleteOrphanUploads(): Promise<void> {
    const jobs = (await this.db.query(`SELECT id, attempts, upload_path FROM import_jobs WHERE status IN ('queued', 'running')`)) as Array<{ id: string; attempts: number; upload_path: string | null }>;
    const live = new Set(jobs.map((r) => r.upload_path).filter((p): p is string => p !== null));
    const liveSorts = jobs.map((r) => sortLabelOf(r.id, r.attempts));
    for (const name of await readdir(UPLOAD_DIR)) {
      const file = path.join(UPLOAD_DIR, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() && !live.has(file) && Date.now() - info.mtimeMs > ORPHAN_AFTER_MS) await rm(file, { force: true }).catch(() => undefined);
      // A sort's runs left by a process killed mid-import (its own clean-up never ran): at once when
      // they are a job's run that is no longer its current one (each rerun of a file that kills its
      // process would leave a copy of the file), else once a day old.
      if (info?.isDirectory() && name.startsWith(SORT_DIR_PREFIX)) {
        const label = name.slice(SORT_DIR_PREFIX.length);
        const ofAJob = JOB_SORT_LABEL.test(label);
        const current = liveSorts.some((l) => label.startsWith(l));
        if ((ofAJob && !current) || (!ofAJob && Date.now() - info.mtimeMs > SORT_ORPHAN_AFTER_MS)) await rm(file, { recursive: true, force: true }).catch(() => undefined);
      }
    }
  }

  async start(job: NewJob): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO import_jobs (id, status, file_name, bytes, format, source, created_by, upload_path, region, heartbeat_at) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, now())`,
      [id, job.fileName, job.bytes, job.format ?? 'auto', job.source ?? null, job.createdBy, job.path, job.region ?? null],
    );
    // An upload accepted while this replica is on its way down is left, not yet run, for a replica
    // that can read it (this one, back up, on the same host) to run at once.
    if (this.stopping) await this.handBack(id, 1, 'attempts = 0');
    else this.track(id, 1, job);
    return id;
  }

  /** Runs the job's `attempt`-th run, the one this process claimed (1 for a new job). */
  private track(id: string, attempt: number, job: NewJob): void {
    this.runningIds.add(id);
    const run = this.run(id, attempt, job).finally(() => {
      this.running.delete(run);
      this.runningIds.delete(id);
    });
    this.running.add(run);
  }

  /** Resolves when every job started by this process has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async get(id: string): Promise<ImportJobView | undefined> {
    if (!UUID_PATTERN.test(id)) return undefined;
    await this.recoverInterrupted(id);
    const [row] = await this.db.query(
      `SELECT id, status, file_name, bytes::text AS bytes, format, source, rows_read::text AS rows_read, report, error, attempts, created_at, finished_at FROM import_jobs WHERE id = $1`,
      [id],
    );
    if (!row) return undefined;
    const report = row.report as (ImportReport & { progress?: ImportProgress }) | null;
    const final = row.status === 'succeeded' || row.status === 'failed';
    return {
      jobId: row.id,
      status: row.status,
      fileName: row.file_name,
      bytes: row.bytes === null ? null : Number(row.bytes),
      format: report && 'format' in report ? report.format : row.format,
      source: report && 'source' in report && report.source ? report.source : row.source,
      // A job failed while interrupted has only its last progress report.
      progress: report ? (final && 'format' in report ? pickProgress(report) : (report.progress ?? null)) : null,
      report: final && report && 'format' in report ? report : null,
      // A fault of a run that is to be run again is the service's to deal with, not the file's.
      error: final ? row.error : null,
      runs: row.attempts,
      createdAt: new Date(row.created_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    };
  }

  /**
   * Every write is for this run only (`attempts` = its number): a run that went on after another
   * replica took the job over (its beats were lost for a minute) must not end or delay the new one.
   */
  private async run(id: string, attempt: number, job: NewJob): Promise<void> {
    let last = 0;
    let lastPhase: ImportProgress['phase'] = 'reading';
    // Set once the job's final status is recorded: only then may its upload go.
    let ended = false;
    // Progress and beats are written without waiting for them; those still in flight are kept, so
    // that a stopped run can let every one land before it marks the job interrupted. Landing after,
    // one dated the heartbeat now again, and the job looked alive for another minute (several can be
    // in flight when the database is slow, which is when a run stops).
    const inFlight = new Set<Promise<unknown>>();
    const write = (sql: string, parameters: unknown[]) => {
      const written = this.db.query(sql, parameters).catch(() => undefined);
      inFlight.add(written);
      void written.finally(() => inFlight.delete(written));
    };
    // Beats on its own clock too: a slow file can go longer than that between progress reports.
    const beat = setInterval(() => write(`UPDATE import_jobs SET heartbeat_at = now() WHERE id = $1 AND attempts = $2`, [id, attempt]), HEARTBEAT_MS);
    beat.unref();
    try {
      await this.db.query(`UPDATE import_jobs SET status = 'running', heartbeat_at = now() WHERE id = $1 AND attempts = $2`, [id, attempt]);
      const report = await runImport(createReadStream(job.path), intakeSink(this.intake, this.db, this.events), {
        format: job.format,
        source: job.source,
        desk: job.region ?? undefined,
        // Beside the uploads, on their volume and swept with them, rather than the system's temp.
        sortDir: UPLOAD_DIR,
        sortLabel: sortLabelOf(id, attempt),
        onProgress: (p) => {
          // Throttled, but never the first report of a pass: the job would say "reading" until its first batch committed.
          if (Date.now() - last < 500 && p.phase === lastPhase) return;
          last = Date.now();
          lastPhase = p.phase;
          write(`UPDATE import_jobs SET rows_read = $2, report = $3, heartbeat_at = now() WHERE id = $1 AND status = 'running' AND attempts = $4`, [
            id,
            p.rows,
            JSON.stringify({ progress: p }),
            attempt,
          ]);
        },
      });
      const failed = report.accepted === 0;
      ended = await this.end(id, attempt, {
        status: failed ? 'failed' : 'succeeded',
        rows: report.rows,
        report: JSON.stringify(report),
        error: failed ? `no row was accepted (${report.rejected} rejected of ${report.rows})` : null,
      });
    } catch (err) {
      clearInterval(beat);
      if (this.stopping) {
        this.logger.warn(`import job ${id} cut short by shutdown; a replica that can read its upload runs it again`);
        return;
      }
      if (err instanceof ImportFormatError || isRefusedData(err)) {
        const error = err instanceof ImportFormatError ? `unusable file: ${err.message}` : `import stopped: the database refused the file's data: ${(err as Error).message}`;
        ended = await this.end(id, attempt, { status: 'failed', rows: null, report: null, error }).catch(() => false);
        return;
      }
      // Nothing says the file is at fault (the database restarted, a deadlock, a disk error): the job
      // is left interrupted with its upload, for the next sweep of any replica that can read it to
      // run again. A fault that recurs on every run fails it after MAX_ATTEMPTS runs.
      this.logger.error(`import job ${id} stopped; it will be run again: ${(err as Error).stack}`);
      await Promise.all(inFlight);
      await this.db
        .query(`UPDATE import_jobs SET error = $2, heartbeat_at = now() - make_interval(secs => $3) WHERE id = $1 AND status IN ('queued', 'running') AND attempts = $4`, [
          id,
          storable(`stopped: ${(err as Error).message}`),
          INTERRUPTED_AFTER_MS / 1000,
          attempt,
        ])
        .catch(() => undefined);
    } finally {
      clearInterval(beat);
      if (ended) await rm(job.path, { force: true }).catch(() => undefined);
    }
  }

  /** Records the run's final status, if the job is still this run's: whether it was (and so whether its upload may go). */
  private async end(id: string, attempt: number, outcome: { status: 'succeeded' | 'failed'; rows: number | null; report: string | null; error: string | null }): Promise<boolean> {
    const ended: unknown[] = await this.db.query(
      `WITH ended AS (
         UPDATE import_jobs SET status = $3, rows_read = coalesce($4, rows_read), report = coalesce($5::jsonb, report), error = $6, finished_at = now()
          WHERE id = $1 AND attempts = $2 AND status IN ('queued', 'running')
          RETURNING id)
       SELECT id FROM ended`,
      [id, attempt, outcome.status, outcome.rows, outcome.report, outcome.error === null ? null : storable(outcome.error)],
    );
    return ended.length === 1;
  }
}

/**
 * Text Postgres can store: it refuses NUL in text (and in jsonb), and an error that quoted one
 * (a file's bytes) could not be recorded, so the job stayed "running" until it was given up as
 * interrupted, three runs later, with the wrong advice.
 */
const storable = (text: string): string => text.replaceAll('\u0000', '\\0');

// differing: absent in reports of jobs that ended before it existed.
const pickProgress = (r: ImportProgress): ImportProgress => ({ phase: r.phase, rows: r.rows, toWrite: r.toWrite, accepted: r.accepted, recorded: r.recorded, duplicates: r.duplicates, differing: r.differing ?? 0, rejected: r.rejected });
