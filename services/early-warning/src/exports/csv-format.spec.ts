import { describe, expect, it } from 'vitest';
import { csvField, csvHead, csvRow, SIGNAL_CSV } from './csv-format';
import { decodeCursor, encodeCursor, parseSignalQuery, signalWhere } from '../signals/list-signals/signal-query';

describe('CSV export', () => {
  it('quotes what needs quoting and keeps formulas inert', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-3.5)).toBe('-3.5');
    expect(csvField('-12')).toBe('-12');
    // Text that only starts like a number is a formula all the same.
    expect(csvField("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField(null)).toBe('');
    expect(csvField(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
  });

  it('adds the HXL hashtag row under the header only when asked', () => {
    expect(csvHead(SIGNAL_CSV, false).split('\r\n')).toHaveLength(2);
    const [header, tags] = csvHead(SIGNAL_CSV, true).split('\r\n');
    expect(header.split(',')).toHaveLength(tags.split(',').length);
    expect(tags).toContain('#country+code');
    expect(csvRow(SIGNAL_CSV, { id: 'x', country: 'MLI', fatalities: 0 })).toMatch(/^x,,,,,MLI,/);
  });
});

describe('signal queries', () => {
  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe(12345n);
    expect(decodeCursor('bm9wZQ')).toBeUndefined();
  });

  it('parses filters into one parameterised WHERE, naming every bad parameter', () => {
    const { query } = parseSignalQuery({ country: 'MLI', type: 'battles', from: '2024-01-01', to: '2024-02-01', source: 'acled', limit: '10' }, false);
    if (!query) throw new Error('query expected');
    const { where, params } = signalWhere(query, 99n);
    expect(where).toBe('WHERE country = $1 AND type = $2 AND source = $3 AND occurred_at >= $4 AND occurred_at < $5 AND seq < $6');
    expect(params).toHaveLength(6);
    expect(parseSignalQuery({ country: 'mali', type: 'war', from: 'soon', limit: '0', cursor: '!' }, false).violations.map((v) => v.field)).toEqual(['limit', 'country', 'type', 'from', 'cursor']);
  });
});
