import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Consumer, Producer } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { cloudEventHeaders, ReceivedEvent } from '../cloud-event';
import { applyOnce } from '../inbox/apply-once';
import { ReliableHandler } from './reliable-handler';

const OK = 'org.crisis-ops.test.thing-happened.v1';
const FAILING = 'org.crisis-ops.test.thing-that-always-fails.v1';

describe('consuming with an inbox, retries and a dead-letter topic', () => {
  const topic = `test.consume.${uniqueSuffix()}`;
  let scratch: MessagingScratch;
  let dataSource: DataSource;
  let producer: Producer;
  let consumer: Consumer;
  const applied: string[] = [];
  const attempts = new Map<string, number>();
  const group = `consumer-${uniqueSuffix()}`;

  const record = (id: string, type: string, key = 'BFA') => ({
    key,
    value: Buffer.from(`payload-${id}`),
    headers: cloudEventHeaders({ id, type, source: 'test', time: new Date() }),
  });

  beforeAll(async () => {
    scratch = await messagingScratch('inbox', [topic, dlqTopicOf(topic)]);
    ({ dataSource } = scratch);
    await dataSource.query('CREATE TABLE effects (event_id text NOT NULL)');
    producer = createIdempotentProducer(testKafka('producer'));
    await producer.connect();

    const handler = new ReliableHandler({ consumer: group, producer, maxAttempts: 3, baseDelayMs: 20 });
    consumer = testKafka('consumer').consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        await handler.handle({ topic: t, partition, message }, async (event: ReceivedEvent) => {
          attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
          if (event.type === FAILING) throw new Error('downstream rejected the event');
          await applyOnce(dataSource, group, event, async (m) => {
            await m.query('INSERT INTO effects (event_id) VALUES ($1)', [event.id]);
          });
          applied.push(event.id);
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await scratch?.close();
  });

  it('dead-letters a poison event and an always-failing event, and the partition keeps flowing', async () => {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'BFA', value: Buffer.from('not a cloud event'), headers: { 'content-type': 'text/plain' } },
        record('failing-1', FAILING),
        record('good-1', OK),
      ],
    });
    await eventually(async () => applied.includes('good-1'));
    expect(attempts.get('failing-1')).toBe(3);

    const dead: Array<Record<string, string>> = [];
    const dlqReader = testKafka('dlq-reader').consumer({ groupId: `dlq-${uniqueSuffix()}` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqTopicOf(topic), fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message }) => {
        dead.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
      },
    });
    await eventually(async () => dead.length >= 2);
    await dlqReader.disconnect();
    expect(dead[0]).toMatchObject({ dlq_error_code: 'MESSAGING.MALFORMED_EVENT', dlq_original_topic: topic, 'content-type': 'text/plain' });
    expect(dead[1]).toMatchObject({ ce_id: 'failing-1', ce_type: FAILING, dlq_attempts: '3', dlq_error_message: 'downstream rejected the event' });
  });

  it('applies a redelivered event only once', async () => {
    await producer.send({ topic, acks: -1, messages: [record('twice', OK, 'MLI'), record('twice', OK, 'MLI'), record('after-twice', OK, 'MLI')] });
    await eventually(async () => applied.includes('after-twice'));
    const rows: Array<{ n: string }> = await dataSource.query(`SELECT count(*) AS n FROM effects WHERE event_id = 'twice'`);
    expect(Number(rows[0].n)).toBe(1);
    expect(attempts.get('twice')).toBe(2);
  });
});
