import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, type BootedEarlyWarning } from '../int-support';
import { ImportJobs } from './import-jobs.service';
import { UPLOAD_DIR } from './import-jobs.controller';

/**
 * Import jobs as a scaled-out early-warning sees them: several replicas share the job table, each
 * runs the jobs of the uploads it accepted, and any of them may restart.
 */
const RUN = uniqueSuffix();

describe('import jobs across replicas, on real Postgres', () => {
  let ew: BootedEarlyWarning;

  beforeAll(async () => {
    ew = await bootEarlyWarning('imports');
  });

  afterAll(async () => {
    await ew?.close();
  });

  /** A job row as another replica would have left it, with an upload file of its own. */
  const jobOfAnotherReplica = async (beatSecondsAgo: number) => {
    const id = randomUUID();
    await mkdir(UPLOAD_DIR, { recursive: true });
    const upload = path.join(UPLOAD_DIR, `int-${RUN}-${id}`);
    await writeFile(upload, 'event_id_cnty,event_date\n');
    await ew.db.query(
      `INSERT INTO early_warning.import_jobs (id, status, file_name, bytes, format, upload_path, heartbeat_at, created_at)
       VALUES ($1, 'running', 'elsewhere.csv', 25, 'auto', $2, now() - make_interval(secs => $3), now() - interval '1 hour')`,
      [id, upload, beatSecondsAgo],
    );
    return { id, upload };
  };
  const statusOf = async (id: string) => (await ew.api('GET', `/imports/${id}`)).body;

  it('a booting replica leaves the jobs other replicas are running alone, and fails only those whose process stopped beating', async () => {
    const alive = await jobOfAnotherReplica(2);
    const stopped = await jobOfAnotherReplica(120);

    // What every replica does as it boots.
    await ew.app.get(ImportJobs).onApplicationBootstrap();

    const [aliveRow, stoppedRow] = await Promise.all([alive, stopped].map(async (j) => (await ew.db.query('SELECT status, error FROM early_warning.import_jobs WHERE id = $1', [j.id])).rows[0]));
    expect(aliveRow).toEqual({ status: 'running', error: null });
    expect(existsSync(alive.upload)).toBe(true);
    expect(stoppedRow.status).toBe('failed');
    expect(stoppedRow.error).toMatch(/^interrupted/);
    expect(existsSync(stopped.upload), 'the interrupted job’s upload is deleted').toBe(false);
  });

  it('a job whose process stops beating reads as failed (interrupted) as soon as it is asked for', async () => {
    const job = await jobOfAnotherReplica(2);
    expect(await statusOf(job.id)).toMatchObject({ status: 'running' });

    await ew.db.query(`UPDATE early_warning.import_jobs SET heartbeat_at = now() - interval '2 minutes' WHERE id = $1`, [job.id]);
    expect(await statusOf(job.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) });
    expect(existsSync(job.upload)).toBe(false);
  });

  it('an upload the request refuses leaves no file behind', async () => {
    const marker = `refused-upload-${RUN}`;
    const before = new Set(existsSync(UPLOAD_DIR) ? await readdir(UPLOAD_DIR) : []);
    for (const [field, value] of [['format', 'spreadsheet'], ['colour', 'red']]) {
      const form = new FormData();
      form.append('file', new Blob([`event_id_cnty,event_date\n${marker},2023-05-01\n`], { type: 'text/csv' }), 'refused.csv');
      form.append(field, value);
      const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
      expect(res.status, field).toBe(400);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([field]);
    }
    const added = (await readdir(UPLOAD_DIR)).filter((f) => !before.has(f));
    const left = await Promise.all(added.map(async (f) => (await readFile(path.join(UPLOAD_DIR, f), 'utf8').catch(() => '')).includes(marker)));
    expect(left.filter(Boolean)).toEqual([]);
  });
});
