import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { EventPublisher } from '@crisis-ops/service-kit';
import { ImportFormatError, type ImportFormat } from '../import';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { runImport, type ImportProgress, type ImportReport } from './import-runner';
import { intakeSink } from './import-sink';

/** How often a running job says it is alive, and how long without that before it counts as interrupted. */
const HEARTBEAT_MS = 10_000;
export const INTERRUPTED_AFTER_MS = 60_000;

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
}

/**
 * Import jobs over the API: the upload is already on disk (streamed there by multer), the job reads
 * it back as a stream through the same runner and intake as the CLI, records progress, and ends
 * `succeeded` only if at least one row was accepted; a job that accepts nothing is `failed`.
 * Jobs run in the process that accepted the upload; one whose process stopped (it no longer beats) is
 * marked failed, when that is seen: at the next boot of a replica, or when the job is asked for.
 */
@Injectable()
export class ImportJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('ImportJobs');
  private readonly running = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: SignalIntake,
    private readonly events: EventPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.failInterrupted();
  }

  /**
   * Marks failed the queued or running jobs whose process has stopped beating (`id`: just that one),
   * and deletes their uploads where this process can see them. A job is judged by its heartbeat, not
   * by which process asks: with replicas, one booting must not fail the jobs another is running.
   */
  private async failInterrupted(id?: string): Promise<void> {
    // Wrapped in a SELECT: TypeORM answers an UPDATE … RETURNING as [rows, count], a SELECT as rows.
    const rows: Array<{ upload_path: string | null }> = await this.db.query(
      `WITH failed AS (
         UPDATE import_jobs SET status = 'failed', error = 'interrupted: the service running it stopped; import the file again (already recorded rows are skipped)', finished_at = now()
          WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1) AND ($2::uuid IS NULL OR id = $2)
          RETURNING upload_path)
       SELECT upload_path FROM failed`,
      [INTERRUPTED_AFTER_MS / 1000, id ?? null],
    );
    await Promise.all(rows.map((r) => (r.upload_path ? rm(r.upload_path, { force: true }).catch(() => undefined) : undefined)));
  }

  async start(job: NewJob): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO import_jobs (id, status, file_name, bytes, format, source, created_by, upload_path, heartbeat_at) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, now())`,
      [id, job.fileName, job.bytes, job.format ?? 'auto', job.source ?? null, job.createdBy, job.path],
    );
    const run = this.run(id, job).finally(() => this.running.delete(run));
    this.running.add(run);
    return id;
  }

  /** Resolves when every job started by this process has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async get(id: string): Promise<ImportJobView | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    await this.failInterrupted(id);
    const [row] = await this.db.query(
      `SELECT id, status, file_name, bytes::text AS bytes, format, source, rows_read::text AS rows_read, report, error, created_at, finished_at FROM import_jobs WHERE id = $1`,
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
      progress: report ? (final ? pickProgress(report) : (report.progress ?? null)) : null,
      report: final && report && 'format' in report ? report : null,
      error: row.error,
      createdAt: new Date(row.created_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    };
  }

  private async run(id: string, job: NewJob): Promise<void> {
    let last = 0;
    // Beats on its own clock too: a slow file can go longer than that between progress reports.
    const beat = setInterval(() => void this.db.query(`UPDATE import_jobs SET heartbeat_at = now() WHERE id = $1`, [id]).catch(() => undefined), HEARTBEAT_MS);
    beat.unref();
    try {
      await this.db.query(`UPDATE import_jobs SET status = 'running', heartbeat_at = now() WHERE id = $1`, [id]);
      const report = await runImport(createReadStream(job.path), intakeSink(this.intake, this.db, this.events), {
        format: job.format,
        source: job.source,
        onProgress: (p) => {
          if (Date.now() - last < 500) return;
          last = Date.now();
          void this.db
            .query(`UPDATE import_jobs SET rows_read = $2, report = $3, heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [id, p.rows, JSON.stringify({ progress: p })])
            .catch(() => undefined);
        },
      });
      const failed = report.accepted === 0;
      await this.db.query(`UPDATE import_jobs SET status = $2, rows_read = $3, report = $4, error = $5, finished_at = now() WHERE id = $1`, [
        id,
        failed ? 'failed' : 'succeeded',
        report.rows,
        JSON.stringify(report),
        failed ? `no row was accepted (${report.rejected} rejected of ${report.rows})` : null,
      ]);
    } catch (err) {
      const message = err instanceof ImportFormatError ? `unusable file: ${err.message}` : `import stopped: ${(err as Error).message}`;
      if (!(err instanceof ImportFormatError)) this.logger.error(`import job ${id} failed: ${(err as Error).stack}`);
      await this.db.query(`UPDATE import_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, message]).catch(() => undefined);
    } finally {
      clearInterval(beat);
      await rm(job.path, { force: true }).catch(() => undefined);
    }
  }
}

const pickProgress = (r: ImportProgress): ImportProgress => ({ rows: r.rows, accepted: r.accepted, recorded: r.recorded, duplicates: r.duplicates, rejected: r.rejected });
