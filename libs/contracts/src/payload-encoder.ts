import { create, toBinary, ScalarType, type DescField, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { isWrapperDesc } from '@bufbuild/protobuf/wkt';

/*
 * protobuf-es' `toBinary(schema, create(schema, init))` walks each message reflectively and collects
 * bytes one number at a time; on early-warning's intake it was the largest single cost of a request
 * (about a sixth of the event loop in a profile of the intake benchmark). This encoder is built once
 * per schema from the same generated descriptors, so there is still one source for the wire format,
 * and writes straight into a reused buffer. It takes the init object itself, as `create` would read
 * it (null and undefined are unset; a nested init or message is encoded alike), and gives the same
 * bytes; `payload-encoder.spec.ts` compares the two on random messages of every event type.
 *
 * Values outside the fast paths (a 64-bit integer given as a string, a number out of range, a type
 * no contract uses) are written by protobuf-es' own BinaryWriter, so they are encoded, or refused,
 * exactly as before. Schemas with constructs none of our contracts use (maps, oneofs, lists of
 * scalars other than strings, groups, required fields, wrapper fields) are not compiled: they go
 * through create and toBinary.
 */

const LEGACY_REQUIRED = 3;
const IMPLICIT = 2;

const SCRATCH_BYTES = 64 * 1024;
let buf = Buffer.allocUnsafe(SCRATCH_BYTES);
// The same memory as a plain Uint8Array: its slice is a copy of the type toBinary returns.
let view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
let pos = 0;

function ensure(bytes: number): void {
  if (pos + bytes <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + bytes));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
  view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

function writeVarint(value: number): void {
  // Non-negative integers up to 2^53 - 1; the callers see to it.
  while (value > 0x7f) {
    buf[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[pos++] = value;
}

const varintSize = (value: number): number => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);

function writeBytes(value: Uint8Array): void {
  ensure(value.length + 10);
  writeVarint(value.length);
  buf.set(value, pos);
  pos += value.length;
}

function writeString(text: string): void {
  const length = text.length;
  ensure(length * 3 + 10);
  // Mostly short ASCII (ids, ISO codes, labels): one pass checks and copies it.
  if (length < 0x80) {
    const start = pos + 1;
    let i = 0;
    for (; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit > 0x7f) break;
      buf[start + i] = unit;
    }
    if (i === length) {
      buf[pos] = length;
      pos = start + length;
      return;
    }
  }
  // Buffer's UTF-8, like TextEncoder, writes a lone surrogate as U+FFFD.
  const bytes = Buffer.byteLength(text, 'utf8');
  writeVarint(bytes);
  pos += buf.write(text, pos, bytes, 'utf8');
}

/** A value off the fast paths: protobuf-es writes it (or throws, naming what is wrong). */
function writeWithProtobufEs(type: ScalarType, value: unknown, field: DescField): void {
  const w = new BinaryWriter();
  try {
    writeWith(w, type, value);
  } catch (e) {
    // As toBinary words it.
    if (e instanceof Error) throw new Error(`cannot encode field ${field.parent.typeName}.${field.name} to binary: ${e.message}`);
    throw e;
  }
  const bytes = w.finish();
  ensure(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

function writeWith(w: BinaryWriter, type: ScalarType, value: unknown): void {
  switch (type) {
    case ScalarType.STRING: w.string(value as string); break;
    case ScalarType.BOOL: w.bool(value as boolean); break;
    case ScalarType.DOUBLE: w.double(value as number); break;
    case ScalarType.FLOAT: w.float(value as number); break;
    case ScalarType.INT32: w.int32(value as number); break;
    case ScalarType.INT64: w.int64(value as bigint); break;
    case ScalarType.UINT64: w.uint64(value as bigint); break;
    case ScalarType.FIXED64: w.fixed64(value as bigint); break;
    case ScalarType.BYTES: w.bytes(value as Uint8Array); break;
    case ScalarType.FIXED32: w.fixed32(value as number); break;
    case ScalarType.SFIXED32: w.sfixed32(value as number); break;
    case ScalarType.SFIXED64: w.sfixed64(value as bigint); break;
    case ScalarType.SINT64: w.sint64(value as bigint); break;
    case ScalarType.UINT32: w.uint32(value as number); break;
    case ScalarType.SINT32: w.sint32(value as number); break;
  }
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const isUint53 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

function writeScalarValue(type: ScalarType, value: unknown, field: DescField): void {
  ensure(10);
  switch (type) {
    case ScalarType.STRING:
      if (typeof value === 'string') return writeString(value);
      break;
    case ScalarType.BOOL:
      buf[pos++] = value ? 1 : 0;
      return;
    case ScalarType.DOUBLE:
      if (typeof value === 'number') {
        pos = buf.writeDoubleLE(value, pos);
        return;
      }
      break;
    case ScalarType.INT32:
      if (typeof value === 'number' && isUint53(value) && value <= 0x7fffffff) return writeVarint(value);
      break;
    case ScalarType.UINT32:
      if (typeof value === 'number' && isUint53(value) && value <= 0xffffffff) return writeVarint(value);
      break;
    case ScalarType.INT64:
    case ScalarType.UINT64:
      // Timestamps' seconds: a bigint, non-negative for any date since 1970.
      if (typeof value === 'bigint' && value >= 0n && value <= MAX_SAFE_BIGINT) return writeVarint(Number(value));
      break;
    case ScalarType.BYTES:
      if (value instanceof Uint8Array) return writeBytes(value);
      if (Array.isArray(value)) return writeBytes(new Uint8Array(value));
      break;
  }
  writeWithProtobufEs(type, value, field);
}

function wireTypeOf(type: ScalarType): WireType {
  switch (type) {
    case ScalarType.BYTES:
    case ScalarType.STRING:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

/** protobuf-es' isScalarZeroValue, decided once per field rather than on every value. */
function zeroTest(type: ScalarType): (value: unknown) => boolean {
  switch (type) {
    case ScalarType.BOOL:
      return (v) => v === false;
    case ScalarType.STRING:
      return (v) => v === '';
    case ScalarType.BYTES:
      return (v) => v instanceof Uint8Array && !v.byteLength;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return (v) => Object.is(v, 0);
    default:
      // Loose: 0n, 0 and "0" alike.
      return (v) => v == 0;
  }
}

type FieldWriter = (value: unknown) => void;
interface CompiledField {
  readonly name: string;
  readonly implicit: boolean;
  /** For a field of implicit presence: whether the value is its zero value (not written). */
  readonly isZero: (value: unknown) => boolean;
  readonly write: FieldWriter;
}
interface CompiledMessage {
  readonly typeName: string;
  readonly fields: CompiledField[];
}

const compiled = new WeakMap<DescMessage, CompiledMessage | null>();

function tagWriter(number: number, wireType: WireType): () => void {
  const tag = number * 8 + wireType;
  return () => {
    ensure(10);
    writeVarint(tag);
  };
}

/*
 * Something length-delimited (a nested message, a packed list): its length goes before it, so its
 * body is written after a one-byte guess at the length and moved along if the length takes more.
 */
function beginDelimited(): number {
  ensure(1);
  return ++pos;
}

function endDelimited(start: number): void {
  const length = pos - start;
  if (length < 0x80) {
    buf[start - 1] = length;
    return;
  }
  const extra = varintSize(length) - 1;
  ensure(extra);
  buf.copyWithin(start + extra, start, pos);
  pos = start - 1;
  writeVarint(length);
  pos += length;
}

function writeNested(message: CompiledMessage, value: Record<string, unknown>): void {
  const start = beginDelimited();
  writeFields(message, value);
  endDelimited(start);
}

function compileField(field: DescField): CompiledField | null {
  if (field.oneof || field.presence === LEGACY_REQUIRED) return null;
  const implicit = field.presence === IMPLICIT;
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum': {
      const type = field.scalar ?? ScalarType.INT32;
      const tag = tagWriter(field.number, wireTypeOf(type));
      const zero = field.fieldKind === 'enum' ? field.enum.values[0].number : undefined;
      return {
        name: field.localName,
        implicit,
        isZero: field.fieldKind === 'enum' ? (v) => v === zero : zeroTest(type),
        write: (v) => {
          tag();
          writeScalarValue(type, v, field);
        },
      };
    }
    case 'message': {
      if (field.delimitedEncoding || isWrapperDesc(field.message) || field.message.typeName === 'google.protobuf.Struct') return null;
      const nested = compileMessage(field.message);
      if (!nested) return null;
      const tag = tagWriter(field.number, WireType.LengthDelimited);
      return {
        name: field.localName,
        implicit: false,
        isZero: () => false,
        write: (v) => {
          tag();
          writeNested(nested, v as Record<string, unknown>);
        },
      };
    }
    case 'list': {
      // Lists of strings (risk events' attributions) are written unpacked, an item after its tag, as
      // protobuf-es does: strings are never packed. Other lists of scalars (packed, which no contract
      // has) go through protobuf-es rather than through code no spec exercises.
      if (field.listKind === 'scalar' && field.scalar === ScalarType.STRING) {
        const tag = tagWriter(field.number, WireType.LengthDelimited);
        return {
          name: field.localName,
          implicit: true,
          isZero: (v) => !Array.isArray(v) || v.length === 0,
          write: (v) => {
            for (const item of v as unknown[]) {
              tag();
              writeScalarValue(ScalarType.STRING, item, field);
            }
          },
        };
      }
      if (field.listKind !== 'message' || field.delimitedEncoding) return null;
      const nested = compileMessage(field.message);
      if (!nested) return null;
      const tag = tagWriter(field.number, WireType.LengthDelimited);
      return {
        name: field.localName,
        implicit: true,
        isZero: (v) => !Array.isArray(v) || v.length === 0,
        write: (v) => {
          for (const item of v as Array<Record<string, unknown>>) {
            tag();
            writeNested(nested, item);
          }
        },
      };
    }
    default:
      return null;
  }
}

function compileMessage(desc: DescMessage): CompiledMessage | null {
  const known = compiled.get(desc);
  if (known !== undefined) return known;
  // Placeholder first: a message that contains itself refers to its own entry.
  const message: CompiledMessage = { typeName: desc.typeName, fields: [] };
  compiled.set(desc, message);
  for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) {
    const f = compileField(field);
    if (!f) {
      compiled.set(desc, null);
      return null;
    }
    message.fields.push(f);
  }
  return message;
}

function writeFields(message: CompiledMessage, value: Record<string, unknown>): void {
  // create keeps a message of this very type as it is (own fields, unknown fields) and copies
  // anything else field by field, null and undefined left unset.
  const isMessage = value.$typeName === message.typeName;
  for (const field of message.fields) {
    const v = value[field.name];
    if (v == null) continue;
    if (field.implicit ? field.isZero(v) : isMessage && !Object.hasOwn(value, field.name)) continue;
    field.write(v);
  }
  if (isMessage) {
    const unknown = value.$unknown as Array<{ no: number; wireType: WireType; data: Uint8Array }> | undefined;
    if (unknown) {
      for (const { no, wireType, data } of unknown) {
        ensure(data.length + 10);
        writeVarint(no * 8 + wireType);
        buf.set(data, pos);
        pos += data.length;
      }
    }
  }
}

/**
 * The binary encoding of a message given as its init shape (or as a message): the bytes of
 * `toBinary(schema, create(schema, init))`.
 */
export function encodeMessageInit<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  return encodeMessageInits([[schema, init]])[0];
}

/**
 * The encodings of several messages, as encodeMessageInit gives them one by one, as views into one
 * buffer of their own, one after the other. A typed array over 64 bytes has its memory allocated
 * outside V8's heap, which costs more than encoding a small message: one such allocation serves a batch.
 */
export function encodeMessageInits(messages: ReadonlyArray<readonly [DescMessage, unknown]>): Uint8Array[] {
  const ends = new Array<number>(messages.length);
  const fallbacks = new Map<number, Uint8Array>();
  pos = 0;
  try {
    for (let i = 0; i < messages.length; i++) {
      const [schema, init] = messages[i];
      const message = compileMessage(schema);
      if (message) writeFields(message, init as Record<string, unknown>);
      else fallbacks.set(i, toBinary(schema, create(schema, init as MessageInitShape<DescMessage>)));
      ends[i] = pos;
    }
  } catch (e) {
    pos = 0;
    throw e;
  }
  const out = view.slice(0, pos);
  // A batch of large events grew the scratch buffer: it is not kept for the life of the process.
  if (buf.length > 16 * SCRATCH_BYTES) {
    buf = Buffer.allocUnsafe(SCRATCH_BYTES);
    view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  }
  return ends.map((end, i) => fallbacks.get(i) ?? out.subarray(i === 0 ? 0 : ends[i - 1], end));
}
