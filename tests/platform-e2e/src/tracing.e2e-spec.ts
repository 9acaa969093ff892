import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { eventually, startService, workspaceRoot } from '@crisis-ops/testing';
import type { ReceivedSpan } from './otlp-receiver';
import { api, eventuallyOnTimeline, platform, randomHex, signalBody, spansOfTrace, testCountry } from './platform-api';
import { E2E_PORTS } from './platform';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('one trace across services', () => {
  it("continues the caller's trace from the HTTP request through the outbox and Kafka into both consumers", async () => {
    const traceId = randomHex(16);
    const country = testCountry();
    const posted = await api<{ id: string }>(`${platform()['early-warning']}/signals`, {
      body: signalBody(country),
      headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` },
    });
    expect(posted.status).toBe(202);

    const entry = await eventuallyOnTimeline(country, posted.body.id, 10_000);
    expect(entry.traceId).toBe(traceId);

    const has = (spans: ReceivedSpan[], service: string, kind?: number) =>
      spans.some((s) => s.service === service && (kind === undefined || s.kind === kind));
    let spans: ReceivedSpan[] = [];
    try {
      spans = await eventually(async () => {
        const found = await spansOfTrace(traceId);
        spans = found;
        return has(found, 'early-warning', SERVER) && has(found, 'early-warning', PRODUCER) && has(found, 'ops-centre', CONSUMER) && has(found, 'mediation', CONSUMER) && found;
      }, 15_000, 250);
    } catch (err) {
      const seen = spans.map((s) => `${s.service} kind=${s.kind} ${s.name}`).join('\n  ');
      throw new Error(`${(err as Error).message}; spans of trace ${traceId} so far:\n  ${seen || '(none)'}`);
    }
    // Both consumers continue from the span that sent the record, not from a new root.
    const producerIds = spans.filter((s) => s.kind === PRODUCER).map((s) => s.spanId);
    for (const consumer of spans.filter((s) => s.kind === CONSUMER)) {
      expect(producerIds, `parent of ${consumer.service} ${consumer.name}`).toContain(consumer.parentSpanId);
    }
    // Every span of the trace hangs off another one of it, up to the caller's own span.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.map((s) => `${s.service} ${s.name}`)).toEqual([expect.stringMatching(/^early-warning /)]);
  });
});

describe('traces at shutdown', () => {
  it('exports the spans a replica still held when it was told to stop', async () => {
    // A replica of its own, whose exporter would hold spans for a minute: only the shutdown can send them.
    const port = E2E_PORTS['electoral-support'] + 100;
    const service = await startService('electoral-support', {
      port,
      otlpEndpoint: inject('otlpReceiverUrl'),
      env: { OTEL_BSP_SCHEDULE_DELAY: '60000' },
      logFile: path.join(workspaceRoot(), 'tmp/e2e-logs', 'electoral-support-shutdown.log'),
    });
    const traceId = randomHex(16);
    try {
      const res = await fetch(`${service.url}/no-such-route`, { headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` } });
      expect(res.status).toBe(404);
    } finally {
      await service.stop();
    }
    const spans = await eventually(async () => {
      const found = await spansOfTrace(traceId);
      return found.some((s) => s.service === 'electoral-support' && s.kind === SERVER) && found;
    }, 10_000, 250);
    expect(spans.length).toBeGreaterThan(0);
  });
});
