import { isUtf8 } from 'node:buffer';

/**
 * Bytes that are not UTF-8 (a Latin-1 "é" is the lone byte 0xe9) decode, by Node's decoders and
 * TextDecoder alike, to U+FFFD: "Tillabéri" became "Tillab�ri", stored as if the client had sent it,
 * and a genuine U+FFFD (EF BF BD) cannot be told from it afterwards. Decoded here, each such byte
 * becomes instead the lone low surrogate U+DC00 + byte (U+DC80–U+DCFF; Python's "surrogateescape"),
 * which valid UTF-8 never decodes to, so the text can be searched for it and the byte named.
 */

/** The length of the valid UTF-8 sequence at `i`, 0 when the byte there starts none, -1 when `end` cuts a valid start short. */
function sequenceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  let need: number;
  // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points over U+10FFFF (F4).
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return -1;
    const d = b[i + k] as number;
    if (d < lo || d > hi) return 0;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/** Where the first byte that is not UTF-8 is, or -1. A JS loop: for input `isUtf8` has refused. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceAt(bytes, i, bytes.length);
    if (n <= 0) return i;
    i += n;
  }
  return -1;
}

/** `bytes` as text, each byte that is not UTF-8 as U+DC00 + byte (see above). Cheap when they are all UTF-8. */
export function decodeUtf8Escaped(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let text = '';
  let run = 0;
  for (let i = 0; i < buf.length; ) {
    const n = sequenceAt(buf, i, buf.length);
    if (n > 0) {
      i += n;
      continue;
    }
    text += buf.toString('utf8', run, i) + String.fromCharCode(0xdc00 + (buf[i] as number));
    run = ++i;
  }
  return text + buf.toString('utf8', run);
}

/** An escaped byte: a low surrogate in U+DC80–U+DCFF that no high surrogate comes before (then it is half of a real character). */
const ESCAPED_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const ESCAPED_BYTES = new RegExp(ESCAPED_BYTE.source, 'g');

/** The first byte of `text` (from decodeUtf8Escaped) that was not UTF-8, or undefined. */
export function invalidUtf8Byte(text: string): number | undefined {
  const at = ESCAPED_BYTE.exec(text);
  return at ? at[0].charCodeAt(0) - 0xdc00 : undefined;
}

/** `text` with each escaped byte as U+FFFD, as other decoders show it: for quoting such text back. */
export const withReplacementCharacters = (text: string): string => text.replace(ESCAPED_BYTES, '\ufffd');

/** 0xe9 as "0xe9". */
export const byteHex = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/**
 * A streaming decodeUtf8Escaped: a character cut between two chunks is completed by the next, as
 * StringDecoder does, and a valid chunk costs one native check and one native decode.
 */
export class Utf8EscapingDecoder {
  private carry: Buffer | undefined;
  /** Whether a byte so far was not UTF-8: until then, no decoded text needs searching for one. */
  sawInvalid = false;

  write(chunk: Buffer): string {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const end = bytes.length - cutShort(bytes);
    if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    return this.decode(end < bytes.length ? bytes.subarray(0, end) : bytes);
  }

  /** What the last chunk left unfinished: a character the input ended in the middle of is not UTF-8. */
  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest ? this.decode(rest) : '';
  }

  private decode(bytes: Buffer): string {
    if (isUtf8(bytes)) return bytes.toString('utf8');
    this.sawInvalid = true;
    return decodeUtf8Escaped(bytes);
  }
}

/** How many bytes at the end of `b` begin a valid character that needs more bytes (0–3). */
function cutShort(b: Buffer): number {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const at = b.length - k;
    const c = b[at] as number;
    if (c >= 0x80 && c <= 0xbf) continue; // a continuation byte: its lead is further back
    return sequenceAt(b, at, b.length) === -1 ? k : 0;
  }
  return 0;
}
