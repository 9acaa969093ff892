import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workspaceRoot } from '@crisis-ops/testing';
import { runScript } from './run-script';

const FIXTURES = path.join(workspaceRoot(), 'services/early-warning/src/import/fixtures');
const LEVELS = ['low', 'elevated', 'high', 'critical'];

/**
 * An ACLED export of Mali: a calm 2022 (one clash a month, one or two dead), then forty days of deadly
 * attacks on civilians from 1 January 2023, enough for the risk model to escalate the country and for
 * the z-score baseline to flag January against the calm year before it.
 */
function maliInCrisis(): string {
  const rows: string[] = [];
  for (let month = 1; month <= 12; month++) rows.push(`CALM-${month},2022-${String(month).padStart(2, '0')}-15,Battles,Armed clash,Mali,466,Mopti,${1 + (month % 2)},Radio`);
  for (let day = 0; day < 40; day++) {
    const date = new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
    for (let i = 0; i < 3; i++) rows.push(`CRISIS-${day}-${i},${date},Violence against civilians,Attack,Mali,466,${i === 0 ? 'Mopti' : 'Segou'},10,Radio`);
  }
  return ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source', ...rows].join('\n');
}

describe('npm run backtest', () => {
  let dir: string;
  let input: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'scripts-cli-backtest-'));
    input = path.join(dir, 'mali-in-crisis.csv');
    await writeFile(input, maliInCrisis());
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each level transition of the model and the baseline to --out as one JSON object per line, and the summary on stdout', async () => {
    const out = path.join(dir, 'transitions.jsonl');
    const run = await runScript('backtest', ['--input', input, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Backtest: acled, 132 records accepted, 0 rows rejected, 2022-01-15 \.\. 2023-02-09\n/);
    expect(run.stdout).toMatch(/Results derived from ACLED data\.\nTransitions written to .*transitions\.jsonl\n$/);

    const lines = (await readFile(out, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    const transitions = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(run.stdout).toContain(`Transitions written: ${transitions.length} (`);
    // The shape docs/risk-model.md and BacktestTransition promise, nothing more and nothing less.
    for (const t of transitions) {
      expect(Object.keys(t).sort()).toEqual(['admin1', 'at', 'country', 'drivers', 'from', 'model', 'score', 'to']);
      expect(t).toMatchObject({ model: expect.stringMatching(/^(risk|zscore-baseline)$/), country: 'MLI', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), score: expect.any(Number) });
      expect(t.admin1 === null || typeof t.admin1 === 'string').toBe(true);
      expect(LEVELS).toContain(t.from);
      expect(LEVELS).toContain(t.to);
      expect(t.from).not.toBe(t.to);
      for (const d of t.drivers as unknown[]) expect(d).toEqual({ kind: expect.any(String), label: expect.any(String), area: d && (d as { area: unknown }).area === null ? null : expect.any(String), count: expect.any(Number), weight: expect.any(Number) });
    }
    const national = (model: string) => transitions.filter((t) => t.model === model && t.admin1 === null);
    // The crisis escalates Mali in both models, and nothing happens in the calm year.
    expect(national('risk').some((t) => t.to === 'high' || t.to === 'critical')).toBe(true);
    expect(national('zscore-baseline').map((t) => [t.at, t.from, t.to])).toContainEqual(['2023-01-31', 'low', 'high']);
    expect(transitions.filter((t) => (t.at as string) < '2023-01-01')).toEqual([]);

    // Without --out the same lines go to stdout, and the summary moves to stderr.
    const piped = await runScript('backtest', ['--input', input]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(await readFile(out, 'utf8'));
    expect(piped.error).toMatch(/^Backtest: acled, 132 records accepted/);
  });

  it('replays only the days between --from and --to, and counts the records left out', async () => {
    const run = await runScript('backtest', ['--input', input, '--from', '2022-01-01', '--to', '2022-12-31']);
    expect(run.code).toBe(0);
    expect(run.error).toBe("Backtest: acled, 12 records accepted, 120 outside --from/--to (the file's records run from 2022-01-15 to 2023-02-09), 0 rows rejected, 2022-01-15 .. 2022-12-15");
    expect(run.stdout).toBe('');
  });

  // Concurrent: each is a process of its own, and the suite has a time budget.
  it.concurrent.each([
    { why: 'a --to that is no day of the calendar', args: () => ['--input', input, '--to', '2023-02-30'], code: 2, error: 'backtest: --to must be a date YYYY-MM-DD that exists, got "2023-02-30"' },
    { why: 'a --from after the --to', args: () => ['--input', input, '--from', '2023-02-01', '--to', '2023-01-01'], code: 2, error: 'backtest: --from is after --to' },
    { why: 'no --input', args: () => ['--to', '2023-01-01'], code: 2, error: 'backtest: --input is required' },
    { why: 'a format it does not know', args: () => ['--input', input, '--format', 'xlsx'], code: 2, error: 'backtest: --format must be auto or one of acled, acled-monthly, country-monthly, ucdp-ged, hxl' },
    { why: 'an input file that is not there', args: () => ['--input', path.join(FIXTURES, 'no-such-file.csv')], code: 1, error: `backtest: cannot read input file ${path.join(FIXTURES, 'no-such-file.csv')}: ENOENT: no such file or directory` },
    // A "--" in a path is no flag: this exited 2, as a usage error, when errors were told apart by their text.
    { why: 'an input file with "--" in its path that is not there', args: () => ['--input', path.join(FIXTURES, 'a--b.csv')], code: 1, error: `backtest: cannot read input file ${path.join(FIXTURES, 'a--b.csv')}: ENOENT: no such file or directory` },
    { why: 'an input that is a directory', args: () => ['--input', FIXTURES], code: 1, error: `backtest: cannot read input file ${FIXTURES}: it is not a file` },
    { why: 'a file of no known format', args: () => ['--input', path.join(FIXTURES, 'unknown.csv')], code: 1, error: 'backtest: unrecognised header (foo, bar, baz); pass the format explicitly: acled, acled-monthly, country-monthly, ucdp-ged, hxl' },
  ])('refuses $why with a one-line reason and writes no transition', async ({ args, code, error }) => {
    const run = await runScript('backtest', args());
    expect(run.error).toBe(error);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
  });

  it('refuses an --out it cannot write before replaying anything, naming it and the reason, not the temporary file beside it', async () => {
    const out = path.join(dir, 'no-such-dir', 'transitions.jsonl');
    const run = await runScript('backtest', ['--input', input, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.error).toBe(`backtest: --out ${out} cannot be written: ENOENT: no such file or directory`);
    expect(run.stdout).toBe('');
  });

  it('leaves the previous results as they were when a run fails, and never writes over its input', async () => {
    const out = path.join(dir, 'kept.jsonl');
    await writeFile(out, 'previous results\n');
    const failed = await runScript('backtest', ['--input', path.join(dir, 'no-such.csv'), '--out', out]);
    expect(failed.code).toBe(1);
    expect(await readFile(out, 'utf8')).toBe('previous results\n');
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
    for (const out of [dir, `${path.join(dir, 'sub')}/`]) {
      expect(await runScript('backtest', ['--input', input, '--out', out]), out).toMatchObject({ code: 2, error: `backtest: --out ${out} is a directory; name the file to write` });
    }
    expect((await readdir(dir)).filter((f) => f.includes('.partial-'))).toEqual([]);
    const over = await runScript('backtest', ['--input', input, '--out', input]);
    expect(over).toMatchObject({ code: 2, error: 'backtest: --out is the --input file, which writing would destroy' });
    expect((await readFile(input, 'utf8')).length).toBeGreaterThan(1000);
  });

  it('fails when no record falls in --from/--to, counting the records left out and naming the days the file spans, after saying what it rejected', async () => {
    const run = await runScript('backtest', ['--input', path.join(FIXTURES, 'acled-full.csv'), '--from', '2030-01-01']);
    expect(run.code).toBe(1);
    expect(run.error).toBe("Backtest: acled, 0 records accepted, 3 outside --from/--to (the file's records run from 2023-03-02 to 2023-03-04), 4 rows rejected, - .. -");
    // Each rejected row with its column and reason, under the count.
    expect(run.stderr.split('\n')[1]).toBe('  row 5, fatalities: "abc" is not a whole number ≥ 0');
    expect(run.stderr).toMatch(/\nbacktest: no record falls on or after --from 2030-01-01: the file's records run from 2023-03-02 to 2023-03-04\n$/);
  });

  it('fails when no row of the input is valid, saying so', async () => {
    const file = path.join(dir, 'all-rejected.csv');
    await writeFile(file, 'event_id_cnty,event_date,event_type,sub_event_type,country,fatalities\nR1,2023-02-30,Battles,Armed clash,Mali,1\n');
    const run = await runScript('backtest', ['--input', file]);
    expect(run.code).toBe(1);
    expect(run.error).toMatch(/^Backtest: acled, 0 records accepted, 1 rows rejected, - \.\. -$/);
    expect(run.stderr).toMatch(/\nbacktest: no record of the input was accepted\n$/);
  });
});
