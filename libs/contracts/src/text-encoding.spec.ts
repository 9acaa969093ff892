import { create, equals, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { configureTextEncoding, getTextEncoding } from '@bufbuild/protobuf/wire';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { CE_SIGNAL_RECORDED, decodeEvent, encodeEvent } from './event-types';
import { SignalRecordedSchema } from './generated/earlywarning/v1/events_pb';
import { ASCII_FAST_PATH_MAX_CHARS, installAsciiFastPath } from './text-encoding';

const textEncoder = new TextEncoder();
const x = (n: number) => 'x'.repeat(n);

/** What protobuf-es writes with its default encoding (TextEncoder), for comparison. */
function withDefaultEncoding<T>(fn: () => T): T {
  const installed = getTextEncoding();
  configureTextEncoding({ ...installed, encodeUtf8: (text) => textEncoder.encode(text) });
  try {
    return fn();
  } finally {
    configureTextEncoding(installed);
  }
}

function expectSameBytesAsDefault<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  const fast = toBinary(schema, message);
  expect(fast).toEqual(withDefaultEncoding(() => toBinary(schema, message)));
  return fast;
}

const strings: Record<string, string> = {
  empty: '',
  'short ASCII': 'COD',
  'ASCII control and DEL': '\u0000\t\n\u007f',
  [`ASCII of exactly ${ASCII_FAST_PATH_MAX_CHARS}`]: x(ASCII_FAST_PATH_MAX_CHARS),
  [`ASCII of ${ASCII_FAST_PATH_MAX_CHARS + 1}`]: x(ASCII_FAST_PATH_MAX_CHARS + 1),
  'long ASCII': x(10_000),
  'Latin-1 (é)': 'Ségou, Mopti',
  'first non-ASCII at the last fast position': `${x(ASCII_FAST_PATH_MAX_CHARS - 1)}é`,
  'CJK (中文)': '中文 报告',
  'emoji (surrogate pair)': 'flood 🌊 alert 👩🏽‍⚕️',
  'lone high surrogate': 'a\ud800b',
  'lone low surrogate': '\udc00',
  'long non-ASCII': `${x(500)}ñ${'中'.repeat(500)}`,
};

describe('ASCII fast path of protobuf string encoding', () => {
  it('is installed by importing the contracts, and installing again does not wrap it twice', () => {
    const installed = getTextEncoding().encodeUtf8;
    installAsciiFastPath();
    expect(getTextEncoding().encodeUtf8).toBe(installed);
    expect((getTextEncoding() as object as Record<symbol, unknown>)[Symbol.for('crisis-ops.contracts.ascii-fast-path')]).toBe(true);
  });

  it.each(Object.entries(strings))('encodes %s exactly as TextEncoder does', (_, text) => {
    expect(getTextEncoding().encodeUtf8(text)).toEqual(textEncoder.encode(text));
  });

  it('returns a fresh array each time (the writer keeps the chunks it is given)', () => {
    const encode = getTextEncoding().encodeUtf8;
    const a = encode('BFA');
    const b = encode('BFA');
    expect(a).not.toBe(b);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it.each(Object.entries(strings))('writes a message with %s byte-identical to the default encoder', (_, text) => {
    const at = timestampFromDate(new Date('2025-03-01T06:30:00Z'));
    const message = create(SignalRecordedSchema, {
      signalId: '6f1c1a52-3b8e-4a43-9a71-0c5c2f0f8a01',
      source: text,
      sourceSignalId: text,
      occurredAt: at,
      reportedAt: at,
      country: 'COD',
      admin1: text,
      location: `${text}-${text}`,
      type: 'battles',
      notes: text,
    });
    const bytes = expectSameBytesAsDefault(SignalRecordedSchema, message);
    const decoded = decodeEvent(CE_SIGNAL_RECORDED, encodeEvent(CE_SIGNAL_RECORDED, message));
    expect(decoded).toEqual(fromBinary(SignalRecordedSchema, bytes));
    if (getTextEncoding().checkUtf8(text)) {
      expect(equals(SignalRecordedSchema, decoded, message)).toBe(true);
    } else {
      // Not UTF-8 at all: both encoders write U+FFFD for the lone surrogate.
      expect(decoded.notes).toContain('\ufffd');
    }
  });

  it('leaves decoding and UTF-8 checks as they were', () => {
    const { decodeUtf8, checkUtf8 } = getTextEncoding();
    expect(decodeUtf8(textEncoder.encode('中文 🌊'))).toBe('中文 🌊');
    expect(checkUtf8('\ud800')).toBe(false);
    expect(checkUtf8('é')).toBe(true);
  });
});
