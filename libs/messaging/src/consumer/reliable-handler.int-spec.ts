import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { cloudEventHeaders, ReceivedEvent } from '../cloud-event';
import { applyOnce } from '../inbox/apply-once';
import { ReliableHandler } from './reliable-handler';
import { readDeadLetters } from './dead-letters';
import { redrive } from './redrive';

const OK = 'org.crisis-ops.test.thing-happened.v1';
const FAILING = 'org.crisis-ops.test.thing-that-always-fails.v1';
/** Handled by reaching a database that is not there until `storeBack`: an outage, not a bad event. */
const NEEDS_STORE = 'org.crisis-ops.test.thing-needing-its-store.v1';
/** Fails whatever is mended: dead-lettered again each time it is redriven. */
const NEVER_MENDED = 'org.crisis-ops.test.thing-never-mended.v1';
/** Writes text Postgres refuses (a NUL): no retry can change that. */
const REFUSED = 'org.crisis-ops.test.thing-with-a-nul.v1';

describe('consuming with an inbox, retries and a dead-letter topic', () => {
  const topic = `test.consume.${uniqueSuffix()}`;
  let scratch: MessagingScratch;
  let dataSource: DataSource;
  let producer: Producer;
  /** The dlq tool's. */
  let redriver: Producer;
  let consumer: Consumer;
  const applied: string[] = [];
  const attempts = new Map<string, number>();
  /** Whether the fault that makes FAILING fail has been mended. */
  let mended = false;
  let storeBack = false;
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
    redriver = createIdempotentProducer(testKafka('dlq-tool'));
    await redriver.connect();

    const handler = new ReliableHandler({ consumer: group, producer, maxAttempts: 3, baseDelayMs: 20 });
    consumer = testKafka('consumer').consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        await handler.handle({ topic: t, partition, message }, async (event: ReceivedEvent) => {
          attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
          if (event.type === FAILING && !mended) throw new Error('downstream rejected the event');
          if (event.type === NEVER_MENDED) throw new Error('still rejected');
          // What node-postgres throws while Postgres is down: a connection refused.
          if (event.type === NEEDS_STORE && !storeBack) await new Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 1_000 }).connect();
          await applyOnce(dataSource, group, event, async (m) => {
            await m.query('INSERT INTO effects (event_id) VALUES ($1)', [event.type === REFUSED ? `${event.id}\u0000` : event.id]);
          });
          applied.push(event.id);
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await redriver?.disconnect();
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

  it('dead-letters an event whose data Postgres refuses (22021, a NUL in text) after one attempt, not after every retry', async () => {
    await producer.send({ topic, acks: -1, messages: [record('refused-1', REFUSED), record('good-after-refused', OK)] });
    await eventually(async () => applied.includes('good-after-refused'));
    expect(attempts.get('refused-1')).toBe(1);
    const dead: Array<Record<string, string>> = [];
    const dlqReader = testKafka('dlq-reader').consumer({ groupId: `dlq-${uniqueSuffix()}` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqTopicOf(topic), fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void dead.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))) });
    await eventually(async () => dead.some((d) => d.ce_id === 'refused-1'));
    await dlqReader.disconnect();
    expect(dead.find((d) => d.ce_id === 'refused-1')).toMatchObject({ dlq_attempts: '1', dlq_error_code: '22021' });
  });

  it('redrives a dead letter to its topic once the fault is mended, as it first came; asked again, sends nothing, the letter reading as redriven', async () => {
    await producer.send({ topic, acks: -1, messages: [record('failing-2', FAILING, 'NER')] });
    let letters = await eventually(async () => {
      const found = (await readDeadLetters(testKafka('dlq-tool'), [topic])).filter((l) => l.eventId === 'failing-2');
      return found.length > 0 && found;
    });
    expect(letters[0]).toMatchObject({ originalTopic: topic, eventType: FAILING, consumer: group, errorMessage: 'downstream rejected the event', attempts: 3 });
    expect(letters[0].key?.toString()).toBe('NER');
    expect(Object.keys(letters[0].headers).filter((k) => k.startsWith('dlq_'))).toEqual([]);

    expect(letters[0].redrivenAt).toBeNull();

    mended = true;
    expect(await redrive(redriver, letters)).toBe(1);
    await eventually(async () => applied.includes('failing-2'));
    letters = (await readDeadLetters(testKafka('dlq-tool'), [topic])).filter((l) => l.eventId === 'failing-2');
    expect(letters.map((l) => l.redrivenAt)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/)]);
    expect(await redrive(redriver, letters)).toBe(0);
    await producer.send({ topic, acks: -1, messages: [record('after-redrive', OK, 'NER')] });
    await eventually(async () => applied.includes('after-redrive'));
    expect(applied.filter((id) => id === 'failing-2')).toHaveLength(1);
    const rows: Array<{ n: string }> = await dataSource.query(`SELECT count(*) AS n FROM effects WHERE event_id = 'failing-2'`);
    expect(Number(rows[0].n), 'applied once, delivered twice').toBe(1);
    // The reads left no consumer group behind.
    const admin = testKafka('dlq-tool').admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    expect(groups.filter((g) => g.groupId.startsWith('dead-letters-'))).toEqual([]);
  });

  it('keeps when an event was first published across a redrive and a second dead-lettering, which the redrive horizon counts from', async () => {
    const sentAt = Date.now();
    await producer.send({ topic, acks: -1, messages: [record('never-mended', NEVER_MENDED, 'MLI')] });
    const lettersOf = async (n: number) =>
      eventually(async () => {
        const found = (await readDeadLetters(testKafka('dlq-tool'), [topic])).filter((l) => l.eventId === 'never-mended');
        return found.length >= n && found;
      });
    const [first] = await lettersOf(1);
    const published = Date.parse(first.firstPublishedAt);
    expect(Math.abs(published - sentAt)).toBeLessThan(60_000);
    expect(published).toBeLessThanOrEqual(Date.parse(first.failedAt));

    await redrive(redriver, [first]);
    const [, second] = await lettersOf(2);
    expect(Date.parse(second.failedAt)).toBeGreaterThan(Date.parse(first.failedAt));
    expect(second.firstPublishedAt).toBe(first.firstPublishedAt);
  });

  it('dead-letters nothing while its database is out of reach: the partition waits, then applies in order', async () => {
    await producer.send({ topic, acks: -1, messages: [record('outage-1', NEEDS_STORE, 'SOM'), record('after-outage', OK, 'SOM')] });
    await eventually(async () => (attempts.get('outage-1') ?? 0) > 3, 30_000);
    // Past its dead-letter cap (3 attempts), and the event behind it, same key, still waits.
    expect(applied).not.toContain('after-outage');
    storeBack = true;
    await eventually(async () => applied.includes('after-outage'), 60_000, 100);
    expect(applied.indexOf('outage-1')).toBeLessThan(applied.indexOf('after-outage'));
    expect((await readDeadLetters(testKafka('dlq-tool'), [topic])).map((l) => l.eventId)).not.toContain('outage-1');
  });

  it('applies a redelivered event only once', async () => {
    await producer.send({ topic, acks: -1, messages: [record('twice', OK, 'MLI'), record('twice', OK, 'MLI'), record('after-twice', OK, 'MLI')] });
    await eventually(async () => applied.includes('after-twice'));
    const rows: Array<{ n: string }> = await dataSource.query(`SELECT count(*) AS n FROM effects WHERE event_id = 'twice'`);
    expect(Number(rows[0].n)).toBe(1);
    expect(attempts.get('twice')).toBe(2);
  });
});
