import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { createScratchTopics, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { rangesFrom, readRangesInTimeOrder, type PartitionRange } from './read-range';

/**
 * Two topics of three partitions each, written so that every partition holds every sixth moment of
 * one minute: read partition by partition the moments come in six runs; merged, in one rising line.
 */
describe('reading ranges of several partitions in time order', () => {
  const topics = [`test.read-range.a.${uniqueSuffix()}`, `test.read-range.b.${uniqueSuffix()}`];
  const PER_PARTITION = 10;
  const base = Date.now() - 3_600_000;
  let kafka: Kafka;
  let producer: Producer;
  let ranges: PartitionRange[];
  let dropTopics: () => Promise<void>;

  beforeAll(async () => {
    dropTopics = (await createScratchTopics(topics, 3)).delete;
    kafka = testKafka('read-range');
    producer = kafka.producer();
    await producer.connect();
    // Moment i goes to topic i % 2, partition (i >> 1) % 3: each partition's moments rise with its offsets.
    for (let i = 0; i < 6 * PER_PARTITION; i++) {
      await producer.send({
        topic: topics[i % 2],
        messages: [{ partition: (i >> 1) % 3, value: Buffer.from(String(i)), timestamp: String(base + i * 1_000) }],
      });
    }
    const admin = kafka.admin();
    await admin.connect();
    ranges = await rangesFrom(admin, topics);
    await admin.disconnect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await dropTopics?.();
  });

  const read = async (perPartition: number, stopAfter = Infinity) => {
    const moments: number[] = [];
    const ended = await readRangesInTimeOrder(
      kafka,
      ranges,
      'read-range-test',
      async ({ message }) => {
        moments.push(Number(message.value?.toString()));
        return moments.length < stopAfter;
      },
      undefined,
      perPartition,
    );
    return { ended, moments };
  };

  it('gives every record once, in time order across partitions and topics', async () => {
    const { ended, moments } = await read(500);
    expect(ended).toBe('end');
    expect(moments).toEqual(Array.from({ length: 6 * PER_PARTITION }, (_, i) => i));
  });

  it('keeps that order and loses nothing when partitions are paused for holding too much', async () => {
    const { ended, moments } = await read(2);
    expect(ended).toBe('end');
    expect(moments).toEqual(Array.from({ length: 6 * PER_PARTITION }, (_, i) => i));
  });

  it('reads a start before 1970 as the beginning, which the broker refused as a negative timestamp', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const from of ['1900-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) expect(await rangesFrom(admin, topics, new Date(from)), from).toEqual(ranges);
      // The epoch itself is a timestamp the broker answers: the same, every record being later.
      expect(await rangesFrom(admin, topics, new Date(0))).toEqual(ranges);
    } finally {
      await admin.disconnect();
    }
  });

  it('stops where the reader says, and hands on what the reader throws', async () => {
    expect(await read(500, 7)).toEqual({ ended: 'stopped', moments: [0, 1, 2, 3, 4, 5, 6] });
    const failing = readRangesInTimeOrder(kafka, ranges, 'read-range-test', async () => {
      throw new Error('reader failed');
    });
    await expect(failing).rejects.toThrow('reader failed');
  });
});
