import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body, Controller, Get, HttpCode, Param, Post, type INestApplication } from '@nestjs/common';
import { metricsHandler, shutdownTelemetry, startTelemetry } from '@crisis-ops/observability';

@Controller('alerts')
class AlertRoutes {
  @Post(':id/comments')
  @HttpCode(200)
  comment(@Param('id') id: string, @Body() body: unknown) {
    return { id, body };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

/** The http_server_request_duration_count series of answers to this method with this status, by their labels. */
function counts(body: string, status: number, method = 'POST'): string[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('http_server_request_duration_count{') && line.includes(`http_request_method="${method}"`) && line.includes(`http_response_status_code="${status}"`))
    .map((line) => /http_route="([^"]*)"/.exec(line)?.[1] ?? '(no route)');
}

/** A request the body parser refuses, before the router has matched a route, in the HTTP metrics. */
describe('a request refused before routing, in the HTTP metrics', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    // Before Express and the body parser load: the instrumentations patch modules as they are required.
    startTelemetry({ serviceName: 'route-metrics-spec' });
    const { APP_FILTER, NestFactory } = await import('@nestjs/core');
    const { Module } = await import('@nestjs/common');
    const { jsonBodyParser } = await import('./json-body');
    const { ProblemFilter } = await import('./problem.filter');
    @Module({ controllers: [AlertRoutes], providers: [{ provide: APP_FILTER, useClass: ProblemFilter }] })
    class EdgeModule {}
    app = await NestFactory.create(EdgeModule, { bodyParser: false, logger: false });
    app.use(jsonBodyParser('1kb'));
    app.getHttpAdapter().get('/metrics', (req: IncomingMessage, res: ServerResponse) => metricsHandler(req, res));
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await shutdownTelemetry();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.status);

  it('is counted under the route its URL names (malformed, not UTF-8, too large, wrong encoding), where it had no http_route', async () => {
    expect(await post('/alerts/a1/comments', '{"body":')).toBe(400);
    expect(await post('/alerts/a2/comments', Buffer.from('{"body":"Tillab\xe9ri"}', 'latin1') as unknown as string)).toBe(400);
    expect(await post('/alerts/a3/comments', JSON.stringify({ body: 'x'.repeat(2_000) }))).toBe(413);
    expect(await post('/alerts/a4/comments', '{}', { 'content-encoding': 'compress' })).toBe(415);
    // No route takes this URL: nothing to name, and it is counted without one.
    expect(await post('/nowhere', '{"body":')).toBe(400);
    // Read, it is counted under its route as before.
    expect(await post('/alerts/a5/comments', '{"body":"seen"}')).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(counts(metrics, 200)).toEqual(['/alerts/:id/comments']);
    expect(counts(metrics, 400).sort()).toEqual(['(no route)', '/alerts/:id/comments']);
    expect(counts(metrics, 413)).toEqual(['/alerts/:id/comments']);
    expect(counts(metrics, 415)).toEqual(['/alerts/:id/comments']);
  });

  it('counts a path parameter that is not valid percent-encoding under its route, where it had no http_route', async () => {
    expect((await fetch(`${base}/alerts/Z%ZZ`)).status).toBe(400);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(counts(metrics, 400, 'GET')).toEqual(['/alerts/:id']);
  });
});
