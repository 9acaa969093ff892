import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metricsHandler, shutdownTelemetry, startTelemetry } from './telemetry';
import { observeConsumerLag, observeOutboxBacklog, platformMetrics, seedConsumerCounters } from './platform-metrics';
import { currentTraceHeaders, currentTraceparent, startEventSpan, traceIdOf } from './trace-context';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);

// Exports wait for async resource attributes (host.id), so flush before reading the exporter.
async function finishedSpans() {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
}
const tracer = () => trace.getTracer('telemetry-spec');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('telemetry', () => {
  beforeAll(() => {
    startTelemetry({ serviceName: 'telemetry-spec', serviceVersion: '1.2.3', spanProcessors: [processor] });
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('creates recording spans with real trace ids and the service resource', async () => {
    const span = tracer().startSpan('work');
    span.end();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    const [finished] = await finishedSpans();
    expect(finished.name).toBe('work');
    expect(finished.resource.attributes['service.name']).toBe('telemetry-spec');
    expect(finished.resource.attributes['service.version']).toBe('1.2.3');
  });

  it('is idempotent: a second start keeps the first SDK and its processors', async () => {
    startTelemetry({ serviceName: 'telemetry-spec' });
    tracer().startSpan('after-second-start').end();
    expect((await finishedSpans()).map((s) => s.name)).toEqual(['after-second-start']);
  });

  it('currentTraceparent returns the active span as a W3C traceparent', () => {
    expect(currentTraceparent()).toBeUndefined();
    tracer().startActiveSpan('publish', (span) => {
      const traceparent = currentTraceparent();
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceIdOf(traceparent)).toBe(span.spanContext().traceId);
      expect(traceparent?.split('-')[2]).toBe(span.spanContext().spanId);
      span.end();
    });
  });

  it('propagates baggage next to traceparent', async () => {
    const { propagation, context } = await import('@opentelemetry/api');
    const bag = propagation.createBaggage({ region: { value: 'africa' } });
    context.with(propagation.setBaggage(context.active(), bag), () => {
      tracer().startActiveSpan('with-baggage', (span) => {
        expect(currentTraceHeaders()['baggage']).toBe('region=africa');
        span.end();
      });
    });
  });

  it('startEventSpan starts a CONSUMER span child of the remote producer span, and work inside it continues that trace', async () => {
    const remoteTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const remoteSpanId = '00f067aa0ba902b7';
    // Another trace is active (a batch, a timer): the event's own producer still wins.
    const seen = tracer().startActiveSpan('unrelated', (unrelated) => {
      const span = startEventSpan('process topic', { TraceParent: `00-${remoteTraceId}-${remoteSpanId}-01`, other: undefined }, { 'messaging.system': 'kafka' });
      const inside = context.with(span.context, () => currentTraceparent());
      span.end();
      unrelated.end();
      return inside;
    });
    const consumer = (await finishedSpans()).find((s) => s.name === 'process topic');
    expect(consumer?.kind).toBe(SpanKind.CONSUMER);
    expect(consumer?.spanContext().traceId).toBe(remoteTraceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(remoteSpanId);
    expect(consumer?.attributes['messaging.system']).toBe('kafka');
    expect(seen).toBe(`00-${remoteTraceId}-${consumer?.spanContext().spanId}-01`);
  });

  it('startEventSpan without a traceparent starts a root span, and records a failure on it', async () => {
    const span = startEventSpan('process topic', {});
    span.end(new Error('downstream rejected the event'));
    const [root] = await finishedSpans();
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'downstream rejected the event' });
    expect(root.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('traceIdOf rejects values that are not traceparents', () => {
    expect(traceIdOf(undefined)).toBeUndefined();
    expect(traceIdOf('garbage')).toBeUndefined();
    expect(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
  });

  it('serves platform metrics in Prometheus format through metricsHandler', async () => {
    const server = createServer((req, res) => metricsHandler(req, res));
    const base = await listen(server);
    const attrs = { topic: 'early-warning.alerts', type: 'AlertRaised', service: 'telemetry-spec' };
    platformMetrics().eventsConsumed.add(2, attrs);
    platformMetrics().eventsPublished.add(1, attrs);
    const stopBacklog = observeOutboxBacklog(async () => 7);
    // Read in the background (consumer-lag.spec.ts): the first read is done before the scrape.
    const lag = [{ topic: 'mediation.cases', partition: 3, lag: 42 }];
    const stopLag = observeConsumerLag(() => lag);
    const stopBroken = observeOutboxBacklog(() => {
      throw new Error('database down');
    });
    try {
      const response = await fetch(`${base}/metrics`);
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body).toMatch(/^events_consumed_total\{[^}]*topic="early-warning.alerts"[^}]*\} 2$/m);
      expect(body).toMatch(/^events_published_total\{[^}]*type="AlertRaised"[^}]*\} 1$/m);
      expect(body).toMatch(/^outbox_backlog\{[^}]*\} 7$/m);
      expect(body).toMatch(/^consumer_lag\{[^}]*partition="3"[^}]*\} 42$/m);
      expect(body).toMatch(/^target_info\{[^}]*service_name="telemetry-spec"/m);
    } finally {
      stopBacklog();
      stopBroken();
      stopLag();
      server.close();
    }
  });

  it('exports the seeded consumer counters at 0 before any event, and counts on from there', async () => {
    const server = createServer((req, res) => metricsHandler(req, res));
    const base = await listen(server);
    const attrs = { topic: 'mediation.v1', type: 'MediationProposed', service: 'seeded-spec' };
    const series = (body: string, name: string) => body.match(new RegExp(`^${name}\\{[^}]*service="seeded-spec"[^}]*\\} (\\S+)$`, 'm'))?.[1];
    try {
      const before = await (await fetch(`${base}/metrics`)).text();
      expect(series(before, 'events_dead_lettered_total')).toBeUndefined();
      seedConsumerCounters([attrs]);
      const seeded = await (await fetch(`${base}/metrics`)).text();
      expect(['events_consumed_total', 'events_failed_total', 'events_dead_lettered_total'].map((n) => series(seeded, n))).toEqual(['0', '0', '0']);
      platformMetrics().eventsDeadLettered.add(1, attrs);
      expect(series(await (await fetch(`${base}/metrics`)).text(), 'events_dead_lettered_total')).toBe('1');
    } finally {
      server.close();
    }
  });

  it('answers 503 on /metrics once telemetry is shut down', async () => {
    await shutdownTelemetry();
    const server = createServer((req, res) => metricsHandler(req, res));
    const base = await listen(server);
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(503);
    } finally {
      server.close();
    }
  });
});
