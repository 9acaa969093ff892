import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ImportFormatError, detectFormat, normalizeHxlTag, openImport, parseDay, parseMonth, type ImportRecord } from './index';
import { cutNotes } from './row-mappers';
import { csvHead, csvRow, SIGNAL_CSV } from '../exports/csv-format';

const fixture = (name: string) => createReadStream(path.join(__dirname, 'fixtures', name));

async function readAll(name: string, format?: Parameters<typeof openImport>[1]) {
  const opened = await openImport(fixture(name), format);
  const records: ImportRecord[] = [];
  for await (const r of opened.records) records.push(r);
  return { format: opened.format, records, ok: records.filter((r) => r.kind !== 'error'), errors: records.filter((r) => r.kind === 'error') };
}

describe('detectFormat', () => {
  it.each([
    [['event_id_cnty', 'event_date', 'year', 'event_type', 'country', 'fatalities'], undefined, 'acled'],
    [['', 'region', 'country', 'year', 'event_date', 'event_type', 'fatalities'], undefined, 'acled'],
    [['Country', 'Admin1', 'Admin2', 'ISO3', 'Admin2 Pcode', 'Admin1 Pcode', 'Month', 'Year', 'Events', 'Fatalities'], undefined, 'acled-monthly'],
    [['country', 'year', 'month', 'events', 'fatalities'], undefined, 'country-monthly'],
    [['id', 'year', 'type_of_violence', 'country', 'date_start', 'best'], undefined, 'ucdp-ged'],
    [['Date', 'Country'], ['#date', '#country'], 'hxl'],
    [['foo', 'bar'], undefined, undefined],
  ])('given header %j and tag row %j it detects %s', (header, second, expected) => {
    expect(detectFormat(header, second)).toBe(expected);
  });

  it('normalises HXL tags regardless of case and attribute order', () => {
    expect(normalizeHxlTag('#Event +Type +Sub')).toBe(normalizeHxlTag('#event+sub+type'));
  });
});

describe('parsers of dates and months', () => {
  it('reads the date spellings datasets use and rejects impossible dates', () => {
    expect(parseDay('2023-03-02')).toBe('2023-03-02');
    expect(parseDay('03 March 2023')).toBe('2023-03-03');
    expect(parseDay('3-Mar-2023')).toBe('2023-03-03');
    expect(parseDay('2023-01-05 00:00:00.000')).toBe('2023-01-05');
    expect(parseDay('2023-02-30')).toBeUndefined();
    expect(parseDay('yesterday')).toBeUndefined();
    expect(parseMonth('January')).toBe(1);
    expect(parseMonth('sep')).toBe(9);
    expect(parseMonth('13')).toBeUndefined();
  });
});

describe('ACLED event exports', () => {
  it('given the full 31-column export, when imported, then valid rows become signals and bad rows errors naming row and column', async () => {
    const { format, ok, errors } = await readAll('acled-full.csv');
    expect(format).toBe('acled');
    expect(ok).toHaveLength(3);
    const [clash, protest, attack] = ok.map((r) => (r.kind === 'signal' ? r.signal : undefined));
    expect(clash).toMatchObject({ id: 'XYZ1001', source: 'acled', country: 'BFA', admin1: 'Sahel', admin2: 'Soum', location: 'Djibo', latitude: 14.1, longitude: -1.63, type: 'battles', subType: 'armed_clash', fatalities: 4 });
    expect(clash?.occurredAt.toISOString()).toBe('2023-03-02T00:00:00.000Z');
    expect(clash?.reportedAt.toISOString()).toBe(new Date(1678000000 * 1000).toISOString());
    expect(protest).toMatchObject({ type: 'protests', subType: 'peaceful_protest' });
    expect(protest?.occurredAt.toISOString().slice(0, 10)).toBe('2023-03-03');
    expect(attack).toMatchObject({ country: 'CIV', type: 'violence_against_civilians', subType: 'attack' });
    expect(errors).toEqual([
      { kind: 'error', row: 5, column: 'fatalities', reason: '"abc" is not a whole number ≥ 0' },
      expect.objectContaining({ row: 6, column: 'event_date' }),
      expect.objectContaining({ row: 7, column: 'sub_event_type' }),
      expect.objectContaining({ row: 8, column: 'country', reason: 'unknown country "Atlantis"' }),
    ]);
  });

  it('given a subset with a leading row-number column, when imported twice, then it yields the same derived ids and keeps identical rows apart', async () => {
    const first = await readAll('acled-subset.csv');
    const second = await readAll('acled-subset.csv');
    expect(first.errors).toEqual([]);
    const ids = first.ok.map((r) => (r.kind === 'signal' ? r.signal.id : null));
    expect(ids).toEqual(second.ok.map((r) => (r.kind === 'signal' ? r.signal.id : null)));
    expect(new Set(ids).size).toBe(3);
    expect(first.ok[1]).toMatchObject({ kind: 'signal', signal: { type: 'battles', subType: 'non_state_actor_overtakes_territory', fatalities: 7, admin1: 'Sahel' } });
  });
});

describe('aggregate layouts', () => {
  it('given ACLED monthly admin aggregates (HDX), then each row is an observation over its month', async () => {
    const { format, ok, errors } = await readAll('acled-monthly.csv');
    expect(format).toBe('acled-monthly');
    expect(ok[0]).toMatchObject({ kind: 'observation', observation: { country: 'BFA', admin1: 'Sahel', admin2: 'Soum', events: 12, fatalities: 30, source: 'acled' } });
    if (ok[0].kind === 'observation') {
      expect(ok[0].observation.periodStart.toISOString()).toBe('2023-01-01T00:00:00.000Z');
      expect(ok[0].observation.periodEnd.toISOString()).toBe('2023-02-01T00:00:00.000Z');
    }
    expect(ok).toHaveLength(2);
    expect(errors).toEqual([expect.objectContaining({ row: 4, column: 'Month' })]);
  });

  it('given country-month counts with dataset spellings, then countries resolve and bad rows are reported', async () => {
    const { format, ok, errors } = await readAll('country-monthly.csv');
    expect(format).toBe('country-monthly');
    expect(ok.map((r) => (r.kind === 'observation' ? r.observation.country : ''))).toEqual(['COD', 'CIV']);
    expect(errors).toEqual([expect.objectContaining({ row: 4, column: 'country' }), expect.objectContaining({ row: 5, column: 'events' })]);
  });
});

describe('UCDP GED and HXL', () => {
  it('given UCDP GED rows, then violence types map to ours and best estimates to fatalities', async () => {
    const { format, ok, errors } = await readAll('ucdp-ged.csv');
    expect(format).toBe('ucdp-ged');
    expect(ok).toEqual([
      expect.objectContaining({ signal: expect.objectContaining({ id: '900001', country: 'COD', type: 'battles', fatalities: 5, admin1: 'North Kivu province', source: 'ucdp-ged' }) }),
      expect.objectContaining({ signal: expect.objectContaining({ type: 'violence_against_civilians', subType: 'attack', fatalities: 9 }) }),
    ]);
    expect(errors).toEqual([expect.objectContaining({ row: 4, column: 'type_of_violence' })]);
  });

  it('given HXL-tagged events, then columns are found by tag and data starts after the tag row', async () => {
    const { format, ok, errors } = await readAll('hxl-events.csv');
    expect(format).toBe('hxl');
    expect(ok).toEqual([
      expect.objectContaining({ row: 3, signal: expect.objectContaining({ id: 'H-1', country: 'MLI', admin1: 'Mopti', type: 'battles', fatalities: 3 }) }),
      expect.objectContaining({ row: 4, signal: expect.objectContaining({ type: 'riots', subType: 'mob_violence', fatalities: 0 }) }),
    ]);
    expect(errors).toEqual([expect.objectContaining({ row: 5, column: 'Fatalities' })]);
  });

  it("given this service's own HXL export of signals, when imported, then each comes back as recorded: its source, its source's id, instants, severity and notes", async () => {
    const recorded = [
      { id: 'a7f0c2de-0000-7000-8000-000000000001', source: 'field-monitor', sourceSignalId: 'fm-17', occurredAt: new Date('2021-06-05T02:30:00.000Z'), reportedAt: new Date('2021-06-06T09:15:00.000Z'), country: 'BFA', admin1: 'Sahel', admin2: 'Seno', location: 'Seytenga', latitude: '14.1', longitude: '0.85', type: 'violence_against_civilians', subType: 'attack', fatalities: 132, severity: 5, notes: 'Night attack; Sources: local radio' },
      // Text a spreadsheet would run as a formula is exported inert, and read back as it was.
      { id: 'a7f0c2de-0000-7000-8000-000000000003', source: '=monitor', sourceSignalId: '-Xy9', occurredAt: new Date('2021-06-06T00:00:00.000Z'), reportedAt: new Date('2021-06-06T00:00:00.000Z'), country: 'MLI', admin1: "'=quoted", admin2: null, location: '@camp', latitude: '-3.5', longitude: '-2', type: 'riots', subType: null, fatalities: 0, severity: 1, notes: '- two killed' },
      // Posted without an id of its own: it comes back under the id it was exported with.
      { id: 'a7f0c2de-0000-7000-8000-000000000002', source: 'acled', sourceSignalId: null, occurredAt: new Date('2021-06-07T00:00:00.000Z'), reportedAt: new Date('2021-06-07T00:00:00.000Z'), country: 'NER', admin1: null, admin2: null, location: null, latitude: null, longitude: null, type: 'protests', subType: null, fatalities: 0, severity: null, notes: null },
    ];
    const text = csvHead(SIGNAL_CSV, true) + recorded.map((r) => csvRow(SIGNAL_CSV, r)).join('');
    const opened = await openImport(Readable.from([text]), { format: 'hxl', source: 'restore' });
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records.filter((r) => r.kind === 'error')).toEqual([]);
    expect(records.map((r) => (r.kind === 'signal' ? r.signal : r))).toEqual([
      { id: 'fm-17', source: 'field-monitor', occurredAt: recorded[0].occurredAt, reportedAt: recorded[0].reportedAt, country: 'BFA', admin1: 'Sahel', admin2: 'Seno', location: 'Seytenga', latitude: 14.1, longitude: 0.85, type: 'violence_against_civilians', subType: 'attack', fatalities: 132, severity: 5, notes: 'Night attack; Sources: local radio' },
      { id: '-Xy9', source: '=monitor', occurredAt: recorded[1].occurredAt, reportedAt: recorded[1].reportedAt, country: 'MLI', admin1: "'=quoted", admin2: null, location: '@camp', latitude: -3.5, longitude: -2, type: 'riots', subType: null, fatalities: 0, severity: 1, notes: '- two killed' },
      { id: recorded[2].id, source: 'acled', occurredAt: recorded[2].occurredAt, reportedAt: recorded[2].reportedAt, country: 'NER', admin1: null, admin2: null, location: null, latitude: null, longitude: null, type: 'protests', subType: null, fatalities: 0, severity: null, notes: null },
    ]);
  });

  it('given recorded signals with a bad severity, report time or instant ahead, then the row is refused naming those columns', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const head = ['Id,Source,Date,Country,Type,Severity,Reported', '#event+id+source,#meta+source,#date+occurred,#country+code,#event+type,#severity,#date+reported'];
    const text = [...head, 'a,m,2021-06-05,BFA,battles,9,yesterday', 'b,m,2026-11-27T13:00:00Z,BFA,battles,2,2026-11-27T12:01:00Z', 'c,m,2026-11-26T10:00:00+01:00,BFA,battles,,2026-11-27', ''].join('\r\n');
    const opened = await openImport(Readable.from([text]), { now });
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records).toEqual([
      { kind: 'error', row: 3, column: 'Reported', reason: '"yesterday" is not a Unix timestamp, an ISO 8601 date-time with its zone or a date' },
      { kind: 'error', row: 3, column: 'Severity', reason: 'must be between 1 and 5' },
      { kind: 'error', row: 4, column: 'Date', reason: '2026-11-27T13:00:00Z lies in the future' },
      // An offset is an instant like any other (09:00 UTC); a report date is that day's start.
      { kind: 'signal', row: 5, signal: expect.objectContaining({ id: 'c', source: 'm', occurredAt: new Date('2026-11-26T09:00:00Z'), reportedAt: new Date('2026-11-27T00:00:00Z') }) },
    ]);
  });

  it("given another HXL file with tags of its own for severity or report dates, then they are not read as this service's", async () => {
    const text = ['Date,Country,Type,Severity,Reported', '#date+occurred,#country+code,#event+type,#severity,#date+reported', '2021-06-05,BFA,battles,High,2021-06-06', ''].join('\r\n');
    const opened = await openImport(Readable.from([text]));
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records).toEqual([{ kind: 'signal', row: 3, signal: expect.objectContaining({ severity: null, occurredAt: new Date('2021-06-05T00:00:00Z'), reportedAt: new Date('2021-06-05T00:00:00Z') }) }]);
  });

  it("reads a tag with further attributes where a pattern is expected, as HXL's rule has it: #date+start is a #date", async () => {
    const signalsOf = async (text: string) => {
      const records: ImportRecord[] = [];
      for await (const r of (await openImport(Readable.from([text]), { now: new Date('2026-11-27T12:00:00Z') })).records) records.push(r);
      return records.map((r) => (r.kind === 'signal' ? r.signal : r));
    };
    // The tester's file: refused for want of a #date, which #date+start is.
    expect(await signalsOf(['date,type,deaths,where', '#date+start,#event+type,#affected+killed,#country+name', '2022-09-23,Strategic developments,0,Uganda', ''].join('\n'))).toEqual([
      expect.objectContaining({ country: 'UGA', occurredAt: new Date('2022-09-23T00:00:00Z'), type: 'strategic_developments' }),
    ]);
    // HDX's attributes (+v_iso3, +i_en) and attributes in any order and case.
    expect(await signalsOf(['a,b,c,d,e', '#Country +Code +v_iso3,#adm1+name+i_en,#DATE +Start,#event+sub+type,#event+type', 'MLI,Mopti,2023-04-01,Armed clash,Battles', ''].join('\n'))).toEqual([
      expect.objectContaining({ country: 'MLI', admin1: 'Mopti', occurredAt: new Date('2023-04-01T00:00:00Z'), type: 'battles', subType: 'armed_clash' }),
    ]);
  });

  it('reads a more specific tag as what it is where the code tells it apart, whatever the column order: the pattern does not take it too', async () => {
    const signalOf = async (tags: string, row: string) => {
      const records: ImportRecord[] = [];
      const header = tags.split(',').map((_, i) => `c${i}`).join(',');
      for await (const r of (await openImport(Readable.from([[header, tags, row, ''].join('\n')]), { now: new Date('2026-11-27T12:00:00Z') })).records) records.push(r);
      expect(records.map((r) => r.kind)).toEqual(['signal']);
      return (records[0] as Extract<ImportRecord, { kind: 'signal' }>).signal;
    };
    // The event's date, not its report's; #date+occurred first of all.
    expect(await signalOf('#date+reported,#date+start,#country+code,#event+type', '2023-05-09,2023-05-01,MLI,Battles')).toMatchObject({ occurredAt: new Date('2023-05-01T00:00:00Z') });
    expect(await signalOf('#date+start,#date+occurred,#country+code,#event+type', '2023-05-01,2023-05-03,MLI,Battles')).toMatchObject({ occurredAt: new Date('2023-05-03T00:00:00Z') });
    // Of the columns a pattern matches, the one with no further attribute.
    expect(await signalOf('#date+end,#date,#country+code,#event+type', '2023-05-09,2023-05-02,MLI,Battles')).toMatchObject({ occurredAt: new Date('2023-05-02T00:00:00Z') });
    // The type, not the sub-type; the name, not the code (of a country, of an admin1).
    expect(await signalOf('#event+type+sub,#event+type,#country+code,#country,#adm1+code,#adm1,#date', 'Armed clash,Battles,MLI,Mali,ML05,Mopti,2023-05-01')).toMatchObject({
      type: 'battles',
      subType: 'armed_clash',
      country: 'MLI',
      admin1: 'Mopti',
    });
    // An admin1's pcode alone is no name of it.
    expect(await signalOf('#adm1+code,#country+code,#event+type,#date', 'ML05,MLI,Battles,2023-05-01')).toMatchObject({ admin1: null });
    // The deaths of all, not of the women (a sex or age part of the count is never the count).
    expect(await signalOf('#affected+killed+f,#affected+killed+total,#country+code,#event+type,#date', '2,7,MLI,Battles,2023-05-01')).toMatchObject({ fatalities: 7 });
  });

  it('given HXL-tagged monthly counts, then rows are observations', async () => {
    const { ok } = await readAll('hxl-monthly.csv');
    expect(ok).toEqual([expect.objectContaining({ observation: expect.objectContaining({ country: 'NER', admin1: 'Tillaberi', events: 14, fatalities: 22 }) })]);
  });
});

describe('whole-file failures', () => {
  it('says a UTF-16 file (Excel\'s "Unicode Text") is one, and how to save it, rather than quoting its header', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('event_id_cnty,event_date,event_type,country\r\nX-1,2023-05-01,Battles,Mali\r\n', 'utf16le')]);
    await expect(openImport(Readable.from([utf16]))).rejects.toThrow(new ImportFormatError('the header holds NUL characters: the file looks UTF-16 encoded (Excel\'s "Unicode Text"); save it as "CSV UTF-8" and import that'));
  });

  it('rejects an unrecognised header with the formats to choose from', async () => {
    await expect(openImport(fixture('unknown.csv'))).rejects.toThrow(ImportFormatError);
  });

  it('rejects a format given explicitly when the header lacks its columns, naming the columns as the file must write them, and the layout the header has', async () => {
    // The fields' names in this code ("date, eventType") told the user nothing to look for in their file.
    await expect(openImport(fixture('country-monthly.csv'), { format: 'acled' })).rejects.toThrow(
      new ImportFormatError('acled: the header lacks required column(s) event_date, event_type (names in any case); the header looks like country-monthly: give that format, or auto to detect it'),
    );
    await expect(openImport(fixture('acled-full.csv'), { format: 'ucdp-ged' })).rejects.toThrow(
      new ImportFormatError('ucdp-ged: the header lacks required column(s) date_start, type_of_violence, best (names in any case); the header looks like acled: give that format, or auto to detect it'),
    );
    await expect(openImport(Readable.from(['Country,Month,Events,Deaths\nMali,3,4,5\n']), { format: 'country-monthly' })).rejects.toThrow(
      new ImportFormatError('country-monthly: the header lacks required column(s) year, fatalities (names in any case)'),
    );
    await expect(openImport(Readable.from(['Year,Month,Events,Fatalities\n2023,3,4,5\n']), { format: 'country-monthly' })).rejects.toThrow(
      new ImportFormatError('country-monthly: the header lacks required column(s) iso3 or iso or country (names in any case)'),
    );
  });

  it('names the HXL tags a tagged file lacks, with their alternatives', async () => {
    await expect(openImport(Readable.from(['Type,Where\n#event+type,#adm1+name\nBattles,Mopti\n']))).rejects.toThrow(
      new ImportFormatError('hxl: the tag row lacks required tag(s) #date+occurred or #date, #country+code or #country+iso3 or #country+name or #country (further attributes allowed: #date+start is a #date)'),
    );
    await expect(openImport(Readable.from(['Country,Month,Events,Deaths\n#country+name,#date+month,#event+num,#affected+killed\nMali,3,4,5\n']))).rejects.toThrow(
      new ImportFormatError('hxl: the tag row lacks required tag(s) #date+year (further attributes allowed: #date+start is a #date)'),
    );
  });

  it("refuses a plain country-month file given as acled-monthly, naming the columns of ACLED's layout it lacks, so its counts are not recorded a second time under another source", async () => {
    await expect(openImport(fixture('country-monthly.csv'), { format: 'acled-monthly' })).rejects.toThrow(
      new ImportFormatError("acled-monthly: the header lacks required column(s) for ISO3 or Admin1 or Admin2 or Admin1 Pcode (HDX's ACLED monthly layout); a file of country, year, month, events and fatalities alone is country-monthly"),
    );
    // Auto-detection reads it as country-monthly, so the two can no longer both take the file.
    expect((await openImport(fixture('country-monthly.csv'))).format).toBe('country-monthly');
  });

  it("refuses HDX's ACLED monthly file given as country-monthly, naming the columns of ACLED's layout it has, so its counts are not recorded again as country-monthly's", async () => {
    await expect(openImport(fixture('acled-monthly.csv'), { format: 'country-monthly' })).rejects.toThrow(
      new ImportFormatError("country-monthly: the header has Admin1, Admin2, ISO3, Admin1 Pcode, column(s) of HDX's ACLED monthly layout that a country-month file lacks: the file is acled-monthly; give the format as acled-monthly, or auto to detect it"),
    );
    // A national file of ISO3 only is ACLED's too, as detection reads it.
    const national = 'Country,ISO3,Month,Year,Events,Fatalities\nBurkina Faso,BFA,1,2023,12,30';
    await expect(openImport(Readable.from([Buffer.from(national)]), { format: 'country-monthly' })).rejects.toThrow(/^country-monthly: the header has ISO3, column\(s\) of HDX's ACLED monthly layout/);
    expect((await openImport(fixture('acled-monthly.csv'))).format).toBe('acled-monthly');
    // A plain country-month file given as such still imports.
    const plain = await readAll('country-monthly.csv', { format: 'country-monthly' });
    expect(plain).toMatchObject({ format: 'country-monthly', ok: [expect.anything(), expect.anything()] });
  });

  it.each([
    ['the HDX admin2 layout', 'Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities\nBurkina Faso,Sahel,Soum,BFA,BF5601,BF56,1,2023,12,30'],
    ['a national layout with ISO3 only', 'Country,ISO3,Month,Year,Events,Fatalities\nBurkina Faso,BFA,1,2023,12,30'],
    ['an admin1 layout without ISO3', 'Country,Admin1,Month,Year,Events,Fatalities\nBurkina Faso,Sahel,1,2023,12,30'],
  ])('still imports %s given as acled-monthly, as detection reads it', async (_what, csv) => {
    const opened = await openImport(Readable.from([Buffer.from(csv)]), { format: 'acled-monthly' });
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records).toEqual([expect.objectContaining({ kind: 'observation', observation: expect.objectContaining({ country: 'BFA', events: 12, fatalities: 30, source: 'acled' }) })]);
    expect(detectFormat(csv.split('\n')[0].split(','))).toBe('acled-monthly');
  });

  it('rejects an empty input', async () => {
    await expect(openImport(Readable.from([]))).rejects.toThrow(/empty/);
  });

  it('says the header cannot be read, and why, rather than that the file is empty or that a data row is an unknown header', async () => {
    // As a file arrives: in chunks, the first line's end nowhere in sight.
    const chunks = [...Array.from({ length: 20 }, () => 'x'.repeat(65_536)), '\ncountry,year,month,events,fatalities\nChad,2020,1,1,1\n'];
    await expect(openImport(Readable.from(chunks))).rejects.toThrow(/^the header \(line 1\) cannot be read: a record longer than/);
    const unclosed = 'country,"year,month,events,fatalities\nChad,2020,1,1,1\n';
    await expect(openImport(Readable.from([unclosed]))).rejects.toThrow(/^the header \(line 1\) cannot be read: .*quote/);
  });

  it('reports rows the CSV parser cannot read and goes on with the file', async () => {
    const text = 'country,year,month,events,fatalities\nChad,2020,1,1,1\nChad,2020,"2"x,1,1\n';
    const opened = await openImport(Readable.from([text]));
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records).toHaveLength(2);
    expect(records[0].kind).toBe('observation');
    expect(records[1]).toMatchObject({ row: 3, column: null, reason: expect.stringMatching(/unreadable CSV row: unexpected character after a closing quote/) });
  });

  it('streams: reads a large generated input chunk by chunk', async () => {
    function* lines() {
      yield 'country,year,month,events,fatalities\n';
      for (let i = 0; i < 20_000; i++) yield `Chad,${2000 + (i % 20)},${(i % 12) + 1},${i % 7},${i % 3}\n`;
    }
    const opened = await openImport(Readable.from(lines()));
    let n = 0;
    for await (const r of opened.records) if (r.kind === 'observation') n++;
    expect(n).toBe(20_000);
  });
});

describe('text no column can hold', () => {
  it('refuses a row with a NUL, naming its column, and reads the rows around it', async () => {
    const csv = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities',
      'N-1,2023-05-01,Protests,Peaceful protest,Mali,466,Kayes,0',
      'N-2,2023-05-02,Protests,Peaceful protest,Mali,466,Ka\u0000yes,0',
      'N-3,2023-05-03,Protests,Peaceful protest,Mali,466,Mopti,0',
    ].join('\n');
    const opened = await openImport(Readable.from([Buffer.from(csv)]));
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records.filter((r) => r.kind === 'signal').map((r) => r.kind === 'signal' && r.signal.id)).toEqual(['N-1', 'N-3']);
    expect(records.filter((r) => r.kind === 'error')).toEqual([{ kind: 'error', row: 3, column: 'admin1', reason: 'contains a NUL character, which no text field can hold' }]);
  });
});

describe('text that is not UTF-8', () => {
  const HEADER = 'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities\n';
  const row = (id: string, admin1: string) => `${id},2023-05-01,Protests,Peaceful protest,Mali,466,${admin1},0\n`;
  const readChunks = async (chunks: Buffer[]) => {
    const records: ImportRecord[] = [];
    for await (const r of (await openImport(Readable.from(chunks))).records) records.push(r);
    return { signals: records.flatMap((r) => (r.kind === 'signal' ? [r.signal] : [])), errors: records.filter((r) => r.kind === 'error') };
  };

  it('refuses a row holding a Latin-1 byte (S\\xe9gou), naming its column and the byte, and imports the rest of the file', async () => {
    const latin1 = Buffer.concat([Buffer.from(HEADER + row('L-1', 'Kayes')), Buffer.from(row('L-2', 'S\xe9gou'), 'latin1'), Buffer.from(row('L-3', 'Mopti'))]);
    const { signals, errors } = await readChunks([latin1]);
    expect(signals.map((s) => s.id)).toEqual(['L-1', 'L-3']);
    expect(errors).toEqual([{ kind: 'error', row: 3, column: 'admin1', reason: 'is not valid UTF-8 text (byte 0xe9): save the file as "CSV UTF-8"' }]);
  });

  it('takes an "é" whose two bytes (0xc3 0xa9) arrive in two chunks, and a byte cut off by the end of the file is refused', async () => {
    const file = Buffer.from(HEADER + row('S-1', 'Ségou') + row('S-2', 'Kayes'));
    const at = file.indexOf(0xc3) + 1;
    const { signals, errors } = await readChunks([file.subarray(0, at), file.subarray(at)]);
    expect(errors).toEqual([]);
    expect(signals.map((s) => s.admin1)).toEqual(['Ségou', 'Kayes']);

    const cut = Buffer.concat([Buffer.from(HEADER + row('S-3', 'Kayes') + row('S-4', 'Kayes').trim()), Buffer.from([0xc3])]);
    const ended = await readChunks([cut]);
    expect(ended.signals.map((s) => s.id)).toEqual(['S-3']);
    expect(ended.errors).toEqual([{ kind: 'error', row: 3, column: 'fatalities', reason: 'is not valid UTF-8 text (byte 0xc3): save the file as "CSV UTF-8"' }]);
  });

  it('takes a real U+FFFD (EF BF BD) in a valid file, and in a file that also holds a Latin-1 byte elsewhere', async () => {
    const valid = await readChunks([Buffer.from(HEADER + row('R-1', 'Tillab\ufffdri'))]);
    expect(valid).toEqual({ signals: [expect.objectContaining({ id: 'R-1', admin1: 'Tillab\ufffdri' })], errors: [] });
    const mixed = await readChunks([Buffer.from(HEADER + row('R-2', 'Tillab\ufffdri')), Buffer.from(row('R-3', 'S\xe9gou'), 'latin1')]);
    expect(mixed.signals.map((s) => [s.id, s.admin1])).toEqual([['R-2', 'Tillab\ufffdri']]);
    expect(mixed.errors).toEqual([expect.objectContaining({ row: 3, column: 'admin1' })]);
  });

  it('refuses a file whose header is not UTF-8 as a whole, saying how to save it', async () => {
    const header = Buffer.from(HEADER.replace('admin1', 'r\xe9gion'), 'latin1');
    await expect(openImport(Readable.from([header, Buffer.from(row('H-1', 'Kayes'))]))).rejects.toThrow(
      new ImportFormatError('the header is not valid UTF-8 text (byte 0xe9 in column 7, "r\ufffdgion"): save the file as "CSV UTF-8" and import that'),
    );
  });
});

describe('rows that do not fit', () => {
  const read = async (csv: string, now = new Date('2026-01-10T12:00:00Z')) => {
    const opened = await openImport(Readable.from([Buffer.from(csv)]), { now });
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    return { ok: records.filter((r) => r.kind !== 'error').length, errors: records.filter((r) => r.kind === 'error') };
  };

  it('refuses an event dated ahead (a typo year), which would have held its country\'s risk there for years', async () => {
    const csv = ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities', 'F-1,2025-12-01,Battles,Armed clash,Mali,466,Mopti,1', 'F-2,2052-12-01,Battles,Armed clash,Mali,466,Mopti,1'].join('\n');
    expect(await read(csv)).toEqual({ ok: 1, errors: [{ kind: 'error', row: 3, column: 'event_date', reason: expect.stringMatching(/^2052-12-01 lies in the future/) }] });
  });

  it('refuses a row dated tomorrow in UTC, a day that has not begun in UTC though it has in the Pacific, and its report dates alike', async () => {
    const afternoon = new Date('2026-11-27T15:28:00Z');
    const csv = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,timestamp',
      'T-1,2026-11-27,Battles,Armed clash,Guinea,324,Conakry,1,',
      'T-2,2026-11-28,Protests,Peaceful protest,Guinea,324,Conakry,0,',
      'T-3,2026-11-27,Protests,Peaceful protest,Guinea,324,Conakry,0,2026-11-28',
    ].join('\n');
    const { ok, errors } = await read(csv, afternoon);
    expect(ok).toBe(1);
    expect(errors).toEqual([
      { kind: 'error', row: 3, column: 'event_date', reason: expect.stringMatching(/^2026-11-28 lies in the future: a date without a time names a UTC day.*send a date-time with its offset/) },
      { kind: 'error', row: 4, column: 'timestamp', reason: expect.stringMatching(/^2026-11-28 lies in the future: a date without a time names a UTC day/) },
    ]);
    // Once the UTC day has begun, the row is taken.
    expect((await read(csv, new Date('2026-11-28T00:00:00Z'))).errors).toEqual([]);
  });

  it('refuses a country-month ahead, and takes the current month', async () => {
    const csv = ['country,year,month,events,fatalities', 'South Africa,2026,1,3,0', 'South Africa,2062,1,3,0'].join('\n');
    expect(await read(csv)).toEqual({ ok: 1, errors: [{ kind: 'error', row: 3, column: 'month', reason: '2062-01 lies in the future' }] });
  });

  it('names every bad column of an event row at once: a bad date and type do not hide a bad latitude', async () => {
    const csv = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,latitude,longitude,fatalities',
      'M-1,2025-13-40,Picnic,,Mali,466,Mopti,123.4,-4.2,x',
      'M-2,2025-12-01,Battles,Armed clash,Atlantis,,Mopti,14.5,,1',
    ].join('\n');
    const { errors } = await read(csv);
    expect(errors.map((e) => e.kind === 'error' && [e.row, e.column])).toEqual([
      [2, 'event_date'],
      [2, 'event_type'],
      [2, 'fatalities'],
      [2, 'latitude'],
      [3, 'country'],
      [3, 'longitude'],
    ]);
    // The domain does not repeat in its words what the mapper said (no "type: must be one of", no "country is required").
    expect(errors.filter((e) => e.kind === 'error' && e.row === 2 && e.column === 'event_type')).toHaveLength(1);
  });

  it('names every bad column of a country-month row at once', async () => {
    const csv = ['country,year,month,events,fatalities', 'Atlantis,1850,13,-1,' + 'x'].join('\n');
    const { errors } = await read(csv);
    expect(errors.map((e) => e.kind === 'error' && [e.column, e.reason])).toEqual([
      ['country', 'unknown country "Atlantis"'],
      ['month', '"13" is not a month (1-12 or a month name)'],
      ['events', '"-1" is not a whole number ≥ 0'],
      ['fatalities', '"x" is not a whole number ≥ 0'],
      ['year', 'must be a year between 1900 and 2200'],
    ]);
  });

  it('refuses a row whose country code and name name two countries, naming the name; a code the list lacks leaves the name to say', async () => {
    const csv = ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities', 'C-1,2023-05-01,Battles,Armed clash,Benin,768,Alibori,1', 'C-2,2023-05-01,Battles,Armed clash,Benin,999,Alibori,1', 'C-3,2023-05-01,Battles,Armed clash,Togo,768,Kara,1', 'C-4,2023-05-01,Battles,Armed clash,Virgin Islands,850,,1'].join('\n');
    const opened = await openImport(Readable.from([csv]));
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    expect(records).toEqual([
      { kind: 'error', row: 2, column: 'country', reason: '"Benin" is not the country of code 768 (Togo)' },
      expect.objectContaining({ kind: 'signal', row: 3, signal: expect.objectContaining({ country: 'BEN' }) }),
      expect.objectContaining({ kind: 'signal', row: 4, signal: expect.objectContaining({ country: 'TGO' }) }),
      // A loose name (the British Virgin Islands' too): the code of the US Virgin Islands says which.
      expect.objectContaining({ kind: 'signal', row: 5, signal: expect.objectContaining({ country: 'VIR' }) }),
    ]);
  });

  it('reads a file separated by semicolons (what Excel saves as "CSV" in French), its coordinates with a decimal comma', async () => {
    const csv = [
      'event_id_cnty;event_date;year;event_type;sub_event_type;country;iso;admin1;location;latitude;longitude;fatalities;notes',
      'SEN1;2026-01-05;2026;Riots;Violent demonstration;Senegal;686;Dakar;Dakar;14,6937;-17,4441;1;"Jets de pierres; pneus brûlés"',
      'SEN2;2026-01-06;2026;Protests;Peaceful protest;Senegal;686;Thiès;Thiès;;;0;',
      'SEN3;2026-01-06;2026;Protests;Peaceful protest;Senegal;686;Thiès;Thiès;;;0;extra;cells',
    ].join('\r\n');
    const opened = await openImport(Readable.from([Buffer.from(csv)]), { now: new Date('2026-01-10T12:00:00Z') });
    expect(opened.format).toBe('acled');
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    const [first, second, third] = records;
    expect(first).toMatchObject({ kind: 'signal', signal: { country: 'SEN', admin1: 'Dakar', latitude: 14.6937, longitude: -17.4441, fatalities: 1, notes: 'Jets de pierres; pneus brûlés' } });
    expect(second).toMatchObject({ kind: 'signal', signal: { admin1: 'Thiès', latitude: null } });
    expect(third).toMatchObject({ kind: 'error', row: 4, reason: expect.stringContaining('an unquoted semicolon') });
  });

  it('reads a tab-separated file with decimal-comma coordinates, and a file whose first line is Excel\'s separator hint', async () => {
    const now = new Date('2026-01-10T12:00:00Z');
    const records = async (csv: string) => {
      const opened = await openImport(Readable.from([Buffer.from(csv)]), { now });
      const out: ImportRecord[] = [];
      for await (const r of opened.records) out.push(r);
      return out;
    };
    const tabs = ['event_id_cnty\tevent_date\tiso\tcountry\tadmin1\tlatitude\tlongitude\tevent_type\tsub_event_type\tfatalities', 'T1\t2025-03-05\t854\tBurkina Faso\tSahel\t14,1025\t-1,6306\tBattles\tArmed clash\t2'].join('\r\n');
    expect(await records(tabs)).toMatchObject([{ kind: 'signal', signal: { country: 'BFA', latitude: 14.1025, longitude: -1.6306 } }]);
    // The hint is no header: the line after it is, and row numbers stay the file's lines.
    const hinted = ['sep=;', 'country;year;month;events;fatalities', 'Mali;2024;2;1;0', 'Mali;2024;3;x;0'].join('\r\n');
    const got = await records(hinted);
    expect(got[0]).toMatchObject({ kind: 'observation', row: 3 });
    expect(got[1]).toMatchObject({ kind: 'error', row: 4 });
  });

  it('refuses a row cut short or shifted by an unquoted comma, and takes trailing empty cells', async () => {
    const csv = ['country,year,month,events,fatalities', 'South Africa,1997,2,3', 'South Africa,1997,3,3,1,x', 'South Africa,1997,4,3,1,,'].join('\n');
    const { ok, errors } = await read(csv);
    expect(ok).toBe(1);
    expect(errors.map((e) => e.kind === 'error' && [e.row, e.reason.slice(0, 30)])).toEqual([
      [2, 'has 4 cells, the header 5: a r'],
      [3, 'has 6 cells, the header 5: an '],
    ]);
  });
});

describe('long notes in an import', () => {
  it("cuts a row's notes to the limit at a whole character, saying so, where cutting through an emoji failed the whole file in the database", async () => {
    const long = `${'a'.repeat(3999)}😀😀 and more`;
    const csv = ['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,notes', `L-1,2023-05-01,Battles,Armed clash,Mali,466,Mopti,0,"${long}"`].join('\n');
    const opened = await openImport(Readable.from([csv]));
    const records: ImportRecord[] = [];
    for await (const r of opened.records) records.push(r);
    const [record] = records;
    expect(record.kind).toBe('signal');
    const notes = record.kind === 'signal' ? (record.signal.notes ?? '') : '';
    expect(notes.length).toBeLessThanOrEqual(4000);
    expect(notes).toBe(`${'a'.repeat(3999)}…`);
    // Cut through the second emoji's pair, one of whose halves no UTF-8 text can hold.
    expect(cutNotes(`${'a'.repeat(3998)}😀 more`)).toBe(`${'a'.repeat(3998)}…`);
    expect(notes).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
