import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { createScratchTopics, eventually, ReadPositions, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { cloudEventHeaders } from '../cloud-event';
import { readDeadLetters, type DeadLetter } from './dead-letters';
import { redrive } from './redrive';
import { RedriveLedger } from './redrive-ledger';

/**
 * Dead letters as consumers write them (ReliableHandler's headers), on a scratch topic's dead-letter
 * topic; redrives recorded on the platform's one redrives topic, where the scratch topic's name keeps
 * this run's records apart.
 */
describe('dead letters redriven, as the tools read them back', () => {
  const topic = `test.redrives.${uniqueSuffix()}`;
  const dlq = dlqTopicOf(topic);
  let topics: { delete(): Promise<void> };
  let writer: Producer;
  let redriver: Producer;
  let admin: Admin;
  let ledger: RedriveLedger | undefined;

  /** A letter of `consumer`'s for the record at `origin` of the topic; `id` null: a record without an event id. */
  const letter = (id: string | null, consumer: string, origin: number) => ({
    key: 'BFA',
    value: Buffer.from(id ? `payload-${id}` : 'not an event at all'),
    headers: {
      ...(id ? cloudEventHeaders({ id, type: 'org.crisis-ops.test.thing.v1', source: 'test', time: new Date() }) : {}),
      dlq_consumer: consumer,
      dlq_original_topic: topic,
      dlq_original_partition: '0',
      dlq_original_offset: String(origin),
      dlq_error_code: 'TEST.FAILED',
      dlq_error_message: 'written by the redrives int test',
      dlq_attempts: '3',
      dlq_failed_at: new Date().toISOString(),
    },
  });
  const read = (): Promise<DeadLetter[]> => readDeadLetters(testKafka('dlq-tool'), [topic]);
  const kept = async () => (await admin.fetchTopicOffsets(dlq)).map(({ partition, low, high }) => ({ partition, low, high }));

  /** Every record on the scratch topic, read to its end. */
  async function onTopic(): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const positions = new ReadPositions();
    const reader = testKafka('redrives-reader').consumer({ groupId: `redrives-reader-${uniqueSuffix()}` });
    await reader.connect();
    try {
      await reader.subscribe({ topic, fromBeginning: true });
      await reader.run({
        eachMessage: async ({ partition, message }) => {
          seen.push(message);
          positions.record(topic, partition, message.offset);
        },
      });
      await positions.readToEnd(topic);
    } finally {
      await reader.disconnect();
    }
    return seen;
  }

  beforeAll(async () => {
    topics = await createScratchTopics([topic, dlq]);
    writer = createIdempotentProducer(testKafka('consumers'));
    redriver = createIdempotentProducer(testKafka('dlq-tool'));
    admin = testKafka('redrives-admin').admin();
    await Promise.all([writer.connect(), redriver.connect(), admin.connect()]);
    // One partition, so the letters' offsets are 0, 1, 2, … in the order written.
    await writer.send({
      topic: dlq,
      acks: -1,
      messages: [letter('e-1', 'mediation', 10), letter('e-1', 'ops-centre', 10), letter(null, 'mediation', 11), letter(null, 'ops-centre', 11), letter('e-2', 'mediation', 12)].map((m) => ({ ...m, partition: 0 })),
    });
  });

  afterAll(async () => {
    await ledger?.stop();
    await Promise.allSettled([writer?.disconnect(), redriver?.disconnect(), admin?.disconnect()]);
    await topics?.delete();
  });

  it('reads a redriven letter as redriven, where every letter read as outstanding after a redrive; an unreadable record two groups gave up on is sent back once', async () => {
    const before = await read();
    expect(before.map((l) => [l.eventId, l.redrivenAt])).toEqual([
      ['e-1', null],
      ['e-1', null],
      [null, null],
      [null, null],
      ['e-2', null],
    ]);
    expect(before[2].origin).toEqual({ partition: 0, offset: '11' });

    // e-1 (both groups' letters) and the unreadable record (both groups' letters): one copy each.
    expect(await redrive(redriver, before.slice(0, 4))).toBe(2);
    const after = await read();
    expect(after.map((l) => l.redrivenAt !== null)).toEqual([true, true, true, true, false]);
    expect(new Set(after.slice(0, 4).map((l) => l.redrivenAt)).size).toBe(1);

    // Asked again, nothing goes: the unreadable record would reach every group as a new one.
    expect(await redrive(redriver, after)).toBe(1);
    const copies = await onTopic();
    expect(copies.map((m) => m.value?.toString()).sort()).toEqual(['not an event at all', 'payload-e-1', 'payload-e-2']);
  });

  it('counts for a view the letters redriven of those kept, read from the start and then as redrives come', async () => {
    await writer.send({ topic: dlq, acks: -1, messages: [{ ...letter('e-3', 'mediation', 13), partition: 0 }] });
    ledger = new RedriveLedger(testKafka('ledger'), 'test-redrive-ledger');
    expect(ledger.state()).toEqual({ ready: false, reason: 'the redrives are still being read' });
    await ledger.start();
    expect(ledger.state()).toEqual({ ready: true });
    expect(ledger.redrivenOf(dlq, await kept())).toBe(5);
    // A letter past the topic's retention is no letter: a record of it is not counted.
    expect(ledger.redrivenOf(dlq, [{ partition: 0, low: '2', high: '6' }])).toBe(3);

    const e3 = (await read()).filter((l) => l.eventId === 'e-3');
    expect(await redrive(redriver, e3)).toBe(1);
    await eventually(async () => ledger?.redrivenOf(dlq, await kept()) === 6, 10_000, 100);
  });

  it('reads the redrives again after it could not start, where the view said "unknown" until the replica was restarted', async () => {
    const kafka = testKafka('ledger-retry');
    let refused = 1;
    // The broker out of reach at boot, once: the first admin client fails to connect.
    const flaky = new Proxy(kafka, {
      get: (target, name) =>
        name === 'admin'
          ? () => {
              const admin = target.admin();
              return refused-- > 0 ? { ...admin, connect: () => Promise.reject(new Error('Connection error: ECONNREFUSED')) } : admin;
            }
          : Reflect.get(target, name),
    });
    const retrying = new RedriveLedger(flaky, 'test-redrive-ledger-retry', 200);
    try {
      await retrying.start();
      expect(retrying.state()).toEqual({ ready: false, reason: 'the redrives could not be read: Connection error: ECONNREFUSED' });
      await eventually(async () => (retrying.state().ready ? true : undefined), 20_000, 100);
      expect(retrying.redrivenOf(dlq, await kept())).toBe(6);
    } finally {
      await retrying.stop();
    }
  });

  it('leaves no consumer group behind once stopped', async () => {
    await ledger?.stop();
    expect(ledger?.state()).toEqual({ ready: false, reason: 'the redrives are no longer read' });
    const { groups } = await admin.listGroups();
    expect(groups.filter((g) => g.groupId.startsWith('test-redrive-ledger-'))).toEqual([]);
  });
});
