import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, CONTRACTS_ERROR_CODES, ContractsError, SignalRecordedSchema } from '@crisis-ops/contracts';

/** What the risk engine weighs of a SignalRecorded, and nothing else. */
export interface SignalForRisk {
  readonly country: string;
  readonly admin1: string;
  /** Undefined when the event carries no occurred_at. */
  readonly occurredAt: Date | undefined;
  readonly type: string;
  readonly subType: string;
  readonly fatalities: number;
  readonly severity: number;
  readonly origin: string;
  readonly lastInRequest: boolean;
  /** Undefined when the event carries none (written before the field existed). */
  readonly requestEarliestOccurredAt: Date | undefined;
}

// Field numbers from the generated schema, never typed here: the contract stays in proto/.
const F = SignalRecordedSchema.field;
const COUNTRY = F.country.number;
const ADMIN1 = F.admin1.number;
const OCCURRED_AT = F.occurredAt.number;
const TYPE = F.type.number;
const SUB_TYPE = F.subType.number;
const FATALITIES = F.fatalities.number;
const SEVERITY = F.severity.number;
const ORIGIN = F.origin.number;
const LAST_IN_REQUEST = F.lastInRequest.number;
const REQUEST_EARLIEST = F.requestEarliestOccurredAt.number;
const SECONDS = TimestampSchema.field.seconds.number;
const NANOS = TimestampSchema.field.nanos.number;

/**
 * Reads the fields of a SignalRecorded the risk engine weighs, with protobuf-es' own wire reader, and
 * steps over the others (ids, source, location, notes...) without decoding them.
 *
 * Why not decodeEvent: fromBinary builds the whole message through protobuf-es' reflection (Maps
 * for each message and nested message, every string decoded). During intake that was a fifth of all
 * the memory early-warning's main thread allocated, and the scavenges it caused were the largest
 * single cost left on that thread.
 *
 * The answer is decodeEvent's for any SignalRecorded, with the same protobuf rules (the last of a
 * repeated scalar wins, a repeated occurred_at merges); the spec checks that against fromBinary on
 * random and concatenated messages. Bytes that are not a message throw the same ContractsError.
 * One difference, by design: a field the engine does not read is not checked for valid UTF-8.
 */
export function readSignalForRisk(bytes: Uint8Array): SignalForRisk {
  try {
    return read(new BinaryReader(bytes));
  } catch (cause) {
    throw new ContractsError(CONTRACTS_ERROR_CODES.MALFORMED_EVENT, `cannot decode "${CE_SIGNAL_RECORDED}": ${String(cause)}`, { cause });
  }
}

function read(r: BinaryReader): SignalForRisk {
  let country = '';
  let admin1 = '';
  let type = '';
  let subType = '';
  let origin = '';
  let fatalities = 0;
  let severity = 0;
  let lastInRequest = false;
  let occurred: { seconds: number; nanos: number } | undefined;
  let earliest: { seconds: number; nanos: number } | undefined;
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    switch (no) {
      case COUNTRY:
        country = r.string(true);
        break;
      case ADMIN1:
        admin1 = r.string(true);
        break;
      case TYPE:
        type = r.string(true);
        break;
      case SUB_TYPE:
        subType = r.string(true);
        break;
      case ORIGIN:
        origin = r.string(true);
        break;
      case FATALITIES:
        fatalities = r.int32();
        break;
      case SEVERITY:
        severity = r.int32();
        break;
      case LAST_IN_REQUEST:
        lastInRequest = r.bool();
        break;
      case OCCURRED_AT:
        occurred = readTimestamp(r, occurred ?? { seconds: 0, nanos: 0 });
        break;
      case REQUEST_EARLIEST:
        earliest = readTimestamp(r, earliest ?? { seconds: 0, nanos: 0 });
        break;
      default:
        skip(r, wireType, no);
    }
  }
  return { country, admin1, occurredAt: dateOf(occurred), type, subType, fatalities, severity, origin, lastInRequest, requestEarliestOccurredAt: dateOf(earliest) };
}

/** timestampDate's arithmetic, so the Date is the one decodeEvent would give. */
function dateOf(t: { seconds: number; nanos: number } | undefined): Date | undefined {
  return t ? new Date(t.seconds * 1000 + Math.round(t.nanos / 1_000_000)) : undefined;
}

/** A length-delimited Timestamp, merged into what an earlier occurrence of the field set. */
function readTimestamp(r: BinaryReader, into: { seconds: number; nanos: number }): { seconds: number; nanos: number } {
  const length = r.uint32();
  const end = r.pos + length;
  while (r.pos < end) {
    const [no, wireType] = r.tag();
    if (no === SECONDS) into.seconds = Number(r.int64());
    else if (no === NANOS) into.nanos = r.int32();
    else skip(r, wireType, no);
  }
  if (r.pos !== end) throw new Error('premature end of Timestamp');
  return into;
}

function skip(r: BinaryReader, wireType: WireType, no: number): void {
  if (wireType === WireType.LengthDelimited) {
    // Without r.skip's subarray: nothing is allocated for a field nobody reads.
    const length = r.uint32();
    r.pos += length;
    if (r.pos > r.len) throw new RangeError('premature EOF');
  } else {
    r.skip(wireType, no);
  }
}
