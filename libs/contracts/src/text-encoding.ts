import { configureTextEncoding, getTextEncoding } from '@bufbuild/protobuf/wire';

type TextEncoding = ReturnType<typeof getTextEncoding>;

/**
 * Up to here a JS copy loop beats TextEncoder, whose cost is mostly the call into native code (about
 * 300 ns against 20-120 ns on Node 20). 64 bytes is also V8's limit for a typed array on the JS heap:
 * a longer one gets an off-heap backing store and the loop loses. Payload strings are mostly short
 * ASCII (ids, ISO codes, labels), so most take the loop.
 */
export const ASCII_FAST_PATH_MAX_CHARS = 64;

// On globalThis through protobuf-es's own registry, so a second copy of this module (a bundle and a
// test runner both loading it) recognises the installed encoder instead of wrapping it again.
const MARK = Symbol.for('crisis-ops.contracts.ascii-fast-path');
type MarkedEncoding = TextEncoding & { [MARK]?: true };

/**
 * Makes protobuf-es encode short ASCII strings with a JS loop, and everything else with the encoder
 * it had before (TextEncoder by default). The bytes are identical either way: ASCII is its own UTF-8,
 * and any other code unit, lone surrogates included, goes to the previous encoder. Decoding and
 * UTF-8 checks stay as they were. Idempotent.
 */
export function installAsciiFastPath(): void {
  const previous: MarkedEncoding = getTextEncoding();
  if (previous[MARK]) return;
  const fallback = previous.encodeUtf8;
  const encoding: MarkedEncoding = {
    checkUtf8: previous.checkUtf8,
    decodeUtf8: previous.decodeUtf8,
    encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
      const length = text.length;
      if (length > ASCII_FAST_PATH_MAX_CHARS) return fallback(text);
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const unit = text.charCodeAt(i);
        if (unit > 0x7f) return fallback(text);
        bytes[i] = unit;
      }
      return bytes;
    },
    [MARK]: true,
  };
  configureTextEncoding(encoding);
}

installAsciiFastPath();
