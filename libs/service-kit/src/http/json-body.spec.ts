import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpException } from '@nestjs/common';
import { jsonBodyParser } from './json-body';

// The parser on a bare HTTP server: what it passed on (the body) or the error body it raised.
let server: Server;
let base: string;

beforeAll(async () => {
  const parse = jsonBodyParser('1kb');
  server = createServer((req, res) =>
    parse(req, res, (err) => {
      res.setHeader('content-type', 'application/json');
      if (err instanceof HttpException) {
        res.statusCode = err.getStatus();
        res.end(JSON.stringify(err.getResponse()));
      } else if (err) {
        res.statusCode = 599;
        res.end(JSON.stringify({ unexpected: String(err) }));
      } else {
        res.end(JSON.stringify({ parsed: (req as { body?: unknown }).body ?? null }));
      }
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const send = async (body: string | Buffer | undefined, headers: Record<string, string>, method = 'POST') => {
  const res = await fetch(base, { method, headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the services’ JSON body parser', () => {
  it('passes a JSON body on, parsed', async () => {
    expect(await send('{"country":"BFA"}', { 'content-type': 'application/json' })).toEqual({ status: 200, body: { parsed: { country: 'BFA' } } });
  });

  it('answers malformed JSON with 400 REQUEST.MALFORMED_JSON naming the body and what is wrong', async () => {
    const res = await send('{"country":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'REQUEST.MALFORMED_JSON', errors: [{ field: 'body', reason: expect.stringMatching(/^is not valid JSON \(.+\)$/) }] });
  });

  it('answers JSON that is no object (null, a number, a string) with 400 saying it must be an object, not that it is invalid JSON nor that an array would do', async () => {
    for (const [body, what] of [['null', 'null'], ['42', 'a number'], ['"BFA"', 'a string']]) {
      const res = await send(body, { 'content-type': 'application/json' });
      expect(res, body).toEqual({ status: 400, body: expect.objectContaining({ code: 'REQUEST.INVALID', errors: [{ field: 'body', reason: `must be a JSON object, not ${what}` }] }) });
    }
  });

  it('answers a body over the limit with 413 REQUEST.TOO_LARGE giving its size and the limit', async () => {
    const body = JSON.stringify({ notes: 'x'.repeat(2_000) });
    const res = await send(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'REQUEST.TOO_LARGE', errors: [{ field: 'body', reason: `is ${body.length} bytes; the limit is 1024 bytes` }] });
  });

  it('stops reading a chunked body at the limit', async () => {
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode(i === 0 ? '["' : 'x'.repeat(100)));
        c.close();
      },
    });
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'REQUEST.TOO_LARGE', errors: [{ field: 'body', reason: 'is over the limit of 1024 bytes' }] });
  });

  it('answers an unknown Content-Encoding with 415 naming the header', async () => {
    const res = await send('{}', { 'content-type': 'application/json', 'content-encoding': 'compress' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'REQUEST.UNSUPPORTED_ENCODING', errors: [{ field: 'content-encoding' }] });
  });

  it('answers a body that is not what its Content-Encoding says with 400 REQUEST.UNREADABLE_BODY naming the encoding, not zlib\'s words', async () => {
    const json = { 'content-type': 'application/json' };
    expect(await send('{}', { ...json, 'content-encoding': 'gzip' })).toEqual({
      status: 400,
      body: { code: 'REQUEST.UNREADABLE_BODY', message: 'body: is not valid gzip data (Content-Encoding: gzip)', errors: [{ field: 'body', reason: 'is not valid gzip data (Content-Encoding: gzip)' }] },
    });
    const gzipped = gzipSync('{"country":"BFA"}');
    expect(await send(gzipped, { ...json, 'content-encoding': 'br' })).toMatchObject({ status: 400, body: { code: 'REQUEST.UNREADABLE_BODY', errors: [{ field: 'body', reason: 'is not valid Brotli data (Content-Encoding: br)' }] } });
    expect(await send('{}', { ...json, 'content-encoding': 'deflate' })).toMatchObject({ status: 400, body: { errors: [{ field: 'body', reason: 'is not valid deflate (zlib) data (Content-Encoding: deflate)' }] } });
    expect(await send(gzipped.subarray(0, 12), { ...json, 'content-encoding': 'gzip' })).toMatchObject({ status: 400, body: { errors: [{ field: 'body', reason: 'ends before its gzip data does (Content-Encoding: gzip)' }] } });
    // Compressed as it says, it is read.
    expect(await send(gzipped, { ...json, 'content-encoding': 'gzip' })).toEqual({ status: 200, body: { parsed: { country: 'BFA' } } });
  });

  it('leaves a body of another media type unread, for the route to refuse or take (MediaTypeInterceptor), and requests without a body alone', async () => {
    expect(await send('--b\r\n\r\n--b--\r\n', { 'content-type': 'multipart/form-data; boundary=b' })).toEqual({ status: 200, body: { parsed: null } });
    expect(await send('country=BFA', { 'content-type': 'text/plain' })).toEqual({ status: 200, body: { parsed: null } });
    expect(await send(undefined, {}, 'GET')).toEqual({ status: 200, body: { parsed: null } });
  });

  it('reads JSON media types with a suffix (application/problem+json) and a charset', async () => {
    expect(await send('[1]', { 'content-type': 'application/merge-patch+json; charset=utf-8' })).toEqual({ status: 200, body: { parsed: [1] } });
    expect(await send('[1]', { 'content-type': 'application/json;charset="UTF-8"' })).toEqual({ status: 200, body: { parsed: [1] } });
    // Every label of UTF-8 is UTF-8 (the parser itself took only utf-8, and told a utf8 client to send UTF-8).
    for (const label of ['utf8', 'UTF8', '"utf8"', 'unicode-1-1-utf-8']) {
      expect(await send('{"notes":"Tillabéri"}', { 'content-type': `application/json; charset=${label}` }), label).toEqual({ status: 200, body: { parsed: { notes: 'Tillabéri' } } });
    }
  });

  it('refuses a JSON body labelled with any charset but UTF-8 with 415 naming it, before reading it: UTF-7 and UTF-16 decoded to other text', async () => {
    // UTF-7 reads "+1" as the start of an encoded run: "tp+1" was taken as "tp", another signal id.
    for (const charset of ['utf-7', 'UTF-16', 'utf-16le', 'utf-32', 'iso-8859-1', '"utf-7"', '']) {
      const res = await send('{"id":"tp+1"}', { 'content-type': `application/json; charset=${charset}` });
      const named = charset.replace(/"/g, '');
      expect(res, charset).toEqual({
        status: 415,
        body: expect.objectContaining({ code: 'REQUEST.UNSUPPORTED_CHARSET', errors: [{ field: 'content-type', reason: `charset "${named}" is not taken; send UTF-8 (charset=utf-8, or none)` }] }),
      });
    }
    // Text of another media type is the route's to take or refuse (415 UNSUPPORTED_MEDIA_TYPE), whatever its charset.
    expect(await send('x', { 'content-type': 'text/plain; charset=utf-16' })).toEqual({ status: 200, body: { parsed: null } });
  });
  it('refuses text no database column can hold, naming each field: a NUL, an unpaired surrogate', async () => {
    const body = String.raw`{"items":[{"notes":"ok"},{"notes":"cut\u0000here","location":"\ud800x"}],"source":"s"}`;
    expect(await send(body, { 'content-type': 'application/json' })).toEqual({
      status: 400,
      body: expect.objectContaining({
        code: 'REQUEST.INVALID',
        errors: [
          { field: 'items[1].notes', reason: 'contains a NUL character (\\u0000), which no text field can hold' },
          { field: 'items[1].location', reason: 'contains an unpaired UTF-16 surrogate: it is not valid Unicode text' },
        ],
      }),
    });
    expect((await send(String.raw`{"a\u0000":1}`, { 'content-type': 'application/json' })).body).toMatchObject({ errors: [{ field: 'a\u0000' }] });
    // A key's lone surrogate is named as U+FFFD: the answer stays text any JSON parser reads.
    const surrogateKey = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: String.raw`{"x\ud800":1}` });
    const raw = await surrogateKey.text();
    expect(raw).not.toMatch(/\\ud800/i);
    expect(JSON.parse(raw)).toMatchObject({ errors: [{ field: 'x\ufffd', reason: 'contains an unpaired UTF-16 surrogate: it is not valid Unicode text' }] });
  });

  it('passes escaped text that is valid: a surrogate pair (an emoji), an escaped backslash before u0000', async () => {
    expect(await send(String.raw`{"notes":"\ud83d\ude00","path":"C:\\u0000"}`, { 'content-type': 'application/json' })).toEqual({
      status: 200,
      body: { parsed: { notes: '😀', path: 'C:\\u0000' } },
    });
  });

  describe('a body that is not UTF-8', () => {
    // How a Latin-1 client sends "Tillabéri": é as the lone byte 0xe9, which the parser took as U+FFFD.
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const json = { 'content-type': 'application/json' };

    it('is refused with 400 naming each field holding such a byte, and the byte', async () => {
      const body = latin1('{"admin1":"Tillab\xe9ri","items":[{"notes":"ok"},{"notes":"ok"},{"notes":"ok"},{"notes":"caf\xe9 \xff"}],"source":"s"}');
      expect(await send(body, json)).toEqual({
        status: 400,
        body: expect.objectContaining({
          code: 'REQUEST.INVALID',
          errors: [
            { field: 'admin1', reason: 'is not valid UTF-8 (byte 0xe9): send the body as UTF-8' },
            { field: 'items[3].notes', reason: 'is not valid UTF-8 (byte 0xe9): send the body as UTF-8' },
          ],
        }),
      });
    });

    it('names a key holding such a byte by its path, the byte shown as U+FFFD, with the body\'s other unstorable text', async () => {
      const body = latin1('{"place":{"r\xe9gion":"Dosso"},"notes":"cut\\u0000here"}');
      expect((await send(body, json)).body).toMatchObject({
        errors: [
          { field: 'place.r\ufffdgion', reason: 'is not valid UTF-8 (byte 0xe9): send the body as UTF-8' },
          { field: 'notes', reason: 'contains a NUL character (\\u0000), which no text field can hold' },
        ],
      });
    });

    it('names the body, and where, when such a byte is outside any string, rather than calling it malformed JSON', async () => {
      const res = await send(Buffer.concat([Buffer.from('{"admin1":"Dosso"'), Buffer.from([0xe9]), Buffer.from('}')]), json);
      expect(res).toEqual({ status: 400, body: expect.objectContaining({ code: 'REQUEST.INVALID', errors: [{ field: 'body', reason: 'is not valid UTF-8 (byte 0xe9 at offset 17): send the body as UTF-8' }] }) });
    });

    it('names at most 20 fields', async () => {
      const body = latin1(JSON.stringify(Array.from({ length: 30 }, () => ({ admin1: 'S\xe9gou' }))));
      const res = await send(body, json);
      expect(res.status).toBe(400);
      expect((res.body['errors'] as unknown[]).length).toBe(20);
    });

    it('passes UTF-8 text as it is: "é" as 0xc3 0xa9, a real U+FFFD, a character of four bytes', async () => {
      const body = Buffer.from('{"admin1":"Tillabéri","notes":"\ufffd 😀"}', 'utf8');
      expect(await send(body, json)).toEqual({ status: 200, body: { parsed: { admin1: 'Tillabéri', notes: '\ufffd 😀' } } });
    });
  });
});
