import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, CONTRACTS_ERROR_CODES, decodeEvent, isContractsError, SignalRecordedSchema, type SignalRecorded } from '@crisis-ops/contracts';
import { readSignalForRisk, type SignalForRisk } from './signal-for-risk.reader';

/** What decodeEvent gives, cut down to the fields the reader returns: the answer to match. */
function viaDecodeEvent(bytes: Uint8Array): SignalForRisk {
  const s: SignalRecorded = decodeEvent(CE_SIGNAL_RECORDED, bytes);
  return {
    country: s.country,
    admin1: s.admin1,
    occurredAt: s.occurredAt ? timestampDate(s.occurredAt) : undefined,
    type: s.type,
    subType: s.subType,
    fatalities: s.fatalities,
    severity: s.severity,
    origin: s.origin,
    lastInRequest: s.lastInRequest,
    requestEarliestOccurredAt: s.requestEarliestOccurredAt ? timestampDate(s.requestEarliestOccurredAt) : undefined,
  };
}

/** Deterministic, so a failure replays (mulberry32). */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, pick, int };
}

const TEXTS = ['', 'BFA', 'NER', 'Sahel', 'Tillabéri', 'Hauts-Bassins', 'battles', 'armed_clash', 'api', 'import', 'Ouagadougou 🕊', 'ط', 'x'.repeat(300)];
const INTS = [0, 1, -1, 5, 17, 2_147_483_647, -2_147_483_648, 128, 300];

function randomSignal(rnd: ReturnType<typeof random>): SignalRecorded {
  const timestamp = () =>
    rnd.next() < 0.2 ? undefined : { seconds: BigInt(rnd.int(-2_000_000_000, 4_000_000_000)), nanos: rnd.pick([0, 1, 499_999, 500_000, 999_999_999]) };
  return create(SignalRecordedSchema, {
    signalId: rnd.pick(TEXTS),
    source: rnd.pick(TEXTS),
    sourceSignalId: rnd.next() < 0.5 ? undefined : rnd.pick(TEXTS),
    occurredAt: timestamp(),
    reportedAt: timestamp(),
    country: rnd.pick(TEXTS),
    admin1: rnd.pick(TEXTS),
    admin2: rnd.pick(TEXTS),
    location: rnd.pick(TEXTS),
    coordinates: rnd.next() < 0.5 ? undefined : { latitude: rnd.next() * 180 - 90, longitude: rnd.next() * 360 - 180 },
    type: rnd.pick(TEXTS),
    subType: rnd.pick(TEXTS),
    fatalities: rnd.pick(INTS),
    severity: rnd.pick(INTS),
    notes: rnd.pick(TEXTS),
    origin: rnd.pick(TEXTS),
    lastInRequest: rnd.next() < 0.5,
    requestEarliestOccurredAt: timestamp(),
    // Not read by the engine: stepped over, however many.
    attributions: Array.from({ length: rnd.pick([0, 1, 3]) }, () => rnd.pick(TEXTS)),
  });
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('readSignalForRisk', () => {
  it('gives what decodeEvent gives for 2,000 random signals', () => {
    const rnd = random(20261126);
    for (let i = 0; i < 2_000; i++) {
      const bytes = toBinary(SignalRecordedSchema, randomSignal(rnd));
      expect(readSignalForRisk(bytes), `signal ${i}`).toEqual(viaDecodeEvent(bytes));
    }
  });

  it('merges two messages sent back to back as protobuf does: the last scalar wins, occurred_at merges field by field', () => {
    const rnd = random(7);
    for (let i = 0; i < 500; i++) {
      const bytes = concat(toBinary(SignalRecordedSchema, randomSignal(rnd)), toBinary(SignalRecordedSchema, randomSignal(rnd)));
      expect(readSignalForRisk(bytes), `pair ${i}`).toEqual(viaDecodeEvent(bytes));
    }
  });

  it('steps over fields a newer producer added, of every wire type', () => {
    const signal = toBinary(SignalRecordedSchema, randomSignal(random(3)));
    const unknown = new BinaryWriter()
      .tag(90, WireType.Varint)
      .uint64(2n ** 63n)
      .tag(91, WireType.LengthDelimited)
      .bytes(new Uint8Array(40))
      .tag(92, WireType.Bit32)
      .fixed32(7)
      .tag(93, WireType.Bit64)
      .fixed64(9n)
      .tag(94, WireType.StartGroup)
      .tag(1, WireType.Varint)
      .int32(1)
      .tag(94, WireType.EndGroup)
      .finish();
    for (const bytes of [concat(unknown, signal), concat(signal, unknown)]) expect(readSignalForRisk(bytes)).toEqual(viaDecodeEvent(bytes));
  });

  it('refuses bytes that are not a SignalRecorded with the error decodeEvent gives, wherever they are cut', () => {
    const bytes = toBinary(SignalRecordedSchema, randomSignal(random(11)));
    let refused = 0;
    for (let end = 1; end < bytes.length; end++) {
      const cut = bytes.subarray(0, end);
      let expected: SignalForRisk | undefined;
      try {
        expected = viaDecodeEvent(cut);
      } catch (err) {
        expect(isContractsError(err, CONTRACTS_ERROR_CODES.MALFORMED_EVENT)).toBe(true);
      }
      if (expected) {
        expect(readSignalForRisk(cut), `cut at ${end}`).toEqual(expected);
      } else {
        refused++;
        expect(() => readSignalForRisk(cut), `cut at ${end}`).toThrow(expect.objectContaining({ code: CONTRACTS_ERROR_CODES.MALFORMED_EVENT }));
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
