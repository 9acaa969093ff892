import { create, toBinary, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FieldMaskSchema, timestampFromDate, ValueSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES, CE_SIGNAL_RECORDED, EVENT_TYPES, encodeEvent, encodeEventData } from './event-types';
import { RiskAssessedSchema, SignalRecordedSchema } from './generated/earlywarning/v1/events_pb';
import { encodeMessageInit, encodeMessageInits } from './payload-encoder';

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const strings = ['', 'BFA', 'Nord-Kivu', 'Côte d’Ivoire', '北京', 'emoji 🙂', 'lone \ud800 surrogate', 'x'.repeat(127), 'x'.repeat(128), 'é'.repeat(70), 'y'.repeat(2_000)];

function scalarValue(type: ScalarType, r: Random): unknown {
  switch (type) {
    case ScalarType.STRING:
      return r.pick(strings);
    case ScalarType.BOOL:
      return r.next() < 0.5;
    case ScalarType.DOUBLE:
      return r.pick([0, -0, 1.5, -3.25, 71.2, 1e300, -1e-300, Number.MAX_SAFE_INTEGER, NaN, Infinity]);
    case ScalarType.INT32:
      return r.pick([0, 1, 127, 128, 300, 16_384, 2_147_483_647, -1, -2_147_483_648, r.int(100_000)]);
    case ScalarType.INT64:
      return r.pick([0n, 1n, 127n, 128n, 1_782_000_000n, -1n, -62_135_596_800n, 9_007_199_254_740_991n, 9_007_199_254_740_992n, 9_223_372_036_854_775_807n]);
    default:
      throw new Error(`no generator for scalar type ${type}: add one when a contract uses it`);
  }
}

/** A random init of a message: every field unset, null, its zero value or a value, nested alike. */
function randomInit(desc: DescMessage, r: Random, depth = 0): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const field of desc.fields) {
    const roll = r.next();
    if (roll < 0.15) continue;
    if (roll < 0.2) {
      init[field.localName] = r.pick([null, undefined]);
      continue;
    }
    init[field.localName] = fieldValue(field, r, depth);
  }
  return init;
}

function fieldValue(field: DescField, r: Random, depth: number): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarValue(field.scalar, r);
    case 'enum':
      return r.pick(field.enum.values).number;
    case 'message':
      return depth > 3 ? {} : r.next() < 0.5 ? create(field.message, randomInit(field.message, r, depth + 1) as never) : randomInit(field.message, r, depth + 1);
    case 'list':
      if (field.listKind === 'scalar') return Array.from({ length: r.pick([0, 1, 3, 12]) }, () => scalarValue(field.scalar, r));
      if (field.listKind !== 'message') throw new Error(`no generator for a list of ${field.listKind}: add one when a contract uses it`);
      return Array.from({ length: r.pick([0, 1, 3, 12]) }, () => randomInit(field.message, r, depth + 1));
    default:
      throw new Error(`no generator for ${field.fieldKind} fields: add one when a contract uses it`);
  }
}

const protobufEs = (schema: DescMessage, init: unknown) => toBinary(schema, create(schema, init as never));

/** Where two encodings part, or undefined if they are the same bytes (toEqual's diff of a megabyte takes minutes). */
function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  if (Buffer.from(a).equals(Buffer.from(b))) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `lengths ${a.length} and ${b.length}, first difference at byte ${i}: ${a[i]} against ${b[i]}`;
}

describe('encodeMessageInit', () => {
  it.each(ALL_EVENT_TYPES)('gives the bytes of toBinary(create(init)) for random %s payloads', (ceType) => {
    const schema = EVENT_TYPES[ceType].schema as DescMessage;
    for (let seed = 1; seed <= 300; seed++) {
      const init = randomInit(schema, random(seed * 7919 + ceType.length));
      expect(firstDifference(encodeMessageInit(schema, init as never), protobufEs(schema, init)), `seed ${seed}`).toBeUndefined();
    }
  });

  it('writes an optional field set to its zero value, and skips an implicit one', () => {
    const init = { signalId: '', sourceSignalId: '', fatalities: 0 };
    const bytes = encodeMessageInit(SignalRecordedSchema, init);
    expect(bytes).toEqual(protobufEs(SignalRecordedSchema, init));
    expect([...bytes]).toEqual([0x1a, 0x00]); // field 3, length 0
  });

  it('moves a nested message along when its length takes more than one byte', () => {
    const init = { country: 'MLI', drivers: [{ label: 'x'.repeat(300) }, { label: 'é'.repeat(20_000), weight: -0 }] };
    expect(firstDifference(encodeMessageInit(RiskAssessedSchema, init as never), protobufEs(RiskAssessedSchema, init))).toBeUndefined();
  });

  it('writes dates before 1970 (negative seconds) as protobuf-es does', () => {
    const init = { occurredAt: timestampFromDate(new Date('1899-12-31T23:59:59.5Z')), reportedAt: { seconds: -1n, nanos: 5 } };
    expect(encodeMessageInit(SignalRecordedSchema, init)).toEqual(protobufEs(SignalRecordedSchema, init));
  });

  it('keeps the unknown fields of a message, as toBinary does', () => {
    const decoded = { ...create(SignalRecordedSchema, { country: 'BFA' }), $unknown: [{ no: 99, wireType: 2, data: new Uint8Array([2, 104, 105]) }] };
    expect(encodeMessageInit(SignalRecordedSchema, decoded)).toEqual(toBinary(SignalRecordedSchema, decoded));
  });

  it('refuses what toBinary refuses, naming the field', () => {
    const init = { fatalities: 1.5 };
    expect(() => protobufEs(SignalRecordedSchema, init)).toThrow('cannot encode field earlywarning.v1.SignalRecorded.fatalities to binary: invalid int32: 1.5');
    expect(() => encodeMessageInit(SignalRecordedSchema, init)).toThrow('cannot encode field earlywarning.v1.SignalRecorded.fatalities to binary: invalid int32: 1.5');
    // and the next message starts clean
    expect(encodeMessageInit(SignalRecordedSchema, { country: 'BFA' })).toEqual(protobufEs(SignalRecordedSchema, { country: 'BFA' }));
  });

  it('encodes several messages one after the other in one buffer, each as alone', () => {
    const inits = Array.from({ length: 50 }, (_, i) => randomInit(SignalRecordedSchema, random(i + 1)));
    const views = encodeMessageInits(inits.map((init) => [SignalRecordedSchema, init] as const));
    views.forEach((view, i) => {
      expect(firstDifference(view, protobufEs(SignalRecordedSchema, inits[i])), `message ${i}`).toBeUndefined();
      expect(view.buffer).toBe(views[0].buffer);
      if (i > 0) expect(view.byteOffset).toBe(views[i - 1].byteOffset + views[i - 1].byteLength);
    });
  });

  it('writes a list of strings unpacked, empty items too, as protobuf-es does', () => {
    const paths = ['a', '', 'b.c', 'é'.repeat(100)];
    expect(encodeMessageInit(FieldMaskSchema, { paths })).toEqual(protobufEs(FieldMaskSchema, { paths }));
    const init = { country: 'BFA', attributions: ['Data: ACLED, acleddata.com'] };
    expect(encodeMessageInit(RiskAssessedSchema, init)).toEqual(protobufEs(RiskAssessedSchema, init));
    // Compiled, not left to protobuf-es (the live risk path publishes these): a batch shares one buffer.
    const [a, b] = encodeMessageInits([[RiskAssessedSchema, init], [SignalRecordedSchema, { country: 'BFA' }]]);
    expect(a.buffer).toBe(b.buffer);
  });

  it('leaves a schema with constructs it does not compile (a oneof) to protobuf-es', () => {
    const init = { kind: { case: 'stringValue' as const, value: 'x'.repeat(200) } };
    expect(encodeMessageInit(ValueSchema, init)).toEqual(protobufEs(ValueSchema, init));
    const [a, b] = encodeMessageInits([[ValueSchema, init], [SignalRecordedSchema, { country: 'BFA' }]]);
    expect(a).toEqual(protobufEs(ValueSchema, init));
    expect(b).toEqual(protobufEs(SignalRecordedSchema, { country: 'BFA' }));
  });

  it('encodes a batch larger than its scratch buffer, and the next one after it', () => {
    const big = Array.from({ length: 8 }, (_, i) => [SignalRecordedSchema, { signalId: `s-${i}`, notes: 'n'.repeat(200_000) }] as const);
    encodeMessageInits(big).forEach((view, i) => expect(firstDifference(view, protobufEs(SignalRecordedSchema, big[i][1]))).toBeUndefined());
    expect(encodeMessageInit(SignalRecordedSchema, { country: 'BFA' })).toEqual(protobufEs(SignalRecordedSchema, { country: 'BFA' }));
  });

  it('gives each call bytes of its own', () => {
    const a = encodeMessageInit(SignalRecordedSchema, { country: 'BFA' });
    const b = encodeMessageInit(SignalRecordedSchema, { country: 'MLI' });
    expect(Buffer.from(a).toString()).toContain('BFA');
    expect(Buffer.from(b).toString()).toContain('MLI');
  });
});

describe('encodeEventData', () => {
  it('keys by country as the registry does, and encodes as encodeEvent', () => {
    const data = { signalId: 's-1', country: 'NER', fatalities: 3, occurredAt: timestampFromDate(new Date('2024-05-01T10:00:00Z')) };
    const { key, payload } = encodeEventData(CE_SIGNAL_RECORDED, data);
    expect(key).toBe('NER');
    expect(payload).toEqual(encodeEvent(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, data)));
  });

  it('keys an event without a country by the empty key, as its created message would be', () => {
    expect(encodeEventData(CE_SIGNAL_RECORDED, { signalId: 's-2' }).key).toBe('');
  });
});
