import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, unassessedCountry, type BootedEarlyWarning } from '../int-support';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { runImport } from './import-runner';
import { intakeSink } from './import-sink';

/**
 * What an import's report says of aggregate months already recorded, on real Postgres: a month
 * resent with other counts is a revision, not applied, and counted as `differing` wherever the
 * copy that was recorded came from (an earlier import, or the same batch).
 */
const RUN = uniqueSuffix();

describe('import sink: aggregate months recorded again', () => {
  let ew: BootedEarlyWarning;

  beforeAll(async () => {
    ew = await bootEarlyWarning('import-sink');
  });

  afterAll(async () => {
    await ew?.close();
  });

  it('counts a month repeated in one file with other counts as differing, as a later import of it is; an identical repeat is a plain duplicate', async () => {
    const country = await unassessedCountry(ew.db);
    const name = COUNTRIES.find((c) => c.iso3 === country)?.name ?? country;
    const source = `int-sink-${RUN}`;
    const header = 'Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities';
    const row = (admin1: string, events: number, fatalities: number) => `"${name}",${admin1},,${country},,,3,2020,${events},${fatalities}`;
    const sink = intakeSink(ew.app.get(SignalIntake), ew.app.get(DataSource), ew.app.get(EventPublisher));
    const importRows = (rows: string[]) => runImport(Readable.from([Buffer.from([header, ...rows].join('\n'))]), sink, { source });

    // One file, so one batch: North's March twice more, once revised and once as it was.
    const once = await importRows([row('North', 15, 8), row('North', 16, 8), row('South', 15, 8), row('North', 15, 8)]);
    expect(once).toMatchObject({ format: 'acled-monthly', observations: 4, recorded: 2, duplicates: 2, differing: 1, rejected: 0 });
    // The first copy in the file is what was recorded.
    const { rows: recorded } = await ew.db.query<{ admin1: string; events: number }>('SELECT admin1, events FROM early_warning.aggregate_observations WHERE source = $1 ORDER BY admin1', [source]);
    expect(recorded).toEqual([
      { admin1: 'North', events: 15 },
      { admin1: 'South', events: 15 },
    ]);
    // The same revision imported later reads the same.
    expect(await importRows([row('North', 16, 8), row('South', 15, 8)])).toMatchObject({ recorded: 0, duplicates: 2, differing: 1 });
  });
});
