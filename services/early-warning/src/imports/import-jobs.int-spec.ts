import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { eventually, testInfra, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, type BootedEarlyWarning } from '../int-support';
import { ACLED_TEST_HEADER, finishedJob, removeRunUploads, runUpload } from './import-int-support';
import { ABANDONED_AFTER_MS, defaultUploadDir, ImportJobs, INTERRUPTED_AFTER_MS, MAX_ATTEMPTS, MAX_RUNS, UPLOAD_DIR } from './import-jobs.service';
import { SignalIntake } from '../signals/intake/signal-intake.service';

/**
 * Import jobs as a scaled-out early-warning sees them: replicas share the job table, each runs the
 * jobs of the uploads it accepted, and any of them may stop. An accepted upload is not lost with the
 * process that was running it.
 */
const RUN = uniqueSuffix();

describe('import jobs across replicas and restarts, on real Postgres', () => {
  let ew: BootedEarlyWarning;

  beforeAll(async () => {
    ew = await bootEarlyWarning('imports');
  });

  afterAll(async () => {
    await ew?.close();
    await removeRunUploads(RUN);
  });

  /** A job row as another process left it (its last beat `beatSecondsAgo`), and its upload unless `withFile` is false. */
  const jobLeftBy = async (beatSecondsAgo: number, options: { withFile?: boolean; attempts?: number; shutdowns?: number; csv?: string } = {}) => {
    const id = randomUUID();
    await mkdir(UPLOAD_DIR, { recursive: true });
    const upload = runUpload(RUN, id);
    if (options.withFile !== false) await writeFile(upload, options.csv ?? `${ACLED_TEST_HEADER}\n`);
    await ew.db.query(
      `INSERT INTO early_warning.import_jobs (id, status, file_name, bytes, format, source, upload_path, heartbeat_at, attempts, shutdowns, created_at)
       VALUES ($1, 'running', 'elsewhere.csv', 25, 'auto', $2, $3, now() - make_interval(secs => $4), $5, $6, now() - interval '1 hour')`,
      [id, `int-resume-${RUN}`, upload, beatSecondsAgo, options.attempts ?? 1, options.shutdowns ?? 0],
    );
    return { id, upload };
  };
  const rowOf = async (id: string) =>
    (await ew.db.query<{ status: string; error: string | null; attempts: number; shutdowns: number }>('SELECT status, error, attempts, shutdowns FROM early_warning.import_jobs WHERE id = $1', [id])).rows[0];
  const finished = (id: string) => finishedJob(ew, id);

  it('a booting replica leaves the jobs of running replicas alone, and runs again an interrupted one whose upload it can read', async () => {
    const alive = await jobLeftBy(2);
    const rows = [`R-${RUN}-1,2023-05-01,Battles,Armed clash,Mali,466,Mopti,2,Radio`, `R-${RUN}-2,2023-05-02,Riots,Mob violence,Mali,466,Gao,0,Radio`];
    const interrupted = await jobLeftBy(120, { csv: [ACLED_TEST_HEADER, ...rows].join('\n') });

    // What every replica does as it boots.
    await ew.app.get(ImportJobs).onApplicationBootstrap();

    expect(await rowOf(alive.id)).toMatchObject({ status: 'running', error: null });
    expect(existsSync(alive.upload)).toBe(true);
    const job = await finished(interrupted.id);
    // The phase it ended in, in the report and the progress alike: they said "writing" after it had succeeded.
    expect(job).toMatchObject({ status: 'succeeded', runs: 2, progress: { phase: 'done', toWrite: 2, accepted: 2 }, report: { phase: 'done', accepted: 2, rejected: 0 } });
    expect(await ew.count(`SELECT count(*) AS n FROM early_warning.signals WHERE source_signal_id LIKE $1`, [`R-${RUN}-%`])).toBe(2);
    // The run deletes its upload just after recording the job's end, which the poll above may see first.
    await eventually(async () => !existsSync(interrupted.upload), 5_000, 20);
  });

  it('asking for an interrupted job resumes it at once, rather than waiting for the next sweep', async () => {
    const job = await jobLeftBy(2, { csv: [ACLED_TEST_HEADER, `Q-${RUN}-1,2023-06-01,Protests,Peaceful protest,Mali,466,Kayes,0,Radio`].join('\n') });
    expect((await ew.api('GET', `/imports/${job.id}`)).body).toMatchObject({ status: 'running' });
    await ew.db.query(`UPDATE early_warning.import_jobs SET heartbeat_at = now() - interval '2 minutes' WHERE id = $1`, [job.id]);
    expect(await finished(job.id)).toMatchObject({ status: 'succeeded', report: { accepted: 1 } });
  });

  it(`fails a job after ${MAX_ATTEMPTS} runs, and one whose upload no replica has held for ${ABANDONED_AFTER_MS / 60_000} minutes`, async () => {
    const exhausted = await jobLeftBy(120, { attempts: MAX_ATTEMPTS });
    // As many runs, one of them cut short by a deploy: that one says nothing against the file.
    const redeployed = await jobLeftBy(120, { attempts: MAX_ATTEMPTS, shutdowns: 1, csv: [ACLED_TEST_HEADER, `D-${RUN}-1,2023-05-03,Protests,Peaceful protest,Mali,466,Kayes,0,Radio`].join('\n') });
    // Restarted for ever by its replicas (every run ended by a shutdown): given up all the same.
    const restartedForEver = await jobLeftBy(120, { attempts: MAX_RUNS, shutdowns: MAX_RUNS });
    const elsewhere = await jobLeftBy(120, { withFile: false });
    const abandoned = await jobLeftBy(ABANDONED_AFTER_MS / 1000 + 60, { withFile: false });

    await ew.app.get(ImportJobs).onApplicationBootstrap();

    expect(await rowOf(exhausted.id)).toMatchObject({ status: 'failed', error: expect.stringContaining(`stopped by a fault in ${MAX_ATTEMPTS} of its ${MAX_ATTEMPTS} runs`) });
    expect(await rowOf(restartedForEver.id)).toMatchObject({ status: 'failed', error: expect.stringContaining(`run ${MAX_RUNS} times without finishing`) });
    expect(existsSync(exhausted.upload)).toBe(false);
    expect(await finished(redeployed.id)).toMatchObject({ status: 'succeeded', runs: MAX_ATTEMPTS + 1, report: { accepted: 1 } });
    // Another replica may still hold this upload and resume it: not failed yet.
    expect(await rowOf(elsewhere.id)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await rowOf(abandoned.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('no replica holds its upload') });
  });

  it('a job cut short by a graceful shutdown is left to be resumed, not failed, and its rerun records every row once', async () => {
    const replica = await bootEarlyWarning('imports-replica');
    const rows = Array.from({ length: 200 }, (_, i) => `S-${RUN}-${i},2023-07-${String((i % 28) + 1).padStart(2, '0')},Protests,Peaceful protest,Mali,466,Kayes,0,Radio`);
    await mkdir(UPLOAD_DIR, { recursive: true });
    const upload = runUpload(RUN, 'shutdown');
    // The upload arrives through a pipe that stays open: the job is surely mid-file when the replica stops.
    execFileSync('mkfifo', [upload]);
    const id = await replica.app.get(ImportJobs).start({ path: upload, fileName: 'slow.csv', bytes: 0, source: `int-shutdown-${RUN}`, createdBy: null });
    const writer = createWriteStream(upload);
    writer.write([ACLED_TEST_HEADER, ...rows.slice(0, 50)].join('\n') + '\n');
    await eventually(async () => (await rowOf(id)).status === 'running', 10_000, 20);
    // What Nest calls first when the replica is told to stop; requests may still arrive after it.
    const jobs = replica.app.get(ImportJobs);
    await jobs.beforeApplicationShutdown();
    const lateUpload = runUpload(RUN, 'late');
    await writeFile(lateUpload, [ACLED_TEST_HEADER, `L-${RUN}-1,2023-07-01,Protests,Peaceful protest,Mali,466,Kayes,0,Radio`].join('\n'));
    const late = await jobs.start({ path: lateUpload, fileName: 'late.csv', bytes: 0, source: `int-late-${RUN}`, createdBy: null });
    await replica.close();
    // Accepted, not run by the stopping replica but left for another to run at once: its one run.
    expect(await finished(late)).toMatchObject({ status: 'succeeded', runs: 1, report: { accepted: 1 } });
    writer.destroy();

    expect(await rowOf(id)).toMatchObject({ status: 'running', error: null, attempts: 1, shutdowns: 1 });
    expect(existsSync(upload), 'the upload is kept for the rerun').toBe(true);
    await rm(upload);
    await writeFile(upload, [ACLED_TEST_HEADER, ...rows].join('\n'));
    // A minute later, another replica sees it stopped beating and runs it again.
    await ew.db.query(`UPDATE early_warning.import_jobs SET heartbeat_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    await ew.app.get(ImportJobs).onApplicationBootstrap();
    expect(await finished(id)).toMatchObject({ status: 'succeeded', runs: 2, report: { rows: 200, accepted: 200 } });
    expect(await ew.count(`SELECT count(*) AS n FROM early_warning.signals WHERE source = $1`, [`int-shutdown-${RUN}`])).toBe(200);
  });

  it('keeps the upload of a job stopped by a fault that is not the file\'s, runs it again, and fails it only once the fault has recurred on every run', async () => {
    // An upload the job cannot read (a link to a directory: EISDIR) stands in for a fault outside
    // the file, such as the database restarting mid-import; the link itself is deleted like a file.
    const target = runUpload(RUN, 'a-directory');
    await mkdir(target, { recursive: true });
    const upload = runUpload(RUN, 'unreadable');
    await symlink(target, upload);
    const jobs = ew.app.get(ImportJobs);
    const id = await jobs.start({ path: upload, fileName: 'unreadable.csv', bytes: 0, source: `int-fault-${RUN}`, createdBy: null });
    await jobs.idle();
    expect(await rowOf(id)).toMatchObject({ status: 'running', attempts: 1, error: expect.stringContaining('EISDIR') });
    // Not the file's fault: the API says nothing of it until the job ends.
    expect((await ew.api('GET', `/imports/${id}`)).body).toMatchObject({ error: null });
    expect(existsSync(upload), 'the upload is kept for the next run').toBe(true);

    // Asking for the job resumes it at once (or a sweep does first); each run meets the same fault,
    // and the upload stays until the job has failed.
    let uploadGoneEarly = false;
    await eventually(async () => {
      await ew.api('GET', `/imports/${id}`);
      await jobs.idle();
      const row = await rowOf(id);
      if (row.status !== 'failed' && !existsSync(upload)) uploadGoneEarly = true;
      return row.status === 'failed';
    }, 30_000, 50);
    expect(uploadGoneEarly, 'the upload went before the job had failed').toBe(false);
    const job = await finished(id);
    expect(job).toMatchObject({ status: 'failed', runs: MAX_ATTEMPTS, error: expect.stringContaining(`stopped by a fault in ${MAX_ATTEMPTS} of its ${MAX_ATTEMPTS} runs`) });
    expect(job['error']).toContain('EISDIR');
    await eventually(async () => !existsSync(upload), 5_000, 20);
    await rm(target, { recursive: true, force: true });
  });

  it('records an error that quotes a NUL with the NUL made visible, which Postgres would refuse: a job whose data was refused fails saying so, one stopped by a fault keeps it', async () => {
    const intake = ew.app.get(SignalIntake);
    const jobs = ew.app.get(ImportJobs);
    const started = async (name: string) => {
      const upload = runUpload(RUN, `${name}`);
      await writeFile(upload, [ACLED_TEST_HEADER, `N-${RUN}-${name},2023-08-01,Protests,Peaceful protest,Mali,466,Kayes,0,Radio`].join('\n'));
      const id = await jobs.start({ path: upload, fileName: `${name}.csv`, bytes: 0, source: `int-nul-${RUN}`, createdBy: null });
      await jobs.idle();
      return id;
    };
    const write = vi.spyOn(intake, 'record');
    onTestFinished(() => write.mockRestore());
    // The database refusing a value it quotes (a check of the file's data): the file's fault.
    write.mockRejectedValueOnce(Object.assign(new Error('invalid input value "Ka\u0000yes"'), { code: '22P02' }));
    const refused = await started('nul-refused');
    expect(await rowOf(refused)).toMatchObject({ status: 'failed', error: `import stopped: the database refused the file's data: invalid input value "Ka\\0yes"` });
    // Any other fault: the job waits to be run again, its error kept for when it ends, and counts as
    // interrupted at once, even where its last progress report reaches the database after the fault
    // (held back here), which dated its heartbeat now again and kept it from the next sweep.
    const db = ew.app.get(DataSource);
    const query = db.query.bind(db);
    // The first report held longest: several in flight, an earlier one may land after a later one.
    let reports = 0;
    const slowProgress = vi.spyOn(db, 'query').mockImplementation(async (sql: string, parameters?: unknown[] | object) => {
      if (sql.includes('SET rows_read')) await new Promise((r) => setTimeout(r, reports++ === 0 ? 400 : 50));
      return query(sql, parameters);
    });
    onTestFinished(() => slowProgress.mockRestore());
    write.mockRejectedValueOnce(new Error('lost the connection reading "Ka\u0000yes"'));
    const stopped = await started('nul-fault');
    await new Promise((r) => setTimeout(r, 600));
    slowProgress.mockRestore();
    expect(reports).toBeGreaterThan(1);
    expect(await rowOf(stopped)).toMatchObject({ status: 'running', attempts: 1, error: 'stopped: lost the connection reading "Ka\\0yes"' });
    const { idle_ms } = (await ew.db.query(`SELECT extract(epoch FROM now() - heartbeat_at) * 1000 AS idle_ms FROM early_warning.import_jobs WHERE id = $1`, [stopped])).rows[0];
    expect(Number(idle_ms)).toBeGreaterThanOrEqual(INTERRUPTED_AFTER_MS);
    write.mockRestore();
    // Asked for, the interrupted job runs again at once, now that the fault is gone.
    expect(await finished(stopped)).toMatchObject({ status: 'succeeded', runs: 2, report: { accepted: 1 } });
  });

  it('keeps its uploads in the directory of the database it uses, which no other stack\'s sweep touches', () => {
    const { database } = testInfra();
    expect(process.env['EARLY_WARNING_UPLOAD_DIR'] ?? '', 'the suites leave the directory to its default').toBe('');
    expect(UPLOAD_DIR).toBe(defaultUploadDir({ DATABASE_HOST: database.host, DATABASE_PORT: String(database.port), DATABASE_NAME: database.name }));
  });

  it('deletes at boot the uploads no job refers to any more, but not one that may still be arriving, and the sorts killed imports left', async () => {
    await mkdir(UPLOAD_DIR, { recursive: true });
    const old = runUpload(RUN, 'orphan-old');
    const fresh = runUpload(RUN, 'orphan-fresh');
    await Promise.all([writeFile(old, 'x'), writeFile(fresh, 'x')]);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    const running = await jobLeftBy(2);
    await utimes(running.upload, twoHoursAgo, twoHoursAgo);

    // A sort's runs left by a process killed mid-import, a day old, and those of an import running now.
    const staleSort = path.join(UPLOAD_DIR, `early-warning-import-int-${RUN}-stale`);
    const liveSort = path.join(UPLOAD_DIR, `early-warning-import-int-${RUN}-live`);
    for (const dir of [staleSort, liveSort]) {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'run-0.ndjson'), '{}\n');
    }
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    await utimes(staleSort, twoDaysAgo, twoDaysAgo);
    // A job's sorts, named after it and its run: the current run's is kept, an earlier run's (its
    // process killed) and one of a job no longer running go at once, however fresh.
    const rerun = await jobLeftBy(2, { attempts: 2 });
    const jobSorts = { current: `${rerun.id}-2-aaaaaa`, earlier: `${rerun.id}-1-bbbbbb`, ended: `${randomUUID()}-1-cccccc` };
    for (const label of Object.values(jobSorts)) await mkdir(path.join(UPLOAD_DIR, `early-warning-import-${label}`), { recursive: true });

    await ew.app.get(ImportJobs).onApplicationBootstrap();

    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(running.upload), 'the upload of a running job').toBe(true);
    expect(existsSync(staleSort), "a killed import's sort").toBe(false);
    expect(existsSync(liveSort), 'a running import\'s sort').toBe(true);
    const sortLeft = (label: string) => existsSync(path.join(UPLOAD_DIR, `early-warning-import-${label}`));
    expect([sortLeft(jobSorts.current), sortLeft(jobSorts.earlier), sortLeft(jobSorts.ended)]).toEqual([true, false, false]);
    await rm(liveSort, { recursive: true, force: true });
    await rm(path.join(UPLOAD_DIR, `early-warning-import-${jobSorts.current}`), { recursive: true, force: true });
  });
});
