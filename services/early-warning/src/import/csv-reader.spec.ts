import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvReader, MAX_RECORD_CHARS, separatorOf, type CsvRecord } from './csv-reader';

/** All records of `text` fed in the given chunks. */
function readAll(chunks: readonly string[]): CsvRecord[] {
  const reader = new CsvReader();
  return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()];
}

/** csv-parse's reading of the same text, with the line each record starts on: the reference. */
function reference(text: string): Array<{ fields: string[]; line: number }> {
  const rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  // csv-parse counts lines up to the end of a record; a record starts after the previous one's line breaks.
  return rows.map((r) => ({ fields: r.record, line: r.info.lines - (r.record.join(',').match(/\n/g)?.length ?? 0) }));
}

const TRICKY = [
  '\uFEFFevent_id,notes,fatalities\r\n',
  'A1,"plain, with a comma",1\r\n',
  'A2,"said ""stop"" twice",0\r\n',
  '\r\n',
  'A3,"two\r\nlines",2\n',
  'A4,,\n',
  'A5,5" tall,3\r',
  'A6,"",4\n',
  'A7,ends without a line break,5',
].join('');

describe('CsvReader', () => {
  it('reads quotes, doubled quotes, line breaks inside quotes, empty fields and a BOM as csv-parse does', () => {
    // csv-parse takes the first line's ending for the whole file; the reader also takes mixed ones.
    for (const eol of ['\r\n', '\n', '\r']) {
      const text = TRICKY.replace('5" tall', '"5 tall"').replace(/\r\n|\n|\r/g, eol);
      // Fields only: csv-parse counts a CRLF inside quotes as two lines (line numbers: next test).
      expect(readAll([text]).map((r) => r.fields), JSON.stringify(eol)).toEqual(reference(text).map((r) => r.fields));
    }
  });

  it('gives the same records however the input is cut into chunks', () => {
    const whole = readAll([TRICKY]);
    for (let cut = 1; cut < TRICKY.length; cut++) expect(readAll([TRICKY.slice(0, cut), TRICKY.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    expect(readAll([...TRICKY])).toEqual(whole);
  });

  it('numbers records by the line they start on, counting line breaks inside quoted fields', () => {
    expect(readAll([TRICKY]).map((r) => [r.fields?.[0], r.line])).toEqual([
      ['event_id', 1], ['A1', 2], ['A2', 3], ['A3', 5], ['A4', 7], ['A5', 8], ['A6', 9], ['A7', 10],
    ]);
  });

  it('takes a quote inside an unquoted field literally', () => {
    expect(readAll(['a,5" tall,b\n'])).toEqual([{ fields: ['a', '5" tall', 'b'], line: 1 }]);
  });

  it('reports a record with text after a closing quote and reads on at the next line', () => {
    expect(readAll(['h1,h2\nChad,"2"x,1\nMali,3\n'])).toEqual([
      { fields: ['h1', 'h2'], line: 1 },
      { line: 2, error: 'unexpected character after a closing quote (column 2)' },
      { fields: ['Mali', '3'], line: 3 },
    ]);
  });

  it('reports a quoted field that is never closed, and reads on at the next line instead of swallowing the rest of the file', () => {
    expect(readAll(['h\n"open\nnext,row\nlast,row\n'])).toEqual([
      { fields: ['h'], line: 1 },
      { line: 2, error: 'a quoted field is never closed' },
      { fields: ['next', 'row'], line: 3 },
      { fields: ['last', 'row'], line: 4 },
    ]);
  });

  it('given a file with CR line endings (Excel for Mac), then a bad record costs only its own line', () => {
    const records = readAll(['a,b\r"x" ,1\rc,d\r', '"never\re,f\r']);
    expect(records).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { line: 2, error: expect.stringMatching(/after a closing quote/) },
      { fields: ['c', 'd'], line: 3 },
      { line: 4, error: 'a quoted field is never closed' },
      { fields: ['e', 'f'], line: 5 },
    ]);
  });

  it('given a stray quote that pairs with one lines further on, then only its own line is given up', () => {
    expect(readAll(['h\nX,"5 tall,3\nY,"notes, with comma",4\nZ,1\n'])).toEqual([
      { fields: ['h'], line: 1 },
      { line: 2, error: expect.stringMatching(/after a closing quote/) },
      { fields: ['Y', 'notes, with comma', '4'], line: 3 },
      { fields: ['Z', '1'], line: 4 },
    ]);
  });

  it('gives the same records and lines however a file with bad records is cut into chunks', () => {
    const text = 'h\r\n"x"y\r\nnext,1\r\n"open\r\nafter,2\r\n"' + 'z'.repeat(100) + '\r\nlast,3\r\n';
    const whole = readAll([text]);
    expect(whole.filter((r) => r.fields).map((r) => [r.fields?.[0], r.line])).toEqual([
      ['h', 1],
      ['next', 3],
      ['after', 5],
      ['last', 7],
    ]);
    for (let cut = 1; cut < text.length; cut++) expect(readAll([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
  });

  it('counts lines of any ending inside quoted fields', () => {
    expect(readAll(['"one\rtwo",x\r\nnext,y\n'])).toEqual([
      { fields: ['one\rtwo', 'x'], line: 1 },
      { fields: ['next', 'y'], line: 3 },
    ]);
  });

  it('refuses a record longer than the limit instead of buffering it without end', () => {
    const reader = new CsvReader();
    const records = [...reader.push('h\n"'), ...reader.push('x'.repeat(MAX_RECORD_CHARS + 10)), ...reader.push('\nnext\n'), ...reader.end()];
    expect(records[0]).toEqual({ fields: ['h'], line: 1 });
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/longer than/) });
    expect(records[2]).toEqual({ fields: ['next'], line: 3 });
  });

  const fixtures = path.join(__dirname, 'fixtures');
  const shared = path.resolve(__dirname, '../../../../../shared/data');
  const files = [
    ...readdirSync(fixtures).map((f) => path.join(fixtures, f)),
    ...['acled-burkina-faso-2019-2022.csv', 'south-africa-monthly-1997.csv'].map((f) => path.join(shared, f)).filter((f) => existsSync(f)),
  ];
  it.each(files.map((f) => [path.basename(f), f]))('reads %s exactly as csv-parse does, in 64 KiB chunks', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) chunks.push(text.slice(i, i + 65_536));
    expect(readAll(chunks)).toEqual(reference(text));
  });
});

describe('a file of another separator', () => {
  it('reads a file separated by semicolons or tabs as the same file separated by commas, in any chunks', () => {
    const semicolons = 'event_id;notes;fatalities\r\nA1;"plain; with a semicolon, and a comma";1\r\nA2;12,5;0\r\n';
    const reader = new CsvReader(';');
    const records = [...[...semicolons].flatMap((c) => reader.push(c)), ...reader.end()];
    expect(records).toEqual([
      { fields: ['event_id', 'notes', 'fatalities'], line: 1 },
      { fields: ['A1', 'plain; with a semicolon, and a comma', '1'], line: 2 },
      { fields: ['A2', '12,5', '0'], line: 3 },
    ]);
    const tabs = new CsvReader('\t');
    expect([...tabs.push('a\tb,c\n1\t2\n'), ...tabs.end()]).toEqual([
      { fields: ['a', 'b,c'], line: 1 },
      { fields: ['1', '2'], line: 2 },
    ]);
  });

  it("tells the separator from the first line: a comma wherever it has one outside quotes, else semicolons, else tabs", () => {
    expect(separatorOf('event_id_cnty,event_date;x\n')).toBe(',');
    expect(separatorOf('\uFEFFevent_id_cnty;event_date;year\r\nA,B,C\n')).toBe(';');
    expect(separatorOf('"id, quoted";event_date\n')).toBe(';');
    expect(separatorOf('id\tevent_date\n')).toBe('\t');
    expect(separatorOf('country\nSouth Africa;1997\n')).toBe(',');
    // A first line that has not ended in the first chunk is read as far as it goes.
    expect(separatorOf('event_id_cnty;event_da')).toBe(';');
    // Excel's hint, written first by tools that make files for Excel, names it.
    expect(separatorOf('sep=;\r\ncountry,year;month\n')).toBe(';');
    expect(separatorOf('\uFEFFSEP=\t\nid\tx\n')).toBe('\t');
    expect(separatorOf('sep=,\nid;x\n')).toBe(',');
  });
});
