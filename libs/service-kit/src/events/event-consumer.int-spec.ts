import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Producer } from 'kafkajs';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DataSource } from 'typeorm';
import type { ServiceConfig } from '@crisis-ops/config';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { cloudEventHeaders, createIdempotentProducer, messagingMigrations, PermanentEventError } from '@crisis-ops/messaging';
import { metricsHandler, shutdownTelemetry, startTelemetry } from '@crisis-ops/observability';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { createScratchSchema, createScratchTopics, eventually, metricValue, scratchDatabaseConfig, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { EventConsumer } from './event-consumer';
import { KafkaBatchContext } from './batching-kafka.server';

const OK = 'org.crisis-ops.test.thing-happened.v1';
const BAD = 'org.crisis-ops.test.thing-refused.v1';
/** The type a record says it has, whose envelope cannot be read (no ce_id). */
const UNREADABLE = 'org.crisis-ops.test.thing-without-an-id.v1';
const exporter = new InMemorySpanExporter();


/**
 * EventConsumer.consumeBatch fed by a kafkajs consumer on the test broker (as BatchingKafkaServer
 * feeds it), a scratch schema for its inbox, its counters read from /metrics and its spans from an
 * in-memory exporter: a batch with one bad event among good ones.
 */
describe('a batch with one bad event and one unreadable record', () => {
  const topic = `test.event-consumer.${uniqueSuffix()}`;
  const service = `event-consumer-${uniqueSuffix()}`;
  let schema: { drop(): Promise<void> };
  let topics: { delete(): Promise<void> };
  let dataSource: DataSource;
  let producer: Producer;
  let consumer: Consumer;
  let http: Server;
  let base: string;
  const applied: string[] = [];

  beforeAll(async () => {
    startTelemetry({ serviceName: 'event-consumer-int', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const scratch = await createScratchSchema('evconsumer');
    schema = scratch;
    const database = scratchDatabaseConfig(scratch.schema, 2);
    await runMigrations({ config: database, migrations: [...messagingMigrations] });
    dataSource = createServiceDataSource({ config: database, as: 'app' });
    await dataSource.initialize();
    topics = await createScratchTopics([topic, dlqTopicOf(topic)], 1);
    producer = createIdempotentProducer(testKafka('event-consumer-int'));
    await producer.connect();
    http = createServer((req, res) => metricsHandler(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    http?.close();
    await dataSource?.destroy();
    await topics?.delete();
    await schema?.drop();
    await shutdownTelemetry();
  });

  it('counts and marks as failed only the bad event, not the good ones of its batch, and counts the unreadable one failed as well as dead-lettered', async () => {
    const good = Array.from({ length: 9 }, (_, i) => `good-${i}`);
    const record = (id: string, type = OK) => ({ key: 'BFA', value: Buffer.from(id), headers: cloudEventHeaders({ id, type, source: 'test', time: new Date() }) });
    // All on the topic before the consumer starts, so they come as one batch.
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...good.slice(0, 4).map((id) => record(id)),
        record('bad-1', BAD),
        { key: 'BFA', value: Buffer.from('no id'), headers: { ce_type: UNREADABLE, ce_source: 'test', ce_specversion: '1.0' } },
        ...good.slice(4).map((id) => record(id)),
      ],
    });

    const events = new EventConsumer({ service } as ServiceConfig, producer, dataSource);
    consumer = testKafka('event-consumer-int').consumer({ groupId: service });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const batchSizes: number[] = [];
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        batchSizes.push(batch.messages.length);
        const ctx = new KafkaBatchContext(batch.messages, batch.partition, batch.topic, consumer, heartbeat, producer);
        await events.consumeBatch(ctx, async (fresh) => {
          if (fresh.some((e) => e.type === BAD)) throw new PermanentEventError('TEST.REFUSED', 'the bad event is refused');
          applied.push(...fresh.map((e) => e.id));
        });
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
      },
    });
    await eventually(async () => good.every((id) => applied.includes(id)), 30_000);
    expect(batchSizes[0]).toBe(11);

    // Letters go after the batch's other events are applied.
    const body = await eventually(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return metricValue(text, 'events_dead_lettered_total', { topic, type: UNREADABLE, service }) !== undefined && metricValue(text, 'events_dead_lettered_total', { topic, type: BAD, service }) !== undefined && text;
    }, 10_000);
    expect(metricValue(body, 'events_failed_total', { topic, type: BAD, service })).toBe(1);
    expect(metricValue(body, 'events_failed_total', { topic, type: OK, service }) ?? 0).toBe(0);
    expect(metricValue(body, 'events_dead_lettered_total', { topic, type: BAD, service })).toBe(1);
    expect(metricValue(body, 'events_consumed_total', { topic, type: OK, service })).toBe(9);
    // Refused unread, it failed as much as the bad one: dead-lettered, and counted failed.
    expect(metricValue(body, 'events_dead_lettered_total', { topic, type: UNREADABLE, service })).toBe(1);
    expect(metricValue(body, 'events_failed_total', { topic, type: UNREADABLE, service })).toBe(1);

    const spans = exporter.getFinishedSpans().filter((s) => s.name === `process ${topic}`);
    const erred = spans.filter((s) => s.status.code === SpanStatusCode.ERROR).map((s) => s.attributes['cloudevents.event_id']);
    expect(erred).toEqual(['bad-1']);
  });
});
