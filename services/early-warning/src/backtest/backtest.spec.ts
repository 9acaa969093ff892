import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmCounts, BacktestInputError, BacktestUsageError, formatSummary, nothingReplayedMessage, runBacktest, zscoreBaseline, type BacktestResult } from './index';

/** The shared data folder sits beside the workspace: <workspace>/../shared/data. */
function sharedData(file: string): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('workspace root (nx.json) not found');
    dir = parent;
  }
  return path.resolve(dir, '..', 'shared', 'data', file);
}

function levelOn(result: BacktestResult, country: string, day: string): string {
  const before = result.transitions.filter((t) => t.model === 'risk' && t.country === country && t.admin1 === null && t.at <= day);
  return before.length === 0 ? 'low' : before[before.length - 1].to;
}

describe('backtest on ACLED data (ACLED, www.acleddata.com)', () => {
  it('given the Burkina Faso events 2019-2022, then BFA is at high or critical by 30 June 2021', async () => {
    const result = await runBacktest({ input: sharedData('acled-burkina-faso-2019-2022.csv') });
    expect(result.accepted).toBe(4999);
    expect(['high', 'critical']).toContain(levelOn(result, 'BFA', '2021-06-30'));
  });

  it('given South Africa country-months 1997-2025, then the model raises fewer alarms (to high, to critical) than the z-score baseline', async () => {
    const result = await runBacktest({ input: sharedData('south-africa-monthly-1997.csv') });
    const counts = alarmCounts(result);
    const total = (model: string) => counts.filter((c) => c.model === model).reduce((s, c) => s + c.toHigh + c.toCritical, 0);
    expect(counts.map((c) => c.period)).toContain('1990s');
    expect(total('risk')).toBeLessThan(total('zscore-baseline'));
  });
});

describe('zscoreBaseline', () => {
  it('flags a month above the trailing 12-month mean + 2 SD and clears it the next calm month', () => {
    const month = (y: number, m: number) => y * 12 + m - 1;
    const series = new Map<number, number>();
    for (let m = 1; m <= 12; m++) series.set(month(2020, m), m % 2 === 0 ? 10 : 12);
    series.set(month(2021, 1), 40);
    series.set(month(2021, 2), 11);
    const flags = zscoreBaseline(new Map([['ZAF', series]]), month(2021, 2));
    expect(flags.map((f) => [f.at, f.from, f.to])).toEqual([
      ['2021-01-31', 'low', 'high'],
      ['2021-02-28', 'high', 'low'],
    ]);
  });
});

describe('backtest bounds', () => {
  const fixture = path.join(__dirname, '../import/fixtures/acled-subset.csv');

  it('counts a record repeated in the file once, as the live service records it once: the same levels as the file without repeats', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backtest-repeats-'));
    try {
      const header = 'event_id_cnty,event_date,event_type,sub_event_type,country,fatalities';
      // Two deadly attacks a day through January: enough to raise Djibouti's level once, not four times as much.
      const rows = Array.from({ length: 62 }, (_, i) => `DJI${i},2024-01-${String(1 + Math.floor(i / 2)).padStart(2, '0')},Violence against civilians,Attack,Djibouti,30`);
      const once = path.join(dir, 'once.csv');
      const repeated = path.join(dir, 'repeated.csv');
      writeFileSync(once, [header, ...rows].join('\n'));
      writeFileSync(repeated, [header, ...rows, ...rows, ...rows, ...rows].join('\n'));
      const [a, b] = [await runBacktest({ input: once }), await runBacktest({ input: repeated })];
      expect(b.transitions).toEqual(a.transitions);
      expect(a.transitions.length).toBeGreaterThan(0);
      expect(b).toMatchObject({ accepted: 62, duplicates: 186, rejected: 0 });
      expect(formatSummary(b)).toContain('62 records accepted (186 repeated records skipped, as intake skips them)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given an id repeated in the file with another date, then the replay keeps the older copy wherever it stands, as an import records it (event time order, ties in file order)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backtest-repeats-'));
    try {
      const header = 'event_id_cnty,event_date,event_type,sub_event_type,country,fatalities';
      const january = Array.from({ length: 62 }, (_, i) => `DJI${i},2024-01-${String(1 + Math.floor(i / 2)).padStart(2, '0')},Violence against civilians,Attack,Djibouti,30`);
      // The same ids again: first in the file, dated in June, peaceful; and on the same day as the
      // kept copy, after it, with no deaths (a tie: the first in the file stays).
      const june = january.map((row) => row.replace(/2024-01-\d\d,Violence against civilians,Attack,Djibouti,30$/, '2024-06-15,Protests,Peaceful protest,Djibouti,0'));
      const sameDay = january.map((row) => row.replace(/,30$/, ',0'));
      const once = path.join(dir, 'once.csv');
      const revised = path.join(dir, 'revised.csv');
      writeFileSync(once, [header, ...january].join('\n'));
      writeFileSync(revised, [header, ...june, ...january, ...sameDay].join('\n'));
      const [a, b] = [await runBacktest({ input: once }), await runBacktest({ input: revised })];
      expect(a.transitions.length).toBeGreaterThan(0);
      expect(b.transitions).toEqual(a.transitions);
      expect(b).toMatchObject({ accepted: 62, duplicates: 124, firstDay: '2024-01-01', lastDay: '2024-01-31' });
      // Outside the window replayed, the kept copy is left out, and no later copy stands in for it.
      expect(await runBacktest({ input: revised, from: '2024-02-01' })).toMatchObject({ accepted: 0, outsideWindow: 62, duplicates: 124, transitions: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given one admin1 spelled two ways on one day, listed latest first, then it names the area by the spelling reported earliest in the day, as an import of the file does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backtest-spellings-'));
    try {
      // Exported signals (HXL, with their times of day), newest first as ACLED lists them: the
      // earliest report, last in the file, spells it "Nord-Kivu". An import writes the file in time
      // order (EventTimeOrder), so the live engine sees "Nord-Kivu" first.
      const head = ['source,source_signal_id,occurred_at,country,admin1,type,fatalities', '#meta+source,#event+id+source,#date+occurred,#country+code,#adm1+name,#event+type,#affected+killed'];
      const rows = Array.from({ length: 16 }, (_, i) => `int,k${i},2024-03-05T${String(20 - i).padStart(2, '0')}:00:00Z,COD,${i === 15 ? 'Nord-Kivu' : 'NORD KIVU'},battles,40`);
      const file = path.join(dir, 'spellings.csv');
      writeFileSync(file, [...head, ...rows].join('\n'));
      const result = await runBacktest({ input: file });
      expect(result.accepted).toBe(16);
      const areas = result.transitions.filter((t) => t.model === 'risk' && t.admin1 !== null);
      expect(areas.length).toBeGreaterThan(0);
      expect(new Set(areas.map((t) => t.admin1))).toEqual(new Set(['Nord-Kivu']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given a --from or --to that leaves out every record, then it counts them as outside the window and names the window and the days the file spans', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'backtest-window-'));
    try {
      const header = 'event_id_cnty,event_date,event_type,sub_event_type,country,fatalities';
      const rows = ['W1,2019-09-24,Battles,Armed clash,Mali,1', 'W2,2020-06-01,Battles,Armed clash,Mali,2', 'W2,2020-06-01,Battles,Armed clash,Mali,2', 'W3,2022-09-23,Battles,Armed clash,Mali,3', 'W4,2021-01-01,Battles,Armed clash,Mali,x'];
      const file = path.join(dir, 'window.csv');
      writeFileSync(file, [header, ...rows].join('\n'));

      const later = await runBacktest({ input: file, from: '2030-01-01' });
      // Every row read is counted: 3 outside the window, 1 repeat, 1 rejected.
      expect(later).toMatchObject({ accepted: 0, outsideWindow: 3, duplicates: 1, rejected: 1, firstDay: null, lastDay: null, recordsFirstDay: '2019-09-24', recordsLastDay: '2022-09-23', transitions: [] });
      expect(formatSummary(later).split('\n')[0]).toBe(
        "Backtest: acled, 0 records accepted (1 repeated records skipped, as intake skips them), 3 outside --from/--to (the file's records run from 2019-09-24 to 2022-09-23), 1 rows rejected, - .. -",
      );
      expect(nothingReplayedMessage(later, { from: '2030-01-01' })).toBe("no record falls on or after --from 2030-01-01: the file's records run from 2019-09-24 to 2022-09-23");
      const earlier = await runBacktest({ input: file, to: '1899-01-01' });
      expect(nothingReplayedMessage(earlier, { to: '1899-01-01' })).toBe("no record falls on or before --to 1899-01-01: the file's records run from 2019-09-24 to 2022-09-23");
      expect(nothingReplayedMessage(earlier, { from: '1800-01-01', to: '1899-01-01' })).toBe("no record falls between --from 1800-01-01 and --to 1899-01-01: the file's records run from 2019-09-24 to 2022-09-23");

      // A window that keeps some: those left out are still counted.
      expect(await runBacktest({ input: file, from: '2020-01-01', to: '2021-12-31' })).toMatchObject({ accepted: 1, outsideWindow: 2, duplicates: 1, rejected: 1, firstDay: '2020-06-01', lastDay: '2020-06-01' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given an input it cannot read, then it names the file and the reason', async () => {
    const missing = path.join(tmpdir(), `backtest-no-such-${process.pid}.csv`);
    await expect(runBacktest({ input: missing })).rejects.toThrow(new BacktestInputError(`cannot read input file ${missing}: ENOENT: no such file or directory`));
    // An input error, not a usage error (which the CLI exits 2 on), whatever its path holds: "--" too.
    const dashed = path.join(tmpdir(), `backtest--no-such-${process.pid}.csv`);
    const refused = await runBacktest({ input: dashed }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BacktestInputError);
    expect(refused).not.toBeInstanceOf(BacktestUsageError);
  });

  it('refuses a --from or --to that is no day of the calendar, rather than moving it to the next month', async () => {
    for (const [key, day] of [['to', '2023-02-30'], ['from', '2024-04-31'], ['to', '2023-13-01']] as const) {
      await expect(runBacktest({ input: fixture, [key]: day }), day).rejects.toThrow(BacktestUsageError);
    }
    await expect(runBacktest({ input: fixture, from: '2023-02-01', to: '2023-01-01' })).rejects.toThrow(new BacktestUsageError('--from is after --to'));
    await expect(runBacktest({ input: fixture, to: '2024-02-29' })).resolves.toBeDefined();
  });
});
