import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import { adminClient, uniqueSuffix, workspaceRoot } from '@crisis-ops/testing';
import { closedPort, runScript } from './run-script';

const FIXTURES = path.join(workspaceRoot(), 'services/early-warning/src/import/fixtures');

/**
 * `npm run import` into early-warning's schema of the test database. The source is unique to the run:
 * intake is idempotent by (source, id), and the fixture's ids are the same on every run.
 */
describe('npm run import', () => {
  const source = `scripts-cli-${uniqueSuffix()}`;
  let db: Client;

  beforeAll(async () => {
    db = adminClient();
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
  });

  const imported = async () =>
    (await db.query<{ origin: string; n: string }>('SELECT origin, count(*) AS n FROM early_warning.signals WHERE source = $1 GROUP BY origin', [source])).rows.map((r) => [r.origin, Number(r.n)]);

  it('imports the valid rows of an ACLED file, reports each rejected row with its column and reason, and adds nothing when run again', async () => {
    const input = path.join(FIXTURES, 'acled-full.csv');
    const first = await runScript('import', ['--input', input, '--source', source]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^format acled, source ${source}: 7 rows in [\\d.]+ s\\n`));
    expect(first.stdout).toContain(
      [
        '  accepted   3 (3 new, 0 already recorded)',
        '  rejected   4',
        '    row 5, column fatalities: "abc" is not a whole number ≥ 0',
        '    row 6, column event_date: "2023-02-30" is not a date (YYYY-MM-DD, "23 September 2022" or an ISO 8601 date-time with its zone)',
        '    row 7, column sub_event_type: "Ambush" is not a sub-event type of "Battles"',
        '    row 8, column country: unknown country "Atlantis"',
        '',
      ].join('\n'),
    );
    expect(first.stdout).toContain('Armed Conflict Location & Event Data Project (ACLED)');
    expect(await imported()).toEqual([['import', 3]]);
    // stderr is a pipe, not a terminal: the bar is redrawn every 5 s only, and each pass still ends
    // with its final state, where the reading pass's last line was its first ("0 rows").
    const bar = first.stderr.split('\n').filter((line) => /^(reading|writing) \[/.test(line));
    expect(bar.find((line) => line.startsWith('reading [##############################] 100.0%  7 rows  '))).toMatch(/ 4 rejected /);
    expect(bar.at(-1)).toMatch(/^writing \[#{30}\] 100\.0% {2}7 rows {2}3 accepted {2}4 rejected {2}\d+ rows\/s$/);

    const again = await runScript('import', ['--input', input, '--source', source, '--json']);
    expect(again.code).toBe(0);
    // phase: the one it ended in (it said "writing", as if still under way).
    expect(JSON.parse(again.stdout)).toMatchObject({ format: 'acled', source, phase: 'done', rows: 7, accepted: 3, recorded: 0, duplicates: 3, rejected: 4 });
    expect(await imported()).toEqual([['import', 3]]);
  });

  it('says in one line that it cannot reach the database, and imports nothing', async () => {
    const port = await closedPort();
    const run = await runScript('import', ['--input', path.join(FIXTURES, 'acled-full.csv'), '--source', source], { env: { DATABASE_PORT: String(port) } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`import: cannot use the database crisis_ops at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(run.stdout).toBe('');
  });

  it('exits 78 (EX_CONFIG, as the services do) on an invalid configuration variable, naming it once with the reason, whatever the file', async () => {
    const expected = 'import: invalid configuration: DATABASE_PORT must be a number, got "abc"\n';
    for (const input of [path.join(FIXTURES, 'acled-full.csv'), path.join(FIXTURES, 'no-such-file.csv')]) {
      const run = await runScript('import', ['--input', input, '--source', `${source}-config`], { env: { DATABASE_PORT: 'abc' } });
      expect(run.stderr).toBe(expected);
      expect(run.code).toBe(78);
      expect(run.stdout).toBe('');
    }
    expect((await db.query('SELECT 1 FROM early_warning.signals WHERE source = $1', [`${source}-config`])).rowCount).toBe(0);
  });

  // Concurrent: each is a process of its own, and the suite has a time budget.
  it.concurrent.each([
    { why: 'a batch size out of range', args: ['--input', path.join(FIXTURES, 'acled-full.csv'), '--batch', '0'], code: 2, error: 'import: --batch must be 1..5000' },
    { why: 'no --input', args: ['--source', 'x'], code: 2, error: 'import: --input is required' },
    { why: 'an input that is a directory', args: ['--input', FIXTURES], code: 1, error: `import: cannot read ${FIXTURES}: it is not a file` },
    { why: 'a source over 100 characters', args: ['--input', path.join(FIXTURES, 'acled-full.csv'), '--source', 's'.repeat(101)], code: 2, error: 'import: --source must be 1 to 100 characters' },
    { why: 'a source given twice', args: ['--input', path.join(FIXTURES, 'acled-full.csv'), '--source', 'a', '--source', 'b'], code: 2, error: 'import: --source is given more than once' },
    { why: 'a blank source', args: ['--input', path.join(FIXTURES, 'acled-full.csv'), '--source', '  '], code: 2, error: 'import: --source must be 1 to 100 characters' },
    { why: 'an input file that is not there', args: ['--input', path.join(FIXTURES, 'no-such-file.csv')], code: 1, error: `import: cannot read ${path.join(FIXTURES, 'no-such-file.csv')}: ENOENT: no such file or directory, stat '${path.join(FIXTURES, 'no-such-file.csv')}'` },
  ])('refuses $why with a one-line reason before touching the database', async ({ args, code, error }) => {
    // Given the test's own time, less a margin: killed at runScript's usual 45 s, five of seven were
    // cut off on a busy machine after saying their error, and read as exiting with no code.
    const run = await runScript('import', args, { timeoutMs: 110_000 });
    expect(run.error).toBe(error);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    // Seven CLIs starting at once take ~30 s of two cores' time: a busier machine must not fail them.
  }, 120_000);

  it('refuses a file of no known format, naming what it found, and imports nothing', async () => {
    const run = await runScript('import', ['--input', path.join(FIXTURES, 'unknown.csv'), '--source', source]);
    expect(run.code).toBe(1);
    // The last line: a progress bar on stderr comes first.
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('import: unusable file: unrecognised header (foo, bar, baz); pass the format explicitly: acled, acled-monthly, country-monthly, ucdp-ged, hxl');
    expect(run.stdout).toBe('');
  });

  it("refuses HDX's ACLED monthly file given as --format country-monthly, naming the columns it has and the format it is, and records nothing", async () => {
    const given = `${source}-country-monthly`;
    const run = await runScript('import', ['--input', path.join(FIXTURES, 'acled-monthly.csv'), '--format', 'country-monthly', '--source', given]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      "import: unusable file: country-monthly: the header has Admin1, Admin2, ISO3, Admin1 Pcode, column(s) of HDX's ACLED monthly layout that a country-month file lacks: the file is acled-monthly; give the format as acled-monthly, or auto to detect it",
    );
    expect(run.stdout).toBe('');
    const stored = await db.query<{ n: string }>('SELECT count(*) AS n FROM early_warning.aggregate_observations WHERE source = $1', [given]);
    expect(Number(stored.rows[0]?.n)).toBe(0);
  });

  it('prints a JSON report with the error on stdout under --json when the file is unusable (empty, UTF-16) or cannot be read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scripts-cli-unusable-'));
    try {
      const empty = path.join(dir, 'empty.csv');
      writeFileSync(empty, '');
      const utf16 = path.join(dir, 'utf16.csv');
      writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('event_id_cnty,event_date,event_type,country,fatalities\nU1,2023-02-01,Battles,Mali,1\n', 'utf16le')]));
      const missing = path.join(dir, 'missing.csv');
      for (const [input, kind] of [[empty, 'unusable-file'], [utf16, 'unusable-file'], [missing, 'unreadable-input']] as const) {
        const run = await runScript('import', ['--input', input, '--source', source, '--json']);
        expect(run.code, input).toBe(1);
        // What stderr says, as JSON: the same message, under the counts a report has (nothing done).
        const said = run.stderr.trimEnd().split('\n').at(-1) as string;
        expect(JSON.parse(run.stdout), input).toEqual({
          status: 'failed',
          input,
          format: 'auto',
          source,
          rows: 0,
          accepted: 0,
          recorded: 0,
          duplicates: 0,
          differing: 0,
          rejected: 0,
          error: { kind, message: said.replace(/^import: /, '') },
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('names in the report of a file whose every row is rejected the source the file was taken to have, and exits 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scripts-cli-all-rejected-'));
    try {
      const input = path.join(dir, 'all-rejected.csv');
      writeFileSync(input, 'event_id_cnty,event_date,event_type,sub_event_type,country,fatalities\nR1,2023-02-30,Battles,Armed clash,Mali,1\n');
      const run = await runScript('import', ['--input', input, '--json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', format: 'acled', source: 'acled', rows: 1, accepted: 0, rejected: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('its temporary sort runs', () => {
    // A temp of its own (TMPDIR) per test: what is left there is this run's alone.
    const temps: string[] = [];
    const privateTemp = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'scripts-cli-tmp-'));
      temps.push(dir);
      return dir;
    };
    afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    const filesUnder = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    // What the script left in that temp, but tsx's own cache (it runs the script).
    const leftIn = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('tsx-')).sort();
    const sortFiles = (dir: string) => leftIn(dir).filter((name) => name.startsWith('early-warning-import-')).flatMap((name) => filesUnder(path.join(dir, name)));

    it.each([
      ['Ctrl-C', 'SIGINT', 130],
      ['SIGTERM', 'SIGTERM', 143],
    ] as const)('are deleted when the import is interrupted with %s while sorting, and it says what stays', async (_how, signal, code) => {
      const temp = privateTemp();
      const input = path.join(temp, 'big.csv');
      // More rows than the sort holds in memory (20,000), so runs go to disk before any is written.
      const rows = Array.from({ length: 60_000 }, (_, i) => `ctrl-c-${i},2020-0${1 + (i % 9)}-1${i % 10},Protests,Peaceful protest,Niger,,Niamey,0,`);
      writeFileSync(input, ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source', ...rows].join('\n'));
      let sawRuns = false;
      const run = await runScript('import', ['--input', input, '--source', `${source}-${signal}`, '--json'], {
        env: { TMPDIR: temp },
        interruptWhen: () => (sawRuns ||= sortFiles(temp).length > 0),
        interruptWith: signal,
        timeoutMs: 60_000,
      });
      expect(sawRuns).toBe(true);
      expect(run.code).toBe(code);
      expect(run.stderr).toContain(`import interrupted (${signal}): no row was committed; run it again to add the rest`);
      // Under --json, a report all the same (it printed nothing): what was committed, and why it ended.
      expect(JSON.parse(run.stdout)).toMatchObject({
        status: 'interrupted',
        source: `${source}-${signal}`,
        accepted: 0,
        recorded: 0,
        error: { kind: 'interrupted', signal, message: `import interrupted (${signal}): no row was committed` },
      });
      expect(leftIn(temp)).toEqual(['big.csv']);
    });

    it('of an import interrupted with Ctrl-C while writing are deleted, and it says how many rows were committed: those in the database, which its last progress line shows', async () => {
      const temp = privateTemp();
      const input = path.join(temp, 'writing.csv');
      const total = 20_000;
      const rows = Array.from({ length: total }, (_, i) => `writing-${i},2021-0${1 + (i % 9)}-1${i % 10},Protests,Peaceful protest,Niger,,Niamey,0,`);
      writeFileSync(input, ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source', ...rows].join('\n'));
      const writingSource = `${source}-writing`;
      // Interrupted once some batches are committed: the database is asked every 50 ms (interruptWhen must answer at once).
      let stored = 0;
      const poll = setInterval(() => {
        void db
          .query<{ n: string }>('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [writingSource])
          .then((r) => (stored = Number(r.rows[0].n)))
          .catch(() => undefined);
      }, 50);
      let run;
      try {
        run = await runScript('import', ['--input', input, '--source', writingSource, '--batch', '50'], { env: { TMPDIR: temp }, interruptWhen: () => stored > 0, timeoutMs: 90_000 });
      } finally {
        clearInterval(poll);
      }
      const n = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [writingSource])).rows[0].n);
      expect(run.code).toBe(130);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(total);
      // Without the count, and with the last progress line drawn up to 5 s before, it showed 1,560 rows where 1,760 were stored.
      expect(run.stderr).toContain(`import interrupted (SIGINT): ${n} rows committed (${n} new, 0 already recorded) stay; run it again to add the rest\n`);
      const bar = run.stderr.split('\n').filter((line) => /^(reading|writing) \[/.test(line));
      expect(bar.at(-1)).toMatch(new RegExp(`^writing \\[[#-]{30}\\] +[\\d.]+% {2}${total} rows {2}${n} accepted {2}0 rejected `));
      expect(leftIn(temp)).toEqual(['writing.csv']);
    }, 120_000);

    it("of an import killed outright are swept by the next import once a day old, and another's recent ones are left", async () => {
      const temp = privateTemp();
      const old = path.join(temp, 'early-warning-import-cli-killed');
      const recent = path.join(temp, 'early-warning-import-cli-running');
      const unrelated = path.join(temp, 'someone-else');
      for (const dir of [old, recent, unrelated]) mkdirSync(path.join(dir, 'runs'), { recursive: true });
      const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
      for (const p of [path.join(old, 'runs'), old, path.join(unrelated, 'runs'), unrelated]) utimesSync(p, twoDaysAgo, twoDaysAgo);
      const run = await runScript('import', ['--input', path.join(FIXTURES, 'acled-full.csv'), '--source', `${source}-sweep`], { env: { TMPDIR: temp } });
      expect(run.code).toBe(0);
      expect(leftIn(temp)).toEqual(['early-warning-import-cli-running', 'someone-else']);
    });
  });
});
