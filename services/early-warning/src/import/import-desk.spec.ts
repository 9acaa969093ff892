import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openImport, type ImportRecord } from './index';

/**
 * An import confined to a desk (a job uploaded with a token of that region) takes the rows of its
 * countries and rejects the others like any bad row, naming the cell that named the country.
 */
async function read(csv: string, desk?: string) {
  const opened = await openImport(Readable.from([csv]), { desk, now: new Date('2026-11-28T00:00:00Z') });
  const records: ImportRecord[] = [];
  for await (const r of opened.records) records.push(r);
  return { ok: records.filter((r) => r.kind !== 'error'), errors: records.filter((r) => r.kind === 'error') };
}

const ACLED = 'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source';

describe('an import confined to a desk', () => {
  it("takes the desk's events and rejects another desk's, naming the country cell and both desks", async () => {
    const csv = [ACLED, 'A1,2023-05-01,Battles,Armed clash,Philippines,608,Mindanao,2,Radio', 'A2,2023-05-01,Battles,Armed clash,Ghana,288,Ashanti,0,Radio', 'A3,2023-05-02,Riots,Mob violence,Ghana,,Ashanti,0,Radio'].join('\n');
    const { ok, errors } = await read(csv, 'asia-pacific');
    expect(ok.map((r) => r.kind === 'signal' && r.signal.country)).toEqual(['PHL']);
    expect(errors).toEqual([
      // The code decided the country; without a code, the name did.
      { kind: 'error', row: 3, column: 'iso', reason: 'GHA is a country of the africa desk: a token of region asia-pacific records countries of the asia-pacific desk only (a token of region africa or global records it)' },
      { kind: 'error', row: 4, column: 'country', reason: expect.stringContaining('GHA is a country of the africa desk') },
    ]);
    // Confined to no desk, every country is taken, as before.
    expect((await read(csv)).ok).toHaveLength(3);
  });

  it("rejects another desk's monthly counts, and names every other bad column of the row too", async () => {
    const csv = ['country,year,month,events,fatalities', 'Philippines,2023,1,4,0', 'Ghana,2023,13,4,0'].join('\n');
    const { ok, errors } = await read(csv, 'asia-pacific');
    expect(ok).toHaveLength(1);
    expect(errors.map((e) => e.kind === 'error' && [e.row, e.column])).toEqual([
      [3, 'country'],
      [3, 'month'],
    ]);
  });

  it('rejects an exercise code, of no desk, for a desk (only a token of every region records it)', async () => {
    const { errors } = await read([ACLED, 'Z1,2023-05-01,Battles,Armed clash,Antarctica,010,,0,Radio'].join('\n'), 'africa');
    expect(errors).toEqual([{ kind: 'error', row: 2, column: 'iso', reason: expect.stringContaining('ATA is a country of no regional desk: a token of region africa') }]);
  });
});
