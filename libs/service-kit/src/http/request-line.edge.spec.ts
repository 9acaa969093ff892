import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Controller, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { answerClientErrors } from './client-error';
import { ProblemFilter } from './problem.filter';

@Controller()
class Routes {
  @Get('alerts/:id')
  alert(@Param('id') id: string) {
    return { id };
  }

  @Get('countries/:country/alerts/:alertId')
  countryAlert(@Param('country') country: string, @Param('alertId') alertId: string) {
    return { country, alertId };
  }
}

@Module({ controllers: [Routes], providers: [{ provide: APP_FILTER, useClass: ProblemFilter }] })
class EdgeModule {}

/** What the edge answers of a request's line and headers, before any route runs (as startServiceApp builds it). */
describe('a request refused for its path or its headers, at the HTTP edge', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(EdgeModule, { bodyParser: false, logger: false });
    answerClientErrors(app.getHttpServer());
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app?.close());

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: text ? (JSON.parse(text) as unknown) : text };
  };

  it("answers a path parameter that is not valid percent-encoding with 400 REQUEST.INVALID naming the parameter, where it was HTTP.BAD_REQUEST \"Failed to decode param\" naming nothing", async () => {
    expect(await get('/alerts/%ZZ')).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', message: 'id: is not valid percent-encoding', errors: [{ field: 'id', reason: 'is not valid percent-encoding' }] },
    });
    // A cut-off UTF-8 sequence, in the second parameter of a route.
    expect(await get('/countries/NER/alerts/%E0%A4%A')).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'alertId', reason: 'is not valid percent-encoding' }] } });
    // Well-encoded, the route answers.
    expect(await get('/countries/NER/alerts/a%201')).toEqual({ status: 200, type: expect.stringContaining('application/json'), body: { country: 'NER', alertId: 'a 1' } });
  });

  it('answers request headers over the limit with 431 and the platform\'s error body naming the headers, where Node answered 431 with no body', async () => {
    const refused = await get('/alerts/a1', { authorization: `Bearer ${'x'.repeat(20_000)}` });
    expect(refused).toEqual({
      status: 431,
      type: 'application/json; charset=utf-8',
      body: {
        code: 'REQUEST.HEADERS_TOO_LARGE',
        message: 'headers: are over the 16384 bytes the service reads (all request headers together)',
        errors: [{ field: 'headers', reason: 'are over the 16384 bytes the service reads (all request headers together)' }],
      },
    });
    // Still answered when the client goes on sending far more than the limit.
    expect(await get('/alerts/a1', { authorization: `Bearer ${'x'.repeat(1_000_000)}` })).toMatchObject({ status: 431, body: { code: 'REQUEST.HEADERS_TOO_LARGE' } });
    expect(await get('/alerts/a1')).toMatchObject({ status: 200, body: { id: 'a1' } });
  });

  it("answers what else Node's parser refuses as Node did (400, no body)", async () => {
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /alerts/a1 HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
});
