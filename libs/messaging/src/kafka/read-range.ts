import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';

/** Offsets [start, end) of one partition. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The non-empty ranges of `topics` from the first record at or after `from` (or the beginning) to
 * the log end offsets as they are now: a read of them ends, however much is written meanwhile.
 */
export async function rangesFrom(admin: Admin, topics: readonly string[], from?: Date): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of topics) {
    const [starts, ends] = await Promise.all([from ? admin.fetchTopicOffsetsByTimestamp(topic, from.getTime()) : undefined, admin.fetchTopicOffsets(topic)]);
    for (const e of ends) {
      // By timestamp, -1 means no record that late; from the beginning, `low` is the first one kept.
      const first = starts ? Number(starts.find((x) => x.partition === e.partition)?.offset ?? -1) : Number(e.low);
      const start = first >= 0 ? first : Number(e.high);
      if (start < Number(e.high)) ranges.push({ topic, partition: e.partition, start, end: Number(e.high) });
    }
  }
  return ranges;
}

export interface RangeMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  heartbeat(): Promise<void>;
}

/**
 * Reads the ranges, partition by partition in offset order, with a consumer of a throwaway group
 * (`<groupPrefix>-<uuid>`, deleted afterwards), so no live group's offsets or members are touched.
 * `each` returns false to stop early. Ends with `end` (every range read), `stopped` or `aborted`.
 */
export async function readRanges(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  groupPrefix: string,
  each: (m: RangeMessage) => Promise<boolean | void>,
  signal?: AbortSignal,
): Promise<'end' | 'stopped' | 'aborted'> {
  if (signal?.aborted) return 'aborted';
  if (ranges.length === 0) return 'end';
  const remaining = new Map(ranges.map((r) => [`${r.topic}:${r.partition}`, r]));
  const groupId = `${groupPrefix}-${randomUUID()}`;
  const admin = kafka.admin();
  let consumer: Consumer | undefined;
  let resolveDone!: (reason: 'end' | 'stopped' | 'aborted') => void;
  const done = new Promise<'end' | 'stopped' | 'aborted'>((r) => (resolveDone = r));
  const onAbort = () => resolveDone('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await admin.connect();
    consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: true });
    let stopped = false;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const key = `${topic}:${partition}`;
        const range = remaining.get(key);
        const offset = Number(message.offset);
        if (stopped || signal?.aborted || !range || offset < range.start || offset >= range.end) return;
        if (offset + 1 >= range.end) remaining.delete(key);
        if ((await each({ topic, partition, message, heartbeat })) === false) {
          stopped = true;
          return resolveDone('stopped');
        }
        if (remaining.size === 0) resolveDone('end');
      },
    });
    // kafkajs has no assign(): seek each partition of the throwaway group to where its range starts.
    for (const r of remaining.values()) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
    return await done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer?.disconnect().catch(() => undefined);
    if (consumer) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
