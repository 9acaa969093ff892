import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { eventually, testInfra, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { parseCloudEvent } from '../cloud-event';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { appendToOutbox } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';
import { ThreadedOutboxRelay } from './outbox-relay-thread';

const entry = path.join(__dirname, 'fixtures/relay-thread-entry.cjs');

describe('outbox relay on its own thread, on real Postgres and Kafka', () => {
  let scratch: MessagingScratch;
  let database: MessagingScratch['database'];
  let dataSource: DataSource;
  let consumer: Consumer;
  const topic = `test.relay-thread.${uniqueSuffix()}`;
  const received: string[] = [];
  const logs: string[] = [];
  let published = 0;
  let relay: ThreadedOutboxRelay;

  const append = (values: string[]) =>
    dataSource.transaction((m) =>
      appendToOutbox(m, 'test', values.map((v) => ({ topic, key: 'BFA', type: 'test.v1.Thing', payload: new TextEncoder().encode(v) }))),
    );

  beforeAll(async () => {
    scratch = await messagingScratch('relaythread', [topic]);
    ({ dataSource, database } = scratch);
    consumer = testKafka('relay-thread-reader').consumer({ groupId: `reader-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void received.push(new TextDecoder().decode(parseCloudEvent(topic, partition, message).data)) });
    relay = new ThreadedOutboxRelay({
      entry,
      serviceName: 'relay-thread-test',
      database,
      kafka: { clientId: 'relay-thread-test', brokers: testInfra().kafkaBrokers },
      pollMs: 200,
      restartMs: 200,
      logger: { log: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      onPublished: (n) => (published += n),
    });
    await relay.start();
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await consumer?.disconnect();
    await scratch?.close();
  });

  it('publishes what commits, in order, and reports leadership, backlog, counts and logs to the main thread', async () => {
    expect(relay.isLeader).toBe(true);
    expect(logs).toContain(`outbox relay for ${scratch.schema} is active`);
    await append(['a1', 'a2', 'a3']);
    await relay.flush();
    expect(relay.backlog).toBe(0);
    expect(published).toBe(3);
    await eventually(async () => received.length === 3);
    expect(received).toEqual(['a1', 'a2', 'a3']);
  });

  it('starts a thread that died again, as often as it dies, and the last one publishes what was left', async () => {
    const before = received.length;
    const threadOf = () => (relay as unknown as { worker?: { terminate(): Promise<number> } }).worker;
    const first = threadOf();
    await first?.terminate();
    await append(['b1', 'b2']);
    await eventually(async () => logs.some((m) => m.includes('starting it again')), 5_000);
    // The thread started again dies too, before it is even up: it is started once more all the same.
    await eventually(async () => threadOf() !== undefined && threadOf() !== first, 5_000, 10);
    await threadOf()?.terminate();
    await eventually(async () => logs.filter((m) => m.includes('starting it again')).length >= 2, 5_000);
    await eventually(async () => relay.isLeader, 20_000);
    await eventually(async () => received.length === before + 2, 20_000);
    expect(received.slice(before)).toEqual(['b1', 'b2']);
  }, 30_000);

  it('gives up leadership when stopped, so another relay takes over', async () => {
    await relay.stop();
    expect(relay.isLeader).toBe(false);
    await expect(relay.flush()).rejects.toThrow(/not running/);
    const other = new OutboxRelay({ database, producer: createIdempotentProducer(testKafka('relay-thread-successor')), pollMs: 200 });
    await other.start();
    try {
      expect(other.isLeader).toBe(true);
    } finally {
      await other.stop();
    }
  }, 30_000);
});
