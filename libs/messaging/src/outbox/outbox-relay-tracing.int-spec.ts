import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Consumer, Producer } from 'kafkajs';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { shutdownTelemetry, startEventSpan, startTelemetry } from '@crisis-ops/observability';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { headersToStrings } from '../cloud-event';
import { appendToOutbox, type OutgoingEvent } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);
const RELAY_SCOPE = '@crisis-ops/messaging';
const TYPE = 'org.crisis-ops.test.thing-happened.v1';

async function finishedSpans(): Promise<ReadableSpan[]> {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
}

const tracer = () => trace.getTracer('relay-tracing-spec');
const scopeOf = (s: ReadableSpan) => s.instrumentationScope.name;
const traceparentOf = (s: ReadableSpan) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;

interface Received {
  topic: string;
  key: string;
  headers: Record<string, string>;
}

/**
 * The relay under the services' own telemetry (startTelemetry: W3C propagators, no kafkajs
 * instrumentation), on real Postgres and Kafka, read by a consumer that starts its spans the way the
 * services do (startEventSpan from the record's headers): what a consumer sees is what production sends.
 */
describe('outbox relay tracing', () => {
  const topicA = `test.relay-trace-a.${uniqueSuffix()}`;
  const topicB = `test.relay-trace-b.${uniqueSuffix()}`;
  const probe = `test.relay-trace-probe.${uniqueSuffix()}`;
  let scratch: MessagingScratch;
  let database: MessagingScratch['database'];
  let dataSource: DataSource;
  let producer: Producer;
  let consumer: Consumer;
  let relay: OutboxRelay;
  let failSends = 0;
  let sends = 0;
  const received: Received[] = [];

  const event = (topic: string, key: string): OutgoingEvent => ({ topic, key, type: TYPE, payload: new TextEncoder().encode(key) });
  const stage = (events: OutgoingEvent[]) => dataSource.transaction((m) => appendToOutbox(m, 'test', events));
  const receivedKeys = (keys: string[]) => eventually(async () => keys.every((k) => received.some((r) => r.key === k)), 30_000);
  const byKey = (key: string) => received.find((r) => r.key === key) as Received;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'relay-tracing-spec', spanProcessors: [processor] });
    scratch = await messagingScratch('relaytrace', [topicA, topicB, probe]);
    ({ dataSource, database } = scratch);
    producer = createIdempotentProducer(testKafka('relay-trace'));
    await producer.connect();
    consumer = testKafka('relay-trace-reader').consumer({ groupId: `relay-trace-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topicA, topicB, probe], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = headersToStrings(message.headers);
        startEventSpan(`process ${topic}`, headers, { 'messaging.destination.name': topic }).end();
        received.push({ topic, key: String(message.key), headers });
      },
    });
    const flaky: Producer = {
      ...producer,
      sendBatch: async (batch) => {
        sends++;
        if (failSends > 0) {
          failSends--;
          throw new Error('broker unavailable');
        }
        return producer.sendBatch(batch);
      },
    };
    relay = new OutboxRelay({ database, producer: flaky, pollMs: 200 });
    await relay.start();
    await eventually(async () => relay.isLeader);
  });

  beforeEach(() => exporter.reset());

  afterAll(async () => {
    await relay?.stop();
    await consumer?.disconnect();
    await producer?.disconnect();
    await scratch?.close();
    await shutdownTelemetry();
  });

  it('leaves kafkajs itself uninstrumented: a plain send makes no span', async () => {
    await producer.send({ topic: probe, messages: [{ key: 'probe-1', value: 'x' }] });
    await receivedKeys(['probe-1']);
    expect((await finishedSpans()).filter((s) => s.kind === SpanKind.PRODUCER)).toEqual([]);
    expect(byKey('probe-1').headers.traceparent).toBeUndefined();
  });

  it("sends a request's events with one producer span per topic, child of the request's span, whose context every record carries", async () => {
    const requestContext = await tracer().startActiveSpan('POST /things', async (span) => {
      await stage([event(topicA, 'A-1'), event(topicB, 'B-1'), event(topicA, 'A-2'), event(topicA, 'A-3'), event(topicB, 'B-2')]);
      span.end();
      return span.spanContext();
    });
    await receivedKeys(['A-1', 'A-2', 'A-3', 'B-1', 'B-2']);

    const spans = await eventually(async () => {
      const found = await finishedSpans();
      const count = (kind: SpanKind) => found.filter((s) => s.kind === kind && s.spanContext().traceId === requestContext.traceId).length;
      return count(SpanKind.CONSUMER) >= 5 && count(SpanKind.PRODUCER) >= 2 && found;
    }, 10_000);
    const producers = spans.filter((s) => s.kind === SpanKind.PRODUCER);
    expect(producers.map((s) => `${scopeOf(s)} ${s.name}`).sort()).toEqual([`${RELAY_SCOPE} send ${topicA}`, `${RELAY_SCOPE} send ${topicB}`]);
    const sendOf = (topic: string) => producers.find((s) => s.name === `send ${topic}`) as ReadableSpan;
    for (const [topic, count] of [[topicA, 3], [topicB, 2]] as const) {
      const send = sendOf(topic);
      expect(send.spanContext().traceId).toBe(requestContext.traceId);
      expect(send.parentSpanContext?.spanId).toBe(requestContext.spanId);
      expect(send.status.code).toBe(SpanStatusCode.UNSET);
      expect(send.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.batch.message_count': count,
      });
    }
    for (const key of ['A-1', 'A-2', 'A-3']) expect(byKey(key).headers.traceparent).toBe(traceparentOf(sendOf(topicA)));
    for (const key of ['B-1', 'B-2']) expect(byKey(key).headers.traceparent).toBe(traceparentOf(sendOf(topicB)));

    // What tests/platform-e2e/src/tracing.e2e-spec.ts asks of every trace: a consumer continues
    // from the producer span that sent its record.
    const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === requestContext.traceId);
    expect(consumers).toHaveLength(5);
    for (const c of consumers) {
      const topic = c.attributes['messaging.destination.name'] as string;
      expect(c.parentSpanContext?.spanId, c.name).toBe(sendOf(topic).spanContext().spanId);
    }
  });

  it('sends the events of several requests in one send, each under a producer span in its own trace', async () => {
    await relay.stop();
    const traced = (name: string, key: string) =>
      tracer().startActiveSpan(name, async (span) => {
        await stage([event(topicA, key)]);
        span.end();
        return span.spanContext().traceId;
      });
    const traceOne = await traced('POST /one', 'one-1');
    const traceTwo = await traced('POST /two', 'two-1');
    sends = 0;
    await relay.start();
    await eventually(async () => relay.isLeader);
    await receivedKeys(['one-1', 'two-1']);
    expect(sends).toBe(1);
    const producers = await eventually(async () => {
      const found = (await finishedSpans()).filter((s) => s.kind === SpanKind.PRODUCER);
      return found.length >= 2 && found;
    });
    const spanOf = (traceId: string) => producers.find((s) => s.spanContext().traceId === traceId) as ReadableSpan;
    expect(byKey('one-1').headers.traceparent).toBe(traceparentOf(spanOf(traceOne)));
    expect(byKey('two-1').headers.traceparent).toBe(traceparentOf(spanOf(traceTwo)));
  });

  it('gives events staged outside any trace a root producer span that their records carry', async () => {
    await stage([event(topicA, 'untraced-1'), event(topicA, 'untraced-2')]);
    await receivedKeys(['untraced-1', 'untraced-2']);
    const [send] = await eventually(async () => {
      const found = (await finishedSpans()).filter((s) => s.kind === SpanKind.PRODUCER);
      return found.length > 0 && found;
    });
    expect(send.name).toBe(`send ${topicA}`);
    expect(send.parentSpanContext).toBeUndefined();
    expect(byKey('untraced-1').headers.traceparent).toBe(traceparentOf(send));
    expect(byKey('untraced-2').headers.traceparent).toBe(traceparentOf(send));
  });

  it('marks the span of a failed send as an error, and the retry sends under a span of its own', async () => {
    failSends = 1;
    await tracer().startActiveSpan('POST /retry', async (span) => {
      await stage([event(topicB, 'retried-1')]);
      span.end();
    });
    await receivedKeys(['retried-1']);
    const sends = await eventually(async () => {
      const found = (await finishedSpans()).filter((s) => s.kind === SpanKind.PRODUCER);
      return found.length >= 2 && found;
    });
    expect(sends.map((s) => `${scopeOf(s)} ${s.name}`)).toEqual([`${RELAY_SCOPE} send ${topicB}`, `${RELAY_SCOPE} send ${topicB}`]);
    const [failed, retried] = sends;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker unavailable' });
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);
    expect(retried.parentSpanContext?.spanId).toBe(failed.parentSpanContext?.spanId);
    expect(byKey('retried-1').headers.traceparent).toBe(traceparentOf(retried));
  });
});
