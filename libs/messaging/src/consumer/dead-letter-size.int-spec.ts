import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { ALL_TOPICS, dlqTopicOf, isDlqTopic } from '@crisis-ops/contracts';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { cloudEventHeaders } from '../cloud-event';
import { KEPT_OF_A_CUT_VALUE, PermanentEventError, ReliableHandler } from './reliable-handler';
import { readDeadLetters } from './dead-letters';
import { LetterValueCutError, redrive } from './redrive';
import { redriveTopic } from './redrive-run';

const POISON = 'org.crisis-ops.test.thing-too-big-to-read.v1';
const OK = 'org.crisis-ops.test.thing-happened.v1';
/** Close to the 1 MiB a domain topic takes (Kafka's default message.max.bytes, 1048588): the letter's dlq_* headers took it over. */
const NEAR_1_MIB = 1_048_000;
/** What provisioning gives every dead-letter topic (ALL_TOPICS). */
const declaredDlqConfig = ALL_TOPICS.find((t) => isDlqTopic(t.name))?.config ?? {};

/**
 * A poison record near the domain topic's size limit, dead-lettered on the test broker: into a
 * dead-letter topic as provisioned (room for the letter), and into one at the domain topic's limit
 * (a cluster not re-provisioned), where the letter goes with its value cut, the partition flows on,
 * and no redrive sends the cut value back.
 */
describe('dead-lettering a record near the size limit', () => {
  const admin: Admin = testKafka('dlq-size-admin').admin();
  const topics: string[] = [];
  let producer: Producer;
  let redriver: Producer;
  const consumers: Consumer[] = [];
  const poison = Buffer.alloc(NEAR_1_MIB, 0xff);

  /** A domain topic (broker default limit) and its dead-letter topic with these configs, one partition each, consumed through a ReliableHandler. */
  async function consumed(dlqConfig: Record<string, string>): Promise<{ topic: string; applied: string[] }> {
    const topic = `test.dlq-size.${uniqueSuffix()}`;
    topics.push(topic, dlqTopicOf(topic));
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 1 },
        { topic: dlqTopicOf(topic), numPartitions: 1, configEntries: Object.entries(dlqConfig).map(([name, value]) => ({ name, value })) },
      ],
    });
    const applied: string[] = [];
    const group = `dlq-size-${uniqueSuffix()}`;
    const handler = new ReliableHandler({ consumer: group, producer, maxAttempts: 2, baseDelayMs: 10 });
    const consumer = testKafka('dlq-size-consumer').consumer({ groupId: group });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        await handler.handle({ topic: t, partition, message }, async (event) => {
          if (event.type === POISON) throw new PermanentEventError('CONTRACTS.MALFORMED_EVENT', `cannot decode "${POISON}": RangeError: premature EOF`);
          applied.push(event.id);
        });
      },
    });
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'XTA', value: poison, headers: cloudEventHeaders({ id: 'poison-1', type: POISON, source: 'test', time: new Date() }) },
        { key: 'XTA', value: Buffer.from('fine'), headers: cloudEventHeaders({ id: 'good-after-poison', type: OK, source: 'test', time: new Date() }) },
      ],
    });
    return { topic, applied };
  }

  beforeAll(async () => {
    await admin.connect();
    producer = createIdempotentProducer(testKafka('dlq-size-producer'));
    redriver = createIdempotentProducer(testKafka('dlq-tool'));
    await Promise.all([producer.connect(), redriver.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await Promise.allSettled([producer?.disconnect(), redriver?.disconnect()]);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('a dead-letter topic as provisioned takes the whole letter, and the partition keeps flowing', async () => {
    expect(Number(declaredDlqConfig['max.message.bytes'])).toBeGreaterThan(NEAR_1_MIB + 8_192);
    const { topic, applied } = await consumed(declaredDlqConfig);
    await eventually(async () => applied.includes('good-after-poison'), 30_000);
    const [letter] = await readDeadLetters(testKafka('dlq-tool'), [topic]);
    expect(letter).toMatchObject({ eventId: 'poison-1', errorCode: 'CONTRACTS.MALFORMED_EVENT', valueCut: null });
    expect(letter.value?.equals(poison)).toBe(true);
  });

  it('a dead-letter topic no larger than its domain topic gets the letter with its value cut, saying so; the partition keeps flowing and no redrive sends it', async () => {
    const { topic, applied } = await consumed({});
    await eventually(async () => applied.includes('good-after-poison'), 30_000);
    const letters = await readDeadLetters(testKafka('dlq-tool'), [topic]);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter).toMatchObject({
      eventId: 'poison-1',
      eventType: POISON,
      errorCode: 'CONTRACTS.MALFORMED_EVENT',
      attempts: 1,
      origin: { partition: 0, offset: '0' },
      valueCut: { originalBytes: NEAR_1_MIB, sha256: createHash('sha256').update(poison).digest('hex') },
    });
    expect(letter.value?.equals(poison.subarray(0, KEPT_OF_A_CUT_VALUE))).toBe(true);
    expect(String(letter.headers.ce_source)).toBe('test');

    const report = await redriveTopic(kafka(), redriver, topic, { all: true });
    expect(report.sent).toBe(0);
    expect(report.cut.map((l) => l.eventId)).toEqual(['poison-1']);
    await expect(redrive(redriver, letters)).rejects.toThrow(LetterValueCutError);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets[0].high).toBe('2');
  });
});

const kafka = () => testKafka('dlq-tool');
