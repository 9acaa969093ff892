import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, UnauthorizedException, UseGuards, type CanActivate, type INestApplication } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Options } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from './logger';
import { shutdownTelemetry, startTelemetry } from './telemetry';
import { until } from './spec-support';
import { redactQuery, redactQueryString, redactUrl } from './url-redaction';

describe('credential query parameters', () => {
  it('are redacted from a URL, whatever else it holds, and nothing else is touched', () => {
    expect(redactUrl('/risk?access_token=eyJhbGci.x.y')).toBe('/risk?access_token=REDACTED');
    expect(redactUrl('http://h:1/replay?from=2026-01-01T00%3A00Z&ACCESS_TOKEN=s&access_token=t&speed=2#top')).toBe(
      'http://h:1/replay?from=2026-01-01T00%3A00Z&ACCESS_TOKEN=REDACTED&access_token=REDACTED&speed=2#top',
    );
    expect(redactUrl('/risk?access%5Ftoken=s')).toBe('/risk?access%5Ftoken=REDACTED');
    expect(redactUrl('/signals?token_type=x&country=BFA')).toBe('/signals?token_type=x&country=BFA');
    expect(redactUrl('/risk')).toBe('/risk');
    expect(redactQueryString('?access_token=s&x=1')).toBe('?access_token=REDACTED&x=1');
    expect(redactQuery({ access_token: 's', region: 'west' })).toEqual({ access_token: 'REDACTED', region: 'west' });
  });
});

const lines: Array<Record<string, unknown>> = [];
const stream = new PassThrough();
stream.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
});
const exporter = new InMemorySpanExporter();

/** Refuses every request, as a service's auth guard refuses a token it does not take from the query. */
class RefuseAll implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('AUTH.TOKEN_MISSING');
  }
}

@Controller()
class RiskController {
  @Get('risk')
  @UseGuards(RefuseAll)
  risk() {
    return [];
  }
}

describe('a request carrying ?access_token= to a route that is no stream', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    startTelemetry({ serviceName: 'redaction-spec', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    // Nest and Express load after the SDK, as in a service's main.ts, so that they are instrumented.
    // (nestjs-pino loads @nestjs/core, hence its dynamic import and the module declared here.)
    const { NestFactory } = await import('@nestjs/core');
    const { LoggerModule, Logger: PinoNestLogger } = await import('nestjs-pino');
    const options = loggerOptions('redaction-spec');
    @Module({
      imports: [LoggerModule.forRoot({ ...options, pinoHttp: [options.pinoHttp as Options, stream] })],
      controllers: [RiskController],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await shutdownTelemetry();
  });

  it('is refused, and neither its access line nor any span of it holds the token', async () => {
    const response = await fetch(`${base}/risk?access_token=secret-in-query&region=west`);
    expect(response.status).toBe(401);
    await until(() => lines.some((l) => String((l['req'] as { url?: string } | undefined)?.url).startsWith('/risk')));
    // The server span ends once the response has finished, the handler's before it.
    await until(() => exporter.getFinishedSpans().some((s) => s.attributes['url.query'] !== undefined));

    const access = lines.find((l) => String((l['req'] as { url?: string } | undefined)?.url).startsWith('/risk'));
    expect(access?.['req']).toMatchObject({ url: '/risk?access_token=REDACTED&region=west' });
    expect(JSON.stringify(lines)).not.toContain('secret-in-query');

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.attributes['url.query'])).toContain('access_token=REDACTED&region=west');
    expect(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })))).not.toContain('secret-in-query');
  });

  it("is redacted from the URL a handler's span records, as instrumentation-nestjs-core records it", () => {
    // Under vitest @nestjs/core is not patched (it is in a service), so its span is started as it starts
    // it: url.full is the raw req.originalUrl, given as the span is created.
    exporter.reset();
    trace.getTracer('@opentelemetry/instrumentation-nestjs-core').startSpan('RiskController.risk', { attributes: { 'url.full': '/risk?access_token=secret-in-query&region=west', 'http.route': '/risk' } }).end();
    expect(exporter.getFinishedSpans().map((s) => s.attributes['url.full'])).toEqual(['/risk?access_token=REDACTED&region=west']);
  });
});
