import { randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intSettings } from './int-settings';

/**
 * Pins what the services rely on from kafkajs 2.2.4 against the broker version infra.sh runs:
 * idempotent acks=all production, per-key order, and a consumer group that really splits the
 * partitions between its members.
 */
const { kafkaBrokers } = intSettings();
const kafka = new Kafka({ clientId: 'infra-int-kafka', brokers: [...kafkaBrokers], logLevel: logLevel.NOTHING });
const run = randomUUID().slice(0, 8);
const topic = `it.infra.kafkajs.${run}`;
const PARTITIONS = 6;
/** Two keys per partition, as the producer's default partitioner (murmur2, Java-compatible) places them. */
const KEYS = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  const perPartition = new Map<number, string[]>();
  for (let i = 0; [...perPartition.values()].flat().length < 2 * PARTITIONS; i++) {
    const key = `key-${i}`;
    const p = partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
    const keys = perPartition.get(p) ?? [];
    if (keys.length < 2) perPartition.set(p, [...keys, key]);
  }
  return [...perPartition.values()].flat();
})();
const PER_KEY = 20;
const TOTAL = KEYS.length * PER_KEY;

interface Received {
  readonly key: string;
  readonly seq: number;
  readonly partition: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];
const groups: string[] = [];

async function startConsumer(groupId: string, sink: Received[]): Promise<Consumer> {
  // A short fetch long-poll lets a member notice a rebalance (and the test finish) sooner.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const { key, seq } = JSON.parse(String(message.value)) as { key: string; seq: number };
      expect(String(message.key)).toBe(key);
      sink.push({ key, seq, partition });
    },
  });
  return consumer;
}

describe('kafkajs against the local broker', () => {
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    if (admin) {
      await admin.deleteGroups(groups).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('an idempotent acks=all producer writes keyed messages to every partition', async () => {
    // One send per sequence number, each carrying every key, so per-key order spans many batches.
    for (let seq = 0; seq < PER_KEY; seq++) {
      const records = await producer.send({
        topic,
        acks: -1,
        messages: KEYS.map((key) => ({ key, value: JSON.stringify({ key, seq }) })),
      });
      for (const record of records) expect(record.errorCode).toBe(0);
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    const written = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    expect(written).toBe(TOTAL);
    expect(offsets.filter((p) => Number(p.high) > 0)).toHaveLength(PARTITIONS);
  });

  it('a consumer reads every message, each key in production order', async () => {
    const groupId = `it.infra.single.${run}`;
    groups.push(groupId);
    const received: Received[] = [];
    const consumer = await startConsumer(groupId, received);
    await waitFor(`${TOTAL} messages`, () => received.length >= TOTAL);
    await consumer.stop();

    expect(received).toHaveLength(TOTAL);
    for (const key of KEYS) {
      const ofKey = received.filter((r) => r.key === key);
      expect(ofKey.map((r) => r.seq)).toEqual(Array.from({ length: PER_KEY }, (_, i) => i));
      // Same key, same partition: that is what makes the order hold.
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
    }
  });

  it('two consumers of one group both get partitions and together read everything', async () => {
    const groupId = `it.infra.pair.${run}`;
    groups.push(groupId);
    const first: Received[] = [];
    const second: Received[] = [];
    await startConsumer(groupId, first);
    await startConsumer(groupId, second);

    const assignments = async (): Promise<number[][]> => {
      const { groups: described } = await admin.describeGroups([groupId]);
      const group = described[0];
      if (!group || group.state !== 'Stable') return [];
      return group.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
    };
    const distinct = () => new Set([...first, ...second].map((r) => `${r.key}/${r.seq}`)).size;
    await waitFor('a stable two-member group that consumed everything', async () => {
      const perMember = await assignments();
      return perMember.length === 2 && perMember.every((p) => p.length > 0) && distinct() >= TOTAL;
    });

    const perMember = await assignments();
    expect(perMember).toHaveLength(2);
    for (const partitions of perMember) expect(partitions.length).toBeGreaterThan(0);
    expect(perMember.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
    expect(distinct()).toBe(TOTAL);
  });
});
