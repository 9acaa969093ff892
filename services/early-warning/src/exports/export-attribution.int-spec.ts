import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, unassessedCountry, type BootedEarlyWarning } from '../int-support';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { ACLED_ATTRIBUTION, runImport, type ImportReport } from '../imports/import-runner';
import { intakeSink } from '../imports/import-sink';
import { formatSummary, runBacktest } from '../backtest';
import { ATTRIBUTION_HEADER } from './export.controller';

/**
 * ACLED's terms ask for attribution wherever results built from its data are shown. An ACLED file
 * imported under a source of its own (the tester's Burkina Faso file relabelled) was exported by
 * `GET /exports/signals.csv?hxl=true` with nothing saying so: imported again, its report said
 * `"attribution": null`, and a backtest of the export printed no "Data: ACLED" line. On real Postgres.
 */
const RUN = uniqueSuffix();

describe('early-warning: the signals export carries what its sources owe', () => {
  let ew: BootedEarlyWarning;
  let dir: string;
  let country: string;

  const importText = (text: string, source?: string): Promise<ImportReport> =>
    runImport(Readable.from([Buffer.from(text)]), intakeSink(ew.app.get(SignalIntake), ew.app.get(DataSource), ew.app.get(EventPublisher)), { source });
  const exportOf = async (source: string) => {
    const res = await fetch(`${ew.base}/exports/signals.csv?source=${encodeURIComponent(source)}&hxl=true`, { headers: { authorization: `Bearer ${ew.token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const [header, tags, ...rows] = text.trim().split('\r\n');
    return { text, header: header.split(','), tags: tags.split(','), rows, attribution: res.headers.get(ATTRIBUTION_HEADER) };
  };

  beforeAll(async () => {
    ew = await bootEarlyWarning('export-attribution');
    dir = await mkdtemp(path.join(tmpdir(), 'ew-attribution-'));
    country = await unassessedCountry(ew.db);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await ew?.close();
  });

  it('attributes ACLED on every row and in a header, so that the file imported again and its backtest attribute it too', async () => {
    const name = COUNTRIES.find((c) => c.iso3 === country)?.name as string;
    const acled = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source',
      ...Array.from({ length: 6 }, (_, i) => `A-${RUN}-${i},2021-06-0${i + 1},Violence against civilians,Attack,"${name}",,North,3,Radio`),
    ].join('\n');
    const relabelled = `relabelled-${RUN}`;
    expect(await importText(acled, relabelled)).toMatchObject({ format: 'acled', source: relabelled, recorded: 6, attribution: ACLED_ATTRIBUTION });

    const exported = await exportOf(relabelled);
    expect(exported.attribution).toBe(ACLED_ATTRIBUTION);
    expect([exported.header.at(-1), exported.tags.at(-1)]).toEqual(['attribution', '#meta+attribution']);
    expect(exported.rows).toHaveLength(6);
    // The text holds commas: quoted, as any CSV reader reads it.
    for (const row of exported.rows) expect(row.endsWith(`,"${ACLED_ATTRIBUTION}"`), row).toBe(true);

    // Imported again (here: nothing new), the report attributes ACLED; a backtest of it says so.
    expect(await importText(exported.text)).toMatchObject({ format: 'hxl', source: relabelled, recorded: 0, duplicates: 6, attribution: ACLED_ATTRIBUTION });
    const file = path.join(dir, 'export.csv');
    await writeFile(file, exported.text);
    const backtest = await runBacktest({ input: file });
    expect(backtest.format).toBe('hxl');
    expect(formatSummary(backtest)).toContain('Data: Armed Conflict Location & Event Data Project (ACLED)');

    // Imported where its source is new (another deployment; here under another source name), its rows
    // keep the attribution: that deployment's export attributes them in turn.
    const copied = `copied-${RUN}`;
    expect(await importText(exported.text.replaceAll(relabelled, copied))).toMatchObject({ source: copied, recorded: 6, attribution: ACLED_ATTRIBUTION });
    expect((await exportOf(copied)).attribution).toBe(ACLED_ATTRIBUTION);
  });

  it('attributes nothing for a source that owes nothing', async () => {
    const own = `own-${RUN}`;
    const signal = { id: `own-${RUN}`, source: own, country, type: 'protests', occurredAt: '2021-06-01T12:00:00Z', fatalities: 0 };
    expect((await ew.api('POST', '/signals', signal)).status).toBe(202);
    const exported = await exportOf(own);
    expect(exported.attribution).toBeNull();
    expect(exported.rows).toHaveLength(1);
    expect(exported.rows[0].endsWith(',')).toBe(true);
    expect(await importText(exported.text)).toMatchObject({ duplicates: 1, attribution: null });
  });
});
