import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { Signal } from '../domain';
import { ACLED_ATTRIBUTION, formatReport, runImport, type ImportSink } from './import-runner';
import { LateReportTally } from './late-reports';

/** An in-memory sink that is idempotent by (source, id) like the real intake. */
function memorySink() {
  const seen = new Set<string>();
  const batches: number[] = [];
  const written: Signal[] = [];
  const sink: ImportSink = {
    async signals(batch: readonly Signal[]) {
      batches.push(batch.length);
      written.push(...batch);
      const fresh = batch.map((s) => !seen.has(`${s.source}/${s.id}`) && Boolean(seen.add(`${s.source}/${s.id}`)));
      const recorded = fresh.filter(Boolean).length;
      return { recorded, duplicates: batch.length - recorded, fresh };
    },
    async observations(batch) {
      return { recorded: batch.length, duplicates: 0, fresh: batch.map(() => true) };
    },
  };
  return { sink, batches, written };
}

const csv = [
  'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities',
  ...Array.from({ length: 25 }, (_, i) => `E-${i},2023-05-${String((i % 28) + 1).padStart(2, '0')},Battles,Armed clash,Mali,466,Mopti,${i % 3}`),
  'E-bad,2023-13-45,Battles,Armed clash,Mali,466,Mopti,1',
  'E-bad2,2023-05-01,Battles,Armed clash,Atlantis,,Mopti,x',
].join('\n');

describe('runImport', () => {
  it('writes valid rows in batches, reports rejected rows with row and column, and counts as duplicates what the sink already had', async () => {
    const { sink, batches } = memorySink();
    const progress: number[] = [];
    const first = await runImport(Readable.from([csv]), sink, { batchSize: 10, onProgress: (p) => progress.push(p.rows) });
    expect(first).toMatchObject({ format: 'acled', rows: 27, accepted: 25, recorded: 25, duplicates: 0, rejected: 2 });
    expect(batches).toEqual([10, 10, 5]);
    expect(first.errors.find((e) => e.row === 27)).toMatchObject({ column: 'event_date' });
    expect(first.errors.filter((e) => e.row === 28).map((e) => e.column).sort()).toEqual(['country', 'fatalities']);
    expect(progress.length).toBeGreaterThan(1);
    expect(formatReport(first)).toContain('acleddata.com');
    // UCDP GED is CC BY 4.0: its report names it too.
    const ucdp = await runImport(Readable.from(['id,year,type_of_violence,country,date_start,best\n900001,2023,1,Mali,2023-05-01,3\n']), sink);
    expect(ucdp).toMatchObject({ format: 'ucdp-ged', accepted: 1 });
    expect(formatReport(ucdp)).toContain('UCDP Georeferenced Event Dataset (CC BY 4.0), Uppsala Conflict Data Program');
    // Country-month counts are ACLED's layout for its country aggregates (the shared South Africa
    // file): attributed, as the backtest's summary of the same file attributes them.
    const monthly = await runImport(Readable.from(['country,year,month,events,fatalities\nSouth Africa,1997,1,12,3\n']), sink);
    expect(monthly).toMatchObject({ format: 'country-monthly', accepted: 1 });
    expect(monthly.attribution).toContain('acleddata.com');

    // Whether a row was recorded before is the sink's answer (the database's, in the service: the
    // int suite imports a file twice); the runner must carry it into the report.
    const second = await runImport(Readable.from([csv]), sink, { batchSize: 10 });
    expect(second).toMatchObject({ accepted: 25, recorded: 0, duplicates: 25, rejected: 2 });
  });

  it('names in the report of a file whose every row is rejected the source it was taken to have: given, or its format\'s', async () => {
    const { sink, written } = memorySink();
    const allBad = csv.split('\n').filter((line, i) => i === 0 || line.startsWith('E-bad')).join('\n');
    const acled = await runImport(Readable.from([allBad]), sink);
    expect(acled).toMatchObject({ format: 'acled', source: 'acled', accepted: 0, rejected: 2 });
    expect(formatReport(acled)).toMatch(/^format acled, source acled: 2 rows in /);
    expect(await runImport(Readable.from([allBad]), sink, { source: 'field-monitor' })).toMatchObject({ source: 'field-monitor', accepted: 0 });
    const monthly = await runImport(Readable.from(['country,year,month,events,fatalities\nNarnia,1997,1,12,3\n']), sink);
    expect(monthly).toMatchObject({ format: 'country-monthly', source: 'country-monthly', accepted: 0, rejected: 1 });
    expect(written).toEqual([]);
  });

  it('names the source the records were recorded under: a file of recorded signals keeps its rows\' own, whatever --source says', async () => {
    const { sink, written } = memorySink();
    const head = ['Id,Source,Date,Country,Type', '#event+id+source,#meta+source,#date+occurred,#country+code,#event+type'];
    const recorded = [...head, 'a,field-monitor,2021-06-05,BFA,battles', 'b,field-monitor,2021-06-06,BFA,battles', ''].join('\n');
    const report = await runImport(Readable.from([recorded]), sink, { source: 'other' });
    expect(written.map((s) => s.source)).toEqual(['field-monitor', 'field-monitor']);
    expect(report).toMatchObject({ format: 'hxl', accepted: 2, source: 'field-monitor' });
    // Where --source does name the records' source, the report names it too.
    expect(await runImport(Readable.from([csv]), memorySink().sink, { source: 'acled-mirror' })).toMatchObject({ source: 'acled-mirror', accepted: 25 });
  });

  it("says per country how many rows it recorded dated before the day the country's risk had open when it began writing: late reports, which assess no history", async () => {
    const { sink, written } = memorySink();
    const asked: Array<{ countries: string[]; written: number }> = [];
    sink.openDays = async (countries) => {
      asked.push({ countries: [...countries].sort(), written: written.length });
      return new Map([['MLI', new Date('2023-05-20T00:00:00Z')]]);
    };
    // Rows of 1 to 25 May: those of 1 to 19 May are before the open day; the 20th's is of it.
    const first = await runImport(Readable.from([csv]), sink, { batchSize: 10 });
    // Asked once, before any row was written.
    expect(asked).toEqual([{ countries: ['MLI'], written: 0 }]);
    expect(first).toMatchObject({ recorded: 25, lateReports: 19, lateReportCountries: [{ country: 'MLI', openDay: '2023-05-20', rows: 19 }], lateReportCountriesTruncated: false });
    expect(formatReport(first)).toContain(
      "  late       19 recorded rows dated before their country's open day: added to it as late reports, no history assessed for their days\n    MLI: 19 dated before 2023-05-20\n",
    );
    // Rows already recorded were no late reports now; a country with no open day has none.
    const again = await runImport(Readable.from([csv]), sink, { batchSize: 10 });
    expect(again).toMatchObject({ recorded: 0, duplicates: 25, lateReports: 0, lateReportCountries: [] });
    expect(formatReport(again)).not.toContain('late');
    // An observation by the start of its period (its days before the open day are added to it).
    const monthly = await runImport(Readable.from(['country,year,month,events,fatalities\nMali,2023,4,12,3\nMali,2023,5,12,3\nNiger,2023,4,1,0\n']), sink);
    expect(monthly).toMatchObject({ recorded: 3, lateReports: 2, lateReportCountries: [{ country: 'MLI', rows: 2 }] });
  });

  it('lists at most the given number of countries with late reports, counting them all', () => {
    const tally = new LateReportTally(new Map([['MLI', new Date('2023-05-20T00:00:00Z')], ['BFA', new Date('2023-05-10T00:00:00Z')]]));
    const rows: Array<[string, Date]> = [['MLI', new Date('2023-05-19T23:59:59Z')], ['MLI', new Date('2023-05-20T00:00:00Z')], ['BFA', new Date('2023-05-01T00:00:00Z')], ['BFA', new Date('2023-05-02T00:00:00Z')]];
    tally.add(rows, [true, true, true, false], (r) => r);
    expect(tally.report(1)).toEqual({ lateReports: 2, lateReportCountries: [{ country: 'BFA', openDay: '2023-05-10', rows: 1 }], lateReportCountriesTruncated: true });
  });

  it('stops with the error of a failing write', async () => {
    const failing: ImportSink = { signals: async () => Promise.reject(new Error('database gone')), observations: async () => ({ recorded: 0, duplicates: 0 }) };
    await expect(runImport(Readable.from([csv]), failing, { batchSize: 5 })).rejects.toThrow('database gone');
  });

  it("writes a file listed newest first (as ACLED exports are) oldest first, so the risk engine meets no report older than the day it has open; in memory and through temporary files", async () => {
    const newestFirst = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities',
      ...Array.from({ length: 40 }, (_, i) => `N-${i},${new Date(Date.UTC(2023, 4, 40 - i)).toISOString().slice(0, 10)},Battles,Armed clash,Mali,466,Mopti,1`),
    ].join('\n');
    for (const sortChunk of [1_000, 7]) {
      const { sink, written } = memorySink();
      const report = await runImport(Readable.from([newestFirst]), sink, { batchSize: 10, sortChunk });
      expect(report).toMatchObject({ rows: 40, recorded: 40, rejected: 0 });
      const days = written.map((s) => s.occurredAt.getTime());
      expect(days, `sortChunk ${sortChunk}`).toEqual([...days].sort((a, b) => a - b));
      expect(written[0]).toMatchObject({ id: 'N-39', country: 'MLI', admin1: 'Mopti', type: 'battles', fatalities: 1 });
      expect(written[0].reportedAt).toBeInstanceOf(Date);
    }
  });

  it('reports the reading pass, then the writing pass with how many valid rows it has to write', async () => {
    const { sink } = memorySink();
    const seen: Array<{ phase: string; toWrite: number; accepted: number }> = [];
    const report = await runImport(Readable.from([csv]), sink, { batchSize: 10, onProgress: ({ phase, toWrite, accepted }) => seen.push({ phase, toWrite, accepted }) });
    expect(seen[0]).toEqual({ phase: 'reading', toWrite: 0, accepted: 0 });
    expect(seen.filter((p) => p.phase === 'writing').map((p) => p.toWrite)).toEqual(seen.filter((p) => p.phase === 'writing').map(() => 25));
    expect(seen.at(-1)).toEqual({ phase: 'writing', toWrite: 25, accepted: 25 });
    // The report of a finished import says so: it said "writing", as if the import were still under way.
    expect(report).toMatchObject({ phase: 'done', toWrite: 25, accepted: 25 });
  });

  it("keeps what each source owes before writing its rows: by format, by a source named after ACLED, and by the rows' own attribution (the signals export)", async () => {
    const attributed: Array<Record<string, readonly string[]>> = [];
    const withAttributions = () => {
      const memory = memorySink();
      memory.sink.attribute = async (sources) => {
        expect(memory.written, 'attributed before any row is written').toEqual([]);
        attributed.push(Object.fromEntries(sources));
      };
      return memory.sink;
    };
    // An ACLED file under a source of its own.
    expect(await runImport(Readable.from([csv]), withAttributions(), { source: 'bfa-relabelled' })).toMatchObject({ attribution: ACLED_ATTRIBUTION });
    expect(attributed.pop()).toEqual({ 'bfa-relabelled': [ACLED_ATTRIBUTION] });
    // The signals export of two sources, one attributed; in HXL, which alone owes nothing.
    const exported = [
      'id,source,source_signal_id,occurred_at,country,type,fatalities,attribution',
      '#event+id,#meta+source,#event+id+source,#date+occurred,#country+code,#event+type,#affected+killed,#meta+attribution',
      `a1,bfa-relabelled,E-1,2023-05-01T00:00:00.000Z,MLI,battles,1,"${ACLED_ATTRIBUTION}"`,
      'a2,radio,R-1,2023-05-02T00:00:00.000Z,MLI,battles,1,',
      'a3,radio,R-2,2023-05-03T00:00:00.000Z,MLI,battles,1,just trust me',
    ].join('\n');
    expect(await runImport(Readable.from([exported]), withAttributions())).toMatchObject({ format: 'hxl', recorded: 3, attribution: ACLED_ATTRIBUTION });
    // Text naming no attribution this service knows is not carried on.
    expect(attributed.pop()).toEqual({ 'bfa-relabelled': [ACLED_ATTRIBUTION] });
    expect(await runImport(Readable.from([exported.replace(`"${ACLED_ATTRIBUTION}"`, '')]), withAttributions())).toMatchObject({ attribution: null });
    expect(attributed).toEqual([]);
  });
});
