import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Consumer, Producer } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { cloudEventHeaders } from '../cloud-event';
import { applyOnceBatch } from '../inbox/apply-once';
import { ReliableHandler } from './reliable-handler';

const OK = 'org.crisis-ops.test.thing-happened.v1';
const FAILING = 'org.crisis-ops.test.thing-that-always-fails.v1';

describe('consuming in batches: one transaction per batch, one bad event costs only itself', () => {
  const topic = `test.batch.${uniqueSuffix()}`;
  const group = `batch-consumer-${uniqueSuffix()}`;
  let scratch: MessagingScratch;
  let dataSource: DataSource;
  let producer: Producer;
  let consumer: Consumer;
  const calls: string[][] = [];

  const record = (id: string, type = OK) => ({ key: 'BFA', value: Buffer.from(`payload-${id}`), headers: cloudEventHeaders({ id, type, source: 'test', time: new Date() }) });
  const effects = async (): Promise<string[]> => (await dataSource.query('SELECT event_id FROM effects ORDER BY n')).map((r: { event_id: string }) => r.event_id);

  beforeAll(async () => {
    scratch = await messagingScratch('batch', [topic, dlqTopicOf(topic)], { partitions: 1 });
    ({ dataSource } = scratch);
    await dataSource.query('CREATE TABLE effects (n bigserial, event_id text NOT NULL)');
    producer = createIdempotentProducer(testKafka('producer'));
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await scratch?.close();
  });

  it('applies a batch in one transaction, skips repeated ids, and isolates a failing and an unreadable event', async () => {
    // Everything is on the topic before the consumer starts, so it arrives as one batch.
    const good = Array.from({ length: 40 }, (_, i) => `good-${i}`);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...good.slice(0, 10).map((id) => record(id)),
        { key: 'BFA', value: Buffer.from('not a cloud event'), headers: { 'content-type': 'text/plain' } },
        ...good.slice(10, 20).map((id) => record(id)),
        record('good-3'),
        record('failing-1', FAILING),
        ...good.slice(20).map((id) => record(id)),
      ],
    });
    const handler = new ReliableHandler({ consumer: group, producer, maxAttempts: 2, baseDelayMs: 10 });
    consumer = testKafka('batch-consumer').consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        await handler.handleBatch(
          batch.messages.map((message) => ({ topic: batch.topic, partition: batch.partition, message })),
          async (events) => {
            calls.push(events.map((e) => e.id));
            await applyOnceBatch(dataSource, group, events, async (fresh, m) => {
              if (fresh.some((e) => e.type === FAILING)) throw new Error('downstream rejected the event');
              await m.query('INSERT INTO effects (event_id) SELECT unnest($1::text[])', [fresh.map((e) => e.id)]);
            });
          },
          heartbeat,
        );
        resolveOffset(batch.messages[batch.messages.length - 1].offset);
      },
    });

    await eventually(async () => (await effects()).length >= good.length, 30_000);
    // Every good event once, in offset order (the repeated good-3 skipped by the inbox).
    expect(await effects()).toEqual(good);
    // The first call had the whole readable batch; it failed twice, then each event was retried alone.
    expect(calls[0]).toHaveLength(good.length + 2);
    expect(calls[1]).toEqual(calls[0]);
    expect(calls.slice(2).every((c) => c.length === 1)).toBe(true);

    const dead: Array<Record<string, string>> = [];
    const dlqReader = testKafka('dlq-reader').consumer({ groupId: `dlq-${uniqueSuffix()}` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqTopicOf(topic), fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void dead.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))) });
    await eventually(async () => dead.length >= 2);
    await dlqReader.disconnect();
    expect(dead[0]).toMatchObject({ dlq_error_code: 'MESSAGING.MALFORMED_EVENT', 'content-type': 'text/plain' });
    expect(dead[1]).toMatchObject({ ce_id: 'failing-1', dlq_error_message: 'downstream rejected the event' });
    const inbox: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = 'failing-1'`);
    expect(inbox[0].n).toBe(0);
  });
});
