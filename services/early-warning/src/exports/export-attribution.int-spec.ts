import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountry, inputsApplied, unassessedCountry, type BootedEarlyWarning } from '../int-support';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { ACLED_ATTRIBUTION, runImport, type ImportReport } from '../imports/import-runner';
import { intakeSink } from '../imports/import-sink';
import { formatSummary, runBacktest } from '../backtest';
import { ATTRIBUTION_HEADER } from '../risk/data-attribution';

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
    // The JSON listing says so as well, per item and in the header.
    const listed = await fetch(`${ew.base}/signals?source=${encodeURIComponent(relabelled)}`, { headers: { authorization: `Bearer ${ew.token}` } });
    expect(listed.headers.get(ATTRIBUTION_HEADER)).toBe(ACLED_ATTRIBUTION);
    const listedItems = ((await listed.json()) as { items: Array<{ attribution: string | null }> }).items;
    expect(listedItems.map((i) => i.attribution)).toEqual(Array.from({ length: 6 }, () => ACLED_ATTRIBUTION));
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
    const listed = await fetch(`${ew.base}/signals?source=${encodeURIComponent(own)}`, { headers: { authorization: `Bearer ${ew.token}` } });
    expect(listed.headers.get(ATTRIBUTION_HEADER)).toBeNull();
    expect(((await listed.json()) as { items: Array<{ attribution: string | null }> }).items.map((i) => i.attribution)).toEqual([null]);
    expect(exported.rows).toHaveLength(1);
    expect(exported.rows[0].endsWith(',')).toBe(true);
    expect(await importText(exported.text)).toMatchObject({ duplicates: 1, attribution: null });
  });

  /**
   * A country's risk is built from its signals and observations, so it owes what they owe: `/risk`,
   * `/risk/{country}` and `risk.csv` showed an ACLED import's risk with no word of ACLED.
   */
  describe('risk built from attributed data says so', () => {
    const get = (url: string) => fetch(`${ew.base}${url}`, { headers: { authorization: `Bearer ${ew.token}` } });
    const deskOf = (code: string) => COUNTRIES.find((c) => c.iso3 === code)?.desk;
    const riskOf = async (code: string) => {
      const res = await get(`/risk/${code}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { national: { attributions: string[] }; admin1: Array<{ attributions: string[] }> };
      return { body, header: res.headers.get(ATTRIBUTION_HEADER) };
    };
    const csvRowOf = async (code: string) => {
      const desk = deskOf(code);
      const res = await get(`/exports/risk.csv?hxl=true${desk ? `&region=${desk}` : ''}`);
      expect(res.status).toBe(200);
      const [header, tags, ...rows] = (await res.text()).trim().split('\r\n');
      expect([header.split(',').at(-1), tags.split(',').at(-1)]).toEqual(['attribution', '#meta+attribution']);
      return { rows: rows.filter((r) => r.startsWith(`${code},`)), header: res.headers.get(ATTRIBUTION_HEADER) };
    };

    it("attributes ACLED on the risk of a country an ACLED import (signals or monthly counts) fed, and nothing on one fed by the API alone", async () => {
      // The first test imported 6 ACLED rows (under a source of its own) for `country`, with an admin1.
      await eventually(async () => (await inputsApplied(ew.db, country)) >= 6, 60_000, 200);
      const fed = await riskOf(country);
      expect(fed.body.national.attributions).toEqual([ACLED_ATTRIBUTION]);
      expect(fed.body.admin1.length).toBeGreaterThan(0);
      for (const area of fed.body.admin1) expect(area.attributions).toEqual([ACLED_ATTRIBUTION]);
      expect(fed.header).toBe(ACLED_ATTRIBUTION);
      const listed = await get(`/risk?region=${deskOf(country)}`);
      expect(listed.headers.get(ATTRIBUTION_HEADER)).toBe(ACLED_ATTRIBUTION);
      expect(((await listed.json()) as Array<{ country: string; attributions: string[] }>).find((a) => a.country === country)?.attributions).toEqual([ACLED_ATTRIBUTION]);
      const exported = await csvRowOf(country);
      expect(exported.header).toBe(ACLED_ATTRIBUTION);
      expect(exported.rows.length).toBeGreaterThan(1);
      for (const row of exported.rows) expect(row.endsWith(`,"${ACLED_ATTRIBUTION}"`), row).toBe(true);

      // Monthly counts (aggregate observations, no signal) owe ACLED's attribution as well.
      let monthly = await unassessedCountry(ew.db);
      while (monthly === country) monthly = await unassessedCountry(ew.db);
      const name = COUNTRIES.find((c) => c.iso3 === monthly)?.name as string;
      const counts = ['country,year,month,events,fatalities', ...[1, 2, 3].map((m) => `"${name}",2021,${m},4,${m}`)].join('\n');
      expect(await importText(counts, `monthly-${RUN}`)).toMatchObject({ format: 'country-monthly', recorded: 3, attribution: ACLED_ATTRIBUTION });
      await eventually(async () => (await get(`/risk/${monthly}`)).status === 200, 60_000, 200);
      expect((await riskOf(monthly)).body.national.attributions).toEqual([ACLED_ATTRIBUTION]);

      // A country only the API fed owes nothing: no header, an empty list and an empty cell. An
      // exercise code, which no other suite's import can feed meanwhile (a real country picked at
      // random could be another suite's pick as well).
      const own = await freshCountry();
      const signal = { id: `api-${RUN}`, source: `desk-${RUN}`, country: own, type: 'protests', occurredAt: '2021-06-01T12:00:00Z', fatalities: 0 };
      expect((await ew.api('POST', '/signals', signal)).status).toBe(202);
      await eventually(async () => (await inputsApplied(ew.db, own)) === 1, 60_000, 200);
      const unowed = await riskOf(own);
      expect(unowed.body.national.attributions).toEqual([]);
      expect(unowed.header).toBeNull();
      const ownRows = (await csvRowOf(own)).rows;
      expect(ownRows).toHaveLength(1);
      expect(ownRows[0].endsWith(',')).toBe(true);
    });
  });
});
