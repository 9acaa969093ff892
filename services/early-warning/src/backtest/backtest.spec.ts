import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmCounts, BacktestInputError, runBacktest, zscoreBaseline, type BacktestResult } from './index';

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

  it('refuses a --from or --to that is no day of the calendar, rather than moving it to the next month', async () => {
    for (const [key, day] of [['to', '2023-02-30'], ['from', '2024-04-31'], ['to', '2023-13-01']] as const) {
      await expect(runBacktest({ input: fixture, [key]: day }), day).rejects.toThrow(BacktestInputError);
    }
    await expect(runBacktest({ input: fixture, to: '2024-02-29' })).resolves.toBeDefined();
  });
});
