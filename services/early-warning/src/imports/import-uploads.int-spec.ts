import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, type BootedEarlyWarning } from '../int-support';
import { ACLED_TEST_HEADER, finishedJob, removeRunUploads } from './import-int-support';
import { UPLOAD_DIR } from './import-jobs.service';

/**
 * What POST /imports refuses before a job exists (a bad field or file name, bytes that are not
 * UTF-8, a second file part, a body of the wrong kind), that a refused upload leaves nothing behind,
 * and what a job makes of a file it cannot use. Job life across replicas and restarts is
 * import-jobs.int-spec.ts'.
 */
const RUN = uniqueSuffix();

describe('import uploads refused, and files a job cannot use, on real Postgres', () => {
  let ew: BootedEarlyWarning;

  beforeAll(async () => {
    ew = await bootEarlyWarning('imports');
  });

  afterAll(async () => {
    await ew?.close();
    await removeRunUploads(RUN);
  });

  const finished = (id: string) => finishedJob(ew, id);

  it('an upload the request refuses (a bad field, a NUL in a field) leaves no file behind, and a malformed job id is no job', async () => {
    const marker = `refused-upload-${RUN}`;
    const before = new Set(existsSync(UPLOAD_DIR) ? await readdir(UPLOAD_DIR) : []);
    for (const [field, value] of [['format', 'spreadsheet'], ['colour', 'red'], ['source', 'field\u0000monitor']]) {
      const form = new FormData();
      form.append('file', new Blob([`${ACLED_TEST_HEADER}\n${marker},2023-05-01\n`], { type: 'text/csv' }), 'refused.csv');
      form.append(field, value);
      const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
      expect(res.status, field).toBe(400);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([field]);
    }
    const post = (form: FormData) => fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
    const csv = () => new Blob([`${ACLED_TEST_HEADER}\n${marker},2023-05-01\n`], { type: 'text/csv' });
    /** The 400's errors for a form of these parts: a file (`null` value) or a text field. */
    const refusal = async (parts: ReadonlyArray<readonly [string, string | null]>) => {
      const form = new FormData();
      for (const [name, value] of parts) {
        if (value === null) form.append(name, csv(), `${name}.csv`);
        else form.append(name, value);
      }
      const res = await post(form);
      expect(res.status, JSON.stringify(parts)).toBe(400);
      return ((await res.json()) as { errors: unknown }).errors;
    };
    // A file under another name, and two files: each refusal names the field (multer's named none).
    expect(await refusal([['upload', null]])).toEqual([
      { field: 'file', reason: 'is required (multipart/form-data field "file")' },
      { field: 'upload', reason: 'is not an import field (the file goes in "file")' },
    ]);
    expect(await refusal([['file', null], ['file', null]])).toEqual([{ field: 'file', reason: 'takes one file, not 2' }]);
    // A form field given twice: refused, not joined into a source nobody chose ("alpha,beta").
    expect(await refusal([['file', null], ['source', 'alpha'], ['source', 'beta']])).toEqual([{ field: 'source', reason: 'must be given once' }]);
    // Given empty (an unset shell variable in `-F source=$SRC`): refused, not taken as left out, which
    // put the job under the format's shared default source and its rows among another file's.
    expect(await refusal([['file', null], ['source', ''], ['format', '']])).toEqual([
      { field: 'format', reason: 'is empty: give a value, or leave the field out for auto' },
      { field: 'source', reason: "is empty: give a value, or leave the field out for the format's default source" },
    ]);
    // A bracketed name arrives as an object (it was a 500, its upload left on disk).
    expect(await refusal([['file', null], ['source[a]', 'x']])).toEqual([{ field: 'source', reason: 'must be text' }]);
    // A form sent with no file chosen: one reason, not "required" and "not an import field" at once.
    const noFile = `--b1\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b1--\r\n`;
    const noFileAnswer = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}`, 'content-type': 'multipart/form-data; boundary=b1' }, body: noFile });
    expect(noFileAnswer.status).toBe(400);
    expect(((await noFileAnswer.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['file']);
    // More file parts than multer reads: its own refusal, in the platform's shape.
    expect(((await refusal(Array.from({ length: 10 }, () => ['file', null] as const))) as Array<{ field: string }>).map((e) => e.field)).toEqual(['body']);
    const added = (await readdir(UPLOAD_DIR)).filter((f) => !before.has(f));
    // An id of the right length that is no UUID is no job (it reached Postgres' uuid type and was a 500).
    for (const id of ['a'.repeat(36), '-'.repeat(36)]) expect((await ew.api('GET', `/imports/${id}`)).status, id).toBe(404);
    const left = await Promise.all(added.map(async (f) => (await readFile(path.join(UPLOAD_DIR, f), 'utf8').catch(() => '')).includes(marker)));
    expect(left.filter(Boolean)).toEqual([]);
  });

  it('writes only the first part named file to disk: a second is read past while it arrives, and the request is refused naming it', async () => {
    await mkdir(UPLOAD_DIR, { recursive: true });
    const before = new Set(await readdir(UPLOAD_DIR));
    const added = async () => (await readdir(UPLOAD_DIR)).filter((f) => !before.has(f));
    const marker = `first-of-two-${RUN}`;
    const boundary = `int-${RUN}-two-files`;
    const partHead = (fileName: string) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`;
    // Through node:http, not fetch: the body goes a chunk at a time as the service reads it, and stops
    // mid-way through the second file, so that the disk is looked at while that file is arriving.
    const req = request(`${ew.base}/imports`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${ew.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    // Left open by a failed assertion, it would hold the service's shutdown in afterAll.
    onTestFinished(() => void req.destroy());
    const answered = new Promise<{ status: number; body: { errors: unknown } }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
    });
    // Cut short by onTestFinished, its rejection has nobody waiting for it; awaited, it still fails the test.
    answered.catch(() => undefined);
    const send = (chunk: string | Buffer) => (req.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => req.once('drain', () => resolve())));
    await send(`${partHead('first.csv')}${ACLED_TEST_HEADER}\n${marker},2023-05-01\n\r\n`);
    await send(partHead('second.csv'));
    // Far more than the sockets between client and server buffer: once it is sent, most of it has
    // been read by the service, and written to disk had the second file been taken.
    const megabyte = Buffer.alloc(1024 ** 2, 'x');
    for (let i = 0; i < 32; i++) await send(megabyte);

    const uploads = await eventually(async () => {
      const names = await added();
      const held = await Promise.all(names.map(async (f) => (await readFile(path.join(UPLOAD_DIR, f), 'utf8').catch(() => '')).includes(marker)));
      return held.some(Boolean) && names;
    }, 10_000, 20);
    expect(uploads, 'uploads on disk while the second file arrives').toHaveLength(1);

    req.end(`\r\n--${boundary}--\r\n`);
    expect(await answered).toEqual({ status: 400, body: expect.objectContaining({ errors: [{ field: 'file', reason: 'takes one file, not 2' }] }) });
    expect(await added(), 'uploads left after the refusal').toEqual([]);
  });

  it("fails a job given format country-monthly for HDX's ACLED monthly file, naming the columns it has and the format it is, and records nothing", async () => {
    const source = `int-country-monthly-${RUN}`;
    const form = new FormData();
    form.append('file', new Blob([await readFile(path.join(__dirname, '../import/fixtures/acled-monthly.csv'))], { type: 'text/csv' }), 'acled-monthly.csv');
    form.append('format', 'country-monthly');
    form.append('source', source);
    const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(await finished(jobId)).toMatchObject({
      status: 'failed',
      format: 'country-monthly',
      report: null,
      error: "unusable file: country-monthly: the header has Admin1, Admin2, ISO3, Admin1 Pcode, column(s) of HDX's ACLED monthly layout that a country-month file lacks: the file is acled-monthly; give the format as acled-monthly, or auto to detect it",
    });
    expect(await ew.count('SELECT count(*) AS n FROM early_warning.aggregate_observations WHERE source = $1', [source])).toBe(0);
  });

  it('names in the report of a failed job whose every row was rejected the source the file was taken to have', async () => {
    const form = new FormData();
    form.append('file', new Blob([`${ACLED_TEST_HEADER}\nX-${RUN}-1,2023-02-30,Battles,Armed clash,Mali,466,Mopti,1,Radio\n`], { type: 'text/csv' }), 'all-rejected.csv');
    const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(await finished(jobId)).toMatchObject({
      status: 'failed',
      format: 'acled',
      source: 'acled',
      report: { format: 'acled', source: 'acled', accepted: 0, rejected: 1 },
      error: 'no row was accepted (1 rejected of 1)',
    });
  });

  it('keeps a file name as the client wrote it (UTF-8), and refuses one holding a NUL, naming the file', async () => {
    const form = new FormData();
    form.append('file', new Blob([`${ACLED_TEST_HEADER}\n`], { type: 'text/csv' }), 'São-Tomé données.csv');
    const accepted = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    expect((await ew.api('GET', `/imports/${jobId}`)).body).toMatchObject({ fileName: 'São-Tomé données.csv' });
    await finished(jobId);

    // RFC 5987's filename* can carry any byte, NUL included: stored, it was a database error answered 500.
    const body = `--b0\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00b.csv\r\nContent-Type: text/csv\r\n\r\n${ACLED_TEST_HEADER}\n\r\n--b0--\r\n`;
    const refused = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}`, 'content-type': 'multipart/form-data; boundary=b0' }, body });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: unknown }).errors).toEqual([{ field: 'file', reason: expect.stringMatching(/^has a name that contains a NUL character/) }]);
  });

  it('refuses a form field or file name holding bytes that are not UTF-8 (a Latin-1 client\'s), naming the field, and reads a field in the charset it declares', async () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    /** A multipart body of raw bytes, as a client that does not write UTF-8 sends it. */
    const post = async (parts: ReadonlyArray<{ disposition: string; contentType?: string; value: string }>) => {
      const body = Buffer.concat([
        ...parts.flatMap((p) => [latin1(`--b2\r\nContent-Disposition: form-data; ${p.disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`), latin1(p.value), latin1('\r\n')]),
        latin1('--b2--\r\n'),
      ]);
      const res = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}`, 'content-type': 'multipart/form-data; boundary=b2' }, body });
      return { status: res.status, body: (await res.json()) as { errors?: unknown; jobId?: string } };
    };
    const csv = { disposition: 'name="file"; filename="events.csv"', contentType: 'text/csv', value: `${ACLED_TEST_HEADER}\n` };
    const reason = 'is not valid UTF-8: it holds U+FFFD ("\ufffd"), what a byte that is not UTF-8 is read as; send the form\'s text as UTF-8';
    // "Radio Télé" in Latin-1 (é is the byte 0xe9): it was recorded as the source "Radio T\ufffdl\ufffd".
    expect(await post([csv, { disposition: 'name="source"', value: 'Radio T\xe9l\xe9' }])).toEqual({ status: 400, body: expect.objectContaining({ errors: [{ field: 'source', reason }] }) });
    // A file name so, raw or percent-encoded (RFC 5987): stored as "donn\ufffdes.csv".
    for (const disposition of ['name="file"; filename="donn\xe9es.csv"', "name=\"file\"; filename*=UTF-8''donn%E9es.csv"]) {
      expect(await post([{ ...csv, disposition }]), disposition).toEqual({ status: 400, body: expect.objectContaining({ errors: [{ field: 'file', reason: `has a name that ${reason}` }] }) });
    }
    // The same bytes in a field that says they are Latin-1 are that text.
    const declared = await post([csv, { disposition: 'name="source"', contentType: 'text/plain; charset=iso-8859-1', value: `Radio T\xe9l\xe9 ${RUN}` }]);
    expect(declared.status).toBe(202);
    expect(await finished(declared.body.jobId as string)).toMatchObject({ source: `Radio Télé ${RUN}` });
  });

  it('refuses a body of the wrong kind with 415 naming Content-Type: JSON for an upload, a form for a signal', async () => {
    const json = await ew.api('POST', '/imports', { file: 'events.csv', format: 'acled' });
    expect(json.status).toBe(415);
    expect(json.body).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'content-type', reason: expect.stringMatching(/^must be multipart\/form-data/) }] });
    // A CSV posted as it is, not as a form: told to send a form, not JSON.
    const csv = await fetch(`${ew.base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}`, 'content-type': 'text/csv' }, body: `${ACLED_TEST_HEADER}\n` });
    expect(csv.status).toBe(415);
    expect(((await csv.json()) as { errors: unknown }).errors).toEqual([{ field: 'content-type', reason: 'must be multipart/form-data (this request uploads a file), not text/csv' }]);
    const form = new FormData();
    form.append('country', 'BFA');
    const signal = await fetch(`${ew.base}/signals`, { method: 'POST', headers: { authorization: `Bearer ${ew.token}` }, body: form });
    expect(signal.status).toBe(415);
    expect(await signal.json()).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'content-type', reason: expect.stringMatching(/^must be application\/json, not multipart\/form-data/) }] });
  });
});
