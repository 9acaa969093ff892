import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from '@crisis-ops/testing';
import type { BootedEarlyWarning } from '../int-support';
import { UPLOAD_DIR } from './import-jobs.service';

/** The columns of the small ACLED files the import suites write. */
export const ACLED_TEST_HEADER = 'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source';

/**
 * A file in the upload directory that belongs to one run of a suite (`int-<run>-<name>`), so that
 * removeRunUploads finds it and no other run's.
 */
export const runUpload = (run: string, name: string): string => path.join(UPLOAD_DIR, `int-${run}-${name}`);

/**
 * The upload directory is the machine's (the system temp dir), shared by every run and suite: a
 * suite removes what its run left there, and nothing else.
 */
export async function removeRunUploads(run: string): Promise<void> {
  for (const name of existsSync(UPLOAD_DIR) ? await readdir(UPLOAD_DIR) : []) {
    if (name.startsWith(`int-${run}-`)) await rm(path.join(UPLOAD_DIR, name), { force: true });
  }
}

/** A job once it has ended, succeeded or failed, as GET /imports/{id} answers it. */
export const finishedJob = (ew: Pick<BootedEarlyWarning, 'api'>, id: string) =>
  eventually(async () => {
    const job = (await ew.api('GET', `/imports/${id}`)).body;
    return ['succeeded', 'failed'].includes(job['status'] as string) && job;
  }, 30_000, 200);
