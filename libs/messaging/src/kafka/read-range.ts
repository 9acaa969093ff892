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
 * the log end offsets as they are now: a read of them ends, however much is written meanwhile. A
 * `from` before 1970 is the beginning: Kafka's record timestamps start at the epoch, and the broker
 * refuses a negative one in a ListOffsets request ("The version of API is not supported"), where
 * -1 and -2 mean latest and earliest.
 */
export async function rangesFrom(admin: Admin, topics: readonly string[], from?: Date): Promise<PartitionRange[]> {
  return rangesBetween(admin, topics, from);
}

/**
 * As rangesFrom, ending before the first record at or after `until` (by timestamp) where one is, so
 * that a read of a window of time reads that window, not everything written since; without `until`,
 * or with none that late, at the log end offsets as they are now. (By the broker's time index: the
 * first offset whose timestamp is at or after the time, as a partition's timestamps rise with its
 * offsets near enough.)
 */
export async function rangesBetween(admin: Admin, topics: readonly string[], from?: Date, until?: Date): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  const at = (d: Date | undefined) => (d && d.getTime() >= 0 ? d.getTime() : undefined);
  const since = at(from);
  const before = until && until.getTime() < 0 ? 0 : at(until);
  for (const topic of topics) {
    const [starts, stops, ends] = await Promise.all([
      since !== undefined ? admin.fetchTopicOffsetsByTimestamp(topic, since) : undefined,
      before !== undefined ? admin.fetchTopicOffsetsByTimestamp(topic, before) : undefined,
      admin.fetchTopicOffsets(topic),
    ]);
    for (const e of ends) {
      // By timestamp, -1 means no record that late; from the beginning, `low` is the first one kept.
      const first = starts ? Number(starts.find((x) => x.partition === e.partition)?.offset ?? -1) : Number(e.low);
      const start = first >= 0 ? first : Number(e.high);
      const stop = stops ? Number(stops.find((x) => x.partition === e.partition)?.offset ?? -1) : -1;
      const end = stop >= 0 ? Math.min(stop, Number(e.high)) : Number(e.high);
      if (start < end) ranges.push({ topic, partition: e.partition, start, end });
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

type Ended = 'end' | 'stopped' | 'aborted';

/**
 * Runs `read` with a consumer of a throwaway group (`<groupPrefix>-<uuid>`, deleted afterwards)
 * subscribed to the ranges' topics, each partition sought to where its range starts, so no live
 * group's offsets or members are touched. Resolves with what `read` is given to call `done` with,
 * or `aborted` on the signal.
 */
async function withThrowawayConsumer(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  groupPrefix: string,
  signal: AbortSignal | undefined,
  read: (consumer: Consumer, done: (reason: Ended) => void) => Promise<void>,
): Promise<Ended> {
  const groupId = `${groupPrefix}-${randomUUID()}`;
  const admin = kafka.admin();
  let consumer: Consumer | undefined;
  let resolveDone!: (reason: Ended) => void;
  const done = new Promise<Ended>((r) => (resolveDone = r));
  const onAbort = () => resolveDone('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await admin.connect();
    consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: true });
    await read(consumer, resolveDone);
    // kafkajs has no assign(): seek each partition of the throwaway group to where its range starts.
    for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
    return await done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer?.disconnect().catch(() => undefined);
    if (consumer) await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Reads the ranges, partition by partition in offset order, with a consumer of a throwaway group.
 * `each` returns false to stop early. Ends with `end` (every range read), `stopped` or `aborted`.
 */
export async function readRanges(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  groupPrefix: string,
  each: (m: RangeMessage) => Promise<boolean | void>,
  signal?: AbortSignal,
): Promise<Ended> {
  if (signal?.aborted) return 'aborted';
  if (ranges.length === 0) return 'end';
  const remaining = new Map(ranges.map((r) => [`${r.topic}:${r.partition}`, r]));
  return withThrowawayConsumer(kafka, ranges, groupPrefix, signal, async (consumer, done) => {
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
          return done('stopped');
        }
        if (remaining.size === 0) done('end');
      },
    });
  });
}

interface PartitionQueue {
  readonly range: PartitionRange;
  readonly messages: KafkaMessage[];
  /** The next offset to take: a partition resumed after a pause may be fetched again from before it. */
  next: number;
  paused: boolean;
}

const timestampOf = (m: KafkaMessage): number => Number(m.timestamp);

/**
 * Reads the ranges merged across partitions and topics in record timestamp order (ties in topic and
 * partition order), as a replay must show them: read partition by partition, an hour of one country
 * would come before the same hour of the next. Each partition's records are held in a queue of at
 * most `perPartition`; a partition whose queue is full is paused until it drains, so memory stays
 * bounded however long the ranges are. A record goes out once every partition not yet read to its
 * end has one waiting, so nothing earlier can still come (a partition's timestamps rise with its
 * offsets, near enough: one active relay per service writes each topic). `each` returns false to
 * stop early; an error it throws ends the read and is thrown.
 */
export async function readRangesInTimeOrder(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  groupPrefix: string,
  each: (m: RangeMessage) => Promise<boolean | void>,
  signal?: AbortSignal,
  perPartition = 500,
): Promise<Ended> {
  if (signal?.aborted) return 'aborted';
  if (ranges.length === 0) return 'end';
  const queues = new Map<string, PartitionQueue>(ranges.map((r) => [`${r.topic}:${r.partition}`, { range: r, messages: [], next: r.start, paused: false }]));
  let heartbeat: () => Promise<void> = async () => undefined;
  let failure: { error: unknown } | undefined;
  const ended = await withThrowawayConsumer(kafka, ranges, groupPrefix, signal, async (consumer, done) => {
    let pumping = false;
    let finished = false;
    const finish = (reason: Ended) => {
      finished = true;
      done(reason);
    };
    const readToEnd = (q: PartitionQueue) => q.next >= q.range.end;
    const pump = async (): Promise<void> => {
      if (pumping) return;
      pumping = true;
      try {
        while (!finished && !signal?.aborted) {
          let first: PartitionQueue | undefined;
          let waiting = false;
          for (const q of queues.values()) {
            if (q.messages.length === 0) {
              if (!readToEnd(q)) waiting = true;
              continue;
            }
            if (!first || timestampOf(q.messages[0]) < timestampOf(first.messages[0])) first = q;
          }
          if (waiting) return;
          if (!first) return finish('end');
          const message = first.messages.shift() as KafkaMessage;
          if (first.paused && first.messages.length <= perPartition / 2) {
            first.paused = false;
            consumer.resume([{ topic: first.range.topic, partitions: [first.range.partition] }]);
          }
          if ((await each({ topic: first.range.topic, partition: first.range.partition, message, heartbeat: () => heartbeat() })) === false) return finish('stopped');
        }
      } finally {
        pumping = false;
      }
    };
    // `each` runs outside kafkajs' handler, so its failure would otherwise be lost: it ends the read
    // and is thrown to the caller.
    const failed = (error: unknown) => {
      failure ??= { error };
      finish('stopped');
    };
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message, heartbeat: beat }) => {
        heartbeat = beat;
        const q = queues.get(`${topic}:${partition}`);
        const offset = Number(message.offset);
        if (finished || !q || offset < q.next || offset >= q.range.end) return;
        q.next = offset + 1;
        q.messages.push(message);
        if (q.messages.length >= perPartition && !q.paused && !readToEnd(q)) {
          q.paused = true;
          consumer.pause([{ topic, partitions: [partition] }]);
        }
        void pump().catch(failed);
      },
    });
  });
  if (failure) throw failure.error;
  return ended;
}
