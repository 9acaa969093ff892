import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { devToken, uniqueSuffix } from '@crisis-ops/testing';
import { countryByIso3 } from '@crisis-ops/geo';
import { bootEarlyWarning, freshCountry, unassessedCountry, type BootedEarlyWarning } from '../../int-support';
import { ACLED_TEST_HEADER, finishedJob, removeRunUploads, runUpload } from '../../imports/import-int-support';
import { UPLOAD_DIR } from '../../imports/import-jobs.service';

/**
 * What a token of a desk's region may write, on real Postgres and Kafka: signals (one, or a batch)
 * and import jobs' rows of its desk's countries only. An analyst of asia-pacific recorded a signal
 * for Ghana (202), moving Africa's risk, escalations and the mediation proposals that follow, where
 * mediation refuses that officer a proposal in Africa. A token of region global, or of none, records
 * every country as before (every other suite's analyst has none).
 */
const RUN = uniqueSuffix();

type Answer = { status: number; body: { code?: string; message?: string; errors?: Array<{ field: string; reason: string }>; [key: string]: unknown } };

describe("early-warning's writes confined to the desk of the token's region", () => {
  let ew: BootedEarlyWarning;
  let asiaPacific: string;
  let global: string;
  /** A country of the asia-pacific desk, with no risk yet, and one of Africa's. */
  let own: string;
  const other = 'GHA';

  const post = async (path: string, body: unknown, token: string): Promise<Answer> => {
    const res = await fetch(`${ew.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };
  const signal = (source: string, id: string, country: string) => ({ source, id, country, type: 'protests', subType: 'peaceful_protest', occurredAt: '2026-11-01T10:00:00Z' });
  const recorded = (source: string) => ew.count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source]);

  beforeAll(async () => {
    ew = await bootEarlyWarning('region-scope');
    asiaPacific = await devToken({ roles: ['analyst'], region: 'asia-pacific', subject: `int-region-${RUN}` });
    global = await devToken({ roles: ['analyst'], region: 'global', subject: `int-region-global-${RUN}` });
    own = await unassessedCountry(ew.db, 'asia-pacific');
  });

  afterAll(async () => {
    await ew?.close();
    await removeRunUploads(RUN);
  });

  it("refuses a signal of another desk's country with 403 naming the country and the desks, recording nothing, and records its own", async () => {
    const source = `int-region-one-${RUN}`;
    const refused = await post('/signals', signal(source, 'gha', other), asiaPacific);
    expect(refused).toMatchObject({ status: 403, body: { code: 'EARLY_WARNING.REGION_FORBIDDEN', errors: [{ field: 'country', reason: expect.stringContaining('GHA is a country of the africa desk: a token of region asia-pacific') }] } });
    expect(refused.body.message).toContain('GHA is a country of the africa desk');
    expect(await recorded(source)).toBe(0);

    expect(await post('/signals', signal(source, 'own', own), asiaPacific)).toMatchObject({ status: 202, body: { status: 'recorded' } });
    expect(await recorded(source)).toBe(1);
  });

  it('refuses a desk an exercise country, which is no desk\'s, and records it for a token of region global', async () => {
    const source = `int-region-exercise-${RUN}`;
    const exercise = await freshCountry();
    expect(countryByIso3(exercise)).toBeUndefined();
    expect(await post('/signals', signal(source, 'x', exercise), asiaPacific)).toMatchObject({
      status: 403,
      body: { code: 'EARLY_WARNING.REGION_FORBIDDEN', errors: [{ field: 'country', reason: expect.stringContaining('is a country of no regional desk') }] },
    });
    expect(await recorded(source)).toBe(0);
    expect(await post('/signals', signal(source, 'x', exercise), global)).toMatchObject({ status: 202, body: { status: 'recorded' } });
  });

  it('refuses a whole batch holding any item of another desk with 403, naming each such item, and applies none of it', async () => {
    const source = `int-region-batch-${RUN}`;
    const exercise = await freshCountry();
    const items = [signal(source, 'a', own), signal(source, 'b', other), signal(source, 'c', own), signal(source, 'd', exercise)];
    const refused = await post('/signals/batch', { items }, asiaPacific);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('EARLY_WARNING.REGION_FORBIDDEN');
    expect(refused.body.errors).toEqual([
      { field: 'items[1].country', reason: expect.stringContaining('GHA is a country of the africa desk') },
      { field: 'items[3].country', reason: expect.stringContaining(`${exercise} is a country of no regional desk`) },
    ]);
    // Nothing of it: not the items of its own desk either (their events are staged with them).
    expect(await recorded(source)).toBe(0);

    // A batch that is also invalid is told what is wrong with it first (400), as a wrong request comes before a forbidden one.
    const invalid = await post('/signals/batch', { items: [{ ...signal(source, 'e', own), type: 'picnic' }, signal(source, 'f', other)] }, asiaPacific);
    expect(invalid).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'items[0].type' }] } });

    expect(await post('/signals/batch', { items: [items[0], items[2]] }, asiaPacific)).toMatchObject({ status: 202, body: { recorded: 2, duplicates: 0 } });
    expect(await recorded(source)).toBe(2);
  });

  /** An ACLED row of a country, under this run's ids. */
  const acledRow = (id: string, iso3: string, day: string) => {
    const c = countryByIso3(iso3);
    return `${id},${day},Protests,Peaceful protest,"${c?.name}",${c?.isoNumeric ?? ''},,0,Radio`;
  };
  const upload = async (csv: string, token: string): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'desk.csv');
    form.append('format', 'acled');
    const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(202);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const importedIds = (prefix: string) => ew.count(`SELECT count(*) AS n FROM early_warning.signals WHERE source_signal_id LIKE $1`, [`${prefix}%`]);

  it("skips an import job's rows of other desks' countries, reporting each with its row, column and desk, and fails a job that accepts none", async () => {
    const prefix = `RGN-${RUN}-`;
    const csv = [ACLED_TEST_HEADER, acledRow(`${prefix}1`, own, '2023-05-01'), acledRow(`${prefix}2`, other, '2023-05-01'), acledRow(`${prefix}3`, own, '2023-05-02')].join('\n');
    const job = await finishedJob(ew, await upload(csv, asiaPacific));
    expect(job).toMatchObject({ status: 'succeeded', report: { accepted: 2, rejected: 1 } });
    expect((job['report'] as { errors: unknown[] }).errors).toEqual([{ kind: 'error', row: 3, column: 'iso', reason: expect.stringContaining('GHA is a country of the africa desk: a token of region asia-pacific') }]);
    expect(await importedIds(prefix)).toBe(2);

    const elsewhere = `RGX-${RUN}-`;
    const failed = await finishedJob(ew, await upload([ACLED_TEST_HEADER, acledRow(`${elsewhere}1`, other, '2023-05-01'), acledRow(`${elsewhere}2`, 'KEN', '2023-05-02')].join('\n'), asiaPacific));
    expect(failed).toMatchObject({ status: 'failed', error: 'no row was accepted (2 rejected of 2)', report: { accepted: 0, rejected: 2 } });
    expect(await importedIds(elsewhere)).toBe(0);
  });

  it('confines a job resumed by another replica, which has no token, to the desk it was uploaded with', async () => {
    const prefix = `RGR-${RUN}-`;
    const id = randomUUID();
    await mkdir(UPLOAD_DIR, { recursive: true });
    const path = runUpload(RUN, id);
    await writeFile(path, [ACLED_TEST_HEADER, acledRow(`${prefix}1`, own, '2023-06-01'), acledRow(`${prefix}2`, other, '2023-06-01')].join('\n'));
    // As the replica that accepted it left it: uploaded by asia-pacific, its run stopped two minutes ago.
    await ew.db.query(
      `INSERT INTO early_warning.import_jobs (id, status, file_name, bytes, format, source, upload_path, region, heartbeat_at, attempts, created_at)
       VALUES ($1, 'running', 'desk.csv', 1, 'acled', NULL, $2, 'asia-pacific', now() - interval '2 minutes', 1, now() - interval '3 minutes')`,
      [id, path],
    );
    // Asking for it resumes it here at once.
    const job = await finishedJob(ew, id);
    expect(job).toMatchObject({ status: 'succeeded', runs: 2, report: { accepted: 1, rejected: 1, errors: [{ row: 3, column: 'iso', reason: expect.stringContaining('africa desk') }] } });
    expect(await importedIds(prefix)).toBe(1);
  });
});
