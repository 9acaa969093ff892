import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStatus, type HttpException } from '@nestjs/common';
import { json } from 'express';
import { byteHex, decodeUtf8Escaped, invalidUtf8Byte, invalidUtf8Offset, withReplacementCharacters, type FieldViolation } from '@crisis-ops/domain-kernel';
import { labelHttpRoute } from '@crisis-ops/observability';
import { routesMatching, type RoutedRequest } from './route-match';
import { invalidRequest } from './validation';

/** What body-parser and raw-body attach to the errors they raise (http-errors). */
interface BodyError {
  readonly type?: string;
  readonly status?: number;
  readonly message: string;
  readonly limit?: number;
  readonly length?: number;
  /** The raw body, for a parse failure. */
  readonly body?: unknown;
}

/**
 * JSON that parses but is no object or array (`null`, `42`, `"text"`): the parser's strict mode
 * refuses it, and its message ("Unexpected token n … is not valid JSON") called valid JSON invalid.
 * It is told it must be an object: no route takes an array body (early-warning's batch is an object
 * with `items`), and the validation pipe refuses one as `must be a JSON object, not an array`, so
 * "object or array" sent a client who mended `null` to `[]` to a second 400.
 */
function bareJsonValue(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return value === null ? 'null' : typeof value;
  } catch {
    return undefined;
  }
}

type Next = (err?: unknown) => void;

const problem = (status: number, code: string, field: string, reason: string) => invalidRequest([{ field, reason }], status, code);

/**
 * A body-parser error as the platform's error body: a stable code and the part of the request at
 * fault. Without it, a body over the limit or an unknown Content-Encoding reached the filter as a
 * bare error and was answered 500, and malformed JSON as a 400 that named nothing.
 */
export function bodyProblem(err: BodyError): HttpException {
  switch (err.type) {
    case 'entity.parse.failed': {
      const bare = bareJsonValue(err.body);
      if (bare) return problem(HttpStatus.BAD_REQUEST, 'REQUEST.INVALID', 'body', `must be a JSON object, not ${bare === 'null' ? 'null' : `a ${bare}`}`);
      return problem(HttpStatus.BAD_REQUEST, 'REQUEST.MALFORMED_JSON', 'body', `is not valid JSON (${err.message})`);
    }
    case 'entity.too.large':
      // A chunked body has no announced length: raw-body stops reading at the limit.
      return problem(HttpStatus.PAYLOAD_TOO_LARGE, 'REQUEST.TOO_LARGE', 'body', err.length === undefined ? `is over the limit of ${err.limit} bytes` : `is ${err.length} bytes; the limit is ${err.limit} bytes`);
    case 'encoding.unsupported':
      return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'REQUEST.UNSUPPORTED_ENCODING', 'content-encoding', 'must be identity, gzip, deflate or br');
    case 'charset.unsupported':
      return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'REQUEST.UNSUPPORTED_CHARSET', 'content-type', `${err.message}; send UTF-8`);
    case 'request.aborted':
    case 'request.size.invalid':
      return problem(HttpStatus.BAD_REQUEST, 'REQUEST.INCOMPLETE_BODY', 'body', `${err.message}: fewer or more bytes arrived than Content-Length announced`);
    default: {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : HttpStatus.BAD_REQUEST;
      return problem(status, 'REQUEST.UNREADABLE_BODY', 'body', err.message);
    }
  }
}

/** What each Content-Encoding the parser inflates is called in an answer. */
const ENCODING_NAME: Record<string, string> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate (zlib)', br: 'Brotli', zstd: 'Zstandard' };

/**
 * A body that does not decompress as its Content-Encoding says (`-H 'content-encoding: gzip' -d '{}'`),
 * as 400 REQUEST.UNREADABLE_BODY naming the encoding. zlib's own words were the answer, `body:
 * incorrect header check` (`Decompression failed` for Brotli), which told a client nothing of what
 * it sent wrong. Undefined for an error that is not zlib's: zlib's carry a numeric errno and a code
 * of its own (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING_2), a socket's a syscall and an E code.
 */
export function undecompressableBody(err: { errno?: unknown; code?: unknown; syscall?: unknown }, contentEncoding: string | undefined): HttpException | undefined {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (typeof err.errno !== 'number' || typeof err.code !== 'string' || err.syscall !== undefined || /^E[A-Z]+$/.test(err.code)) return undefined;
  if (!encoding || encoding === 'identity') return undefined;
  const name = ENCODING_NAME[encoding] ?? encoding;
  // Z_BUF_ERROR: the data stopped before its end (a body cut short); anything else is not such data at all.
  const reason = err.code === 'Z_BUF_ERROR' ? `ends before its ${name} data does` : `is not valid ${name} data`;
  return problem(HttpStatus.BAD_REQUEST, 'REQUEST.UNREADABLE_BODY', 'body', `${reason} (Content-Encoding: ${contentEncoding})`);
}

const SUSPECT = Symbol('json-body.suspect-text');
const NOT_UTF8 = Symbol('json-body.not-utf8');
/** The labels of UTF-8 (the WHATWG Encoding Standard's): `utf8` is as much UTF-8 as `utf-8`. */
const UTF8 = /^(?:utf-?8|unicode-1-1-utf-8|unicode11utf8|unicode20utf8|x-unicode20utf8)$/i;
/** A JSON media type, as the parser reads (application/json, application/*+json), and its charset parameter. */
const JSON_MEDIA_TYPE = /^\s*application\/(?:json|[^;\s]*\+json)\s*(?:;|$)/i;
const CHARSET_PARAMETER = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** A JSON body's charset label: undefined when none is given. */
const charsetOf = (contentType: string | undefined): string | undefined => {
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) return undefined;
  const m = CHARSET_PARAMETER.exec(contentType);
  return m ? (m[1] ?? m[2] ?? '') : undefined;
};

/**
 * The charset a JSON body is labelled with when it is not UTF-8, which the platform alone takes; else
 * undefined (no label is UTF-8, as RFC 8259 has it). The parser decodes any "utf-*": UTF-7 turned
 * `tp+1` into `tp` (a retry recorded a second signal under another id), UTF-16 read UTF-8 as CJK, and
 * neither passed through the check of the bytes, which is UTF-8's, so a Latin-1 byte was stored.
 */
export function foreignCharset(contentType: string | undefined): string | undefined {
  const charset = charsetOf(contentType);
  return charset === undefined || UTF8.test(charset) ? undefined : charset;
}

/**
 * The Content-Type with another label of UTF-8 (`utf8`) written `utf-8`, the only one the parser
 * takes (it refused `utf8` with 415 and "send UTF-8" to a client that had).
 */
const withUtf8Label = (contentType: string): string => contentType.replace(CHARSET_PARAMETER, '; charset=utf-8');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
/** One answer names this many bad fields at most: a body full of them is one mistake, not thousands. */
const MAX_TEXT_PROBLEMS = 20;

/**
 * Whether the raw JSON may decode to text Postgres cannot store. A NUL or a lone UTF-16 surrogate can
 * only arrive escaped (`\u0000`, `\ud800`): raw, the first is invalid JSON and the second invalid
 * UTF-8 (decoded as U+FFFD). Searching the bytes is native and costs next to nothing per request; the
 * parsed body is walked only when an escape is there (escaped surrogate pairs, e.g. emoji, included).
 */
const mayHoldUnstorableText = (raw: Buffer) => raw.includes('\\u0000') || raw.includes('\\ud') || raw.includes('\\uD');

/** Why Postgres would refuse a text: text and jsonb cannot hold NUL, jsonb refuses unpaired surrogates. */
function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which no text field can hold';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate: it is not valid Unicode text';
  return undefined;
}

/** Each string of a parsed body (keys included) `reasonOf` finds fault with, by its path (`items[3].notes`), at most MAX_TEXT_PROBLEMS. */
function textViolations(body: unknown, reasonOf: (text: string) => string | undefined): FieldViolation[] {
  const found: FieldViolation[] = [];
  const check = (text: string, field: string) => {
    const reason = reasonOf(text);
    if (reason) found.push({ field, reason });
  };
  const walk = (value: unknown, field: string) => {
    if (found.length >= MAX_TEXT_PROBLEMS) return;
    if (typeof value === 'string') check(value, field || 'body');
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const path = field ? `${field}.${key}` : key;
        check(key, path);
        walk(v, path);
      }
    }
  };
  walk(body, '');
  return found.slice(0, MAX_TEXT_PROBLEMS);
}

/**
 * Every string (keys included) of a parsed body that Postgres would refuse. Stored, each was a
 * database error answered 500.
 */
export const unstorableText = (body: unknown): FieldViolation[] =>
  // A key's lone surrogate, answered in the field's path, made the error body JSON that strict parsers
  // (serde_json) refuse: the path shows it as U+FFFD, as for a byte that is not UTF-8.
  textViolations(body, unstorableReason).map((v) => ({ ...v, field: v.field.replace(LONE_SURROGATES, '\ufffd') }));

const notUtf8 = (byte: number) => `is not valid UTF-8 (byte ${byteHex(byte)}): send the body as UTF-8`;

/**
 * The fields of a body that is not UTF-8 holding the bytes that are not (a Latin-1 "é" is 0xe9).
 * The parser decoded each to U+FFFD, and "Tillab�ri" was stored as a new admin area beside
 * "Tillabéri". Decoded again with each such byte as a lone surrogate (decodeUtf8Escaped), the body
 * parses when the bytes sit in strings, and the strings holding them are its fields; the body's
 * other faults (NUL, unpaired surrogates) are named with them. Bytes outside any string (or a body
 * that only parses once they are gone) name the body, with where the first is.
 */
export function notUtf8Text(raw: Buffer): FieldViolation[] {
  const text = decodeUtf8Escaped(raw);
  let found: FieldViolation[] = [];
  try {
    const value: unknown = JSON.parse(text);
    found = textViolations(value, (s) => {
      const byte = invalidUtf8Byte(s);
      return byte === undefined ? unstorableReason(s) : notUtf8(byte);
    });
  } catch {
    // not JSON with the bytes in strings: the body is named below
  }
  // A path through a key that held such a byte shows it as U+FFFD: a lone surrogate is no text to answer with.
  if (found.some((v) => v.reason.startsWith('is not valid UTF-8'))) return found.map((v) => ({ ...v, field: withReplacementCharacters(v.field) }));
  const at = invalidUtf8Offset(raw);
  return [{ field: 'body', reason: `is not valid UTF-8 (byte ${byteHex(raw[at] as number)} at offset ${at}): send the body as UTF-8` }];
}

/** Whether a request carries a body, as the parser judges it (a length given, or chunks). */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number.parseInt(req.headers['content-length'] ?? '', 10));

/**
 * The services' body parser: JSON up to `limit`, its errors as `bodyProblem`s, and a body that is not
 * UTF-8 (`notUtf8Text`) or text no database column can hold (`unstorableText`) refused with 400
 * naming each field. A body of another media type is left unread: which type a route takes (JSON, or
 * multipart for an upload) is known only once the request is routed, where `MediaTypeInterceptor`
 * refuses the wrong one with 415.
 */
export function jsonBodyParser(limit: string): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const parse = json({
    limit,
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, raw) => {
      if (mayHoldUnstorableText(raw)) (req as unknown as Record<symbol, boolean>)[SUSPECT] = true;
      // One native check of the bytes: a body reaching the parser is UTF-8 (foreignCharset refused the rest).
      if (!isUtf8(raw)) (req as unknown as Record<symbol, Buffer>)[NOT_UTF8] = raw;
    },
  });
  return (req, res, next) => {
    const refuse = (problem: HttpException) => {
      // Refused before the router matched a route: the request's metrics and span are given the
      // route its URL names (for its method), so a dashboard can tell which route refuses bodies.
      const route = routesMatching(req as RoutedRequest).find((m) => m.takesMethod);
      if (route) labelHttpRoute(route.path);
      next(problem);
    };
    // Refused before a byte is read, as the parser refuses a charset it cannot decode at all.
    const contentType = req.headers['content-type'];
    const charset = hasBody(req) ? foreignCharset(contentType) : undefined;
    if (charset !== undefined) {
      return refuse(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'REQUEST.UNSUPPORTED_CHARSET', 'content-type', `charset "${charset}" is not taken; send UTF-8 (charset=utf-8, or none)`));
    }
    const label = charsetOf(contentType);
    if (contentType && label !== undefined && !/^utf-8$/i.test(label)) req.headers['content-type'] = withUtf8Label(contentType);
    parse(req as never, res as never, (err?: unknown) => {
      // Bytes that are not UTF-8 outside a string made the JSON invalid too: they are the fault to name.
      const raw = (req as unknown as Record<symbol, Buffer | undefined>)[NOT_UTF8];
      if (raw && (!err || (err as BodyError).type === 'entity.parse.failed')) return refuse(invalidRequest(notUtf8Text(raw)));
      if (err) return refuse(undecompressableBody(err as never, req.headers['content-encoding']) ?? bodyProblem(err as BodyError));
      const bad = (req as unknown as Record<symbol, boolean>)[SUSPECT] ? unstorableText((req as { body?: unknown }).body) : [];
      if (bad.length) return refuse(invalidRequest(bad));
      next();
    });
  };
}
