import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller, Get, Module, Param, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
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
});
