import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Logger, Module, type INestApplication } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLevelProblem, loggerOptions } from './logger';
import { shutdownTelemetry, startTelemetry } from './telemetry';
import { until } from './spec-support';
import { currentTraceId } from './trace-context';

const lines: Array<Record<string, unknown>> = [];
const stream = new PassThrough();
stream.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
});

@Controller()
class ProbeController {
  private readonly logger = new Logger(ProbeController.name);

  @Get('ping')
  ping() {
    this.logger.log('handling ping');
    return { traceId: currentTraceId() };
  }

  @Get('health')
  health() {
    return { status: 'ok' };
  }
}

const options = loggerOptions('logger-spec');

@Module({
  imports: [LoggerModule.forRoot({ ...options, pinoHttp: [options.pinoHttp as Options, stream] })],
  controllers: [ProbeController],
})
class AppModule {}

describe('loggerOptions', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    // No span processor given and no OTLP endpoint: the SDK must still hand out real trace ids.
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    startTelemetry({ serviceName: 'logger-spec' });
    // Nest and Express load after the SDK, as in a service's main.ts.
    const { NestFactory } = await import('@nestjs/core');
    const { Logger: PinoNestLogger } = await import('nestjs-pino');
    app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await shutdownTelemetry();
  });

  it('writes JSON lines with service, level name and the trace ids of the request', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    // Tracing suppressed for the client call, or the fetch instrumentation replaces our traceparent.
    const response = await context.with(suppressTracing(context.active()), () =>
      fetch(`${base}/ping`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, authorization: 'Bearer secret-token' },
      }),
    );
    expect(await response.json()).toEqual({ traceId });
    // The access line is written when the response has finished, which may be after the client has it.
    await until(() => lines.some((l) => l['msg'] === 'request completed' && l['trace_id'] === traceId));

    const appLine = lines.find((l) => l['msg'] === 'handling ping');
    expect(appLine).toMatchObject({ level: 'info', service: 'logger-spec', trace_id: traceId, context: 'ProbeController' });
    expect(appLine?.['span_id']).toMatch(/^[0-9a-f]{16}$/);
    expect(appLine?.['time']).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const accessLine = lines.find((l) => l['msg'] === 'request completed');
    expect(accessLine).toMatchObject({ service: 'logger-spec', trace_id: traceId });
    const req = accessLine?.['req'] as { headers: Record<string, string> };
    expect(req.headers['authorization']).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });

  it('starts a new trace for requests without traceparent', async () => {
    const { traceId } = (await (await fetch(`${base}/ping`)).json()) as { traceId?: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
  });

  it('does not log health and metrics probes', async () => {
    const before = lines.length;
    await fetch(`${base}/health`);
    await fetch(`${base}/metrics?x=1`);
    // A request after the probes: once its access line is written, theirs would have been too.
    const { traceId } = (await (await fetch(`${base}/ping`)).json()) as { traceId: string };
    await until(() => lines.some((l) => l['msg'] === 'request completed' && l['trace_id'] === traceId));
    const probeLines = lines.slice(before).filter((l) => (l['msg'] === 'request completed' || l['msg'] === 'request errored') && l['trace_id'] !== traceId);
    expect(probeLines).toEqual([]);
  });

  it('names LOG_LEVEL when its value is no level, so a service can refuse it at boot', () => {
    expect(logLevelProblem('verbose')).toBe('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
    for (const ok of [undefined, '', 'debug', 'silent']) expect(logLevelProblem(ok)).toBeUndefined();
  });

  it('takes the level from LOG_LEVEL', () => {
    process.env['LOG_LEVEL'] = 'debug';
    try {
      expect((loggerOptions('x').pinoHttp as Options).level).toBe('debug');
    } finally {
      delete process.env['LOG_LEVEL'];
    }
  });
});
