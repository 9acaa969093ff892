import { Partitioners } from 'kafkajs';
import { eventually, testKafka } from './test-infra';

/**
 * How far a test's Kafka reader has read, per topic and partition, so a test can wait until it has
 * read everything on a topic before asserting that nothing more arrived, instead of sleeping "long
 * enough" (which passes on a slow machine precisely when a late duplicate would have shown it).
 */
export class ReadPositions {
  private readonly next = new Map<string, number>();

  /** Call from the reader's eachMessage (or for each message of eachBatch). */
  record(topic: string, partition: number, offset: string): void {
    const key = `${topic}/${partition}`;
    this.next.set(key, Math.max(this.next.get(key) ?? 0, Number(offset) + 1));
  }

  /**
   * For a reader that starts at the end of the topic (fromBeginning: false): marks the current end
   * as read, once its group is stable, so partitions it never receives a message from count as
   * read up to where it started.
   */
  async startedAtEnd(topic: string): Promise<void> {
    for (const p of await this.ends(topic)) this.record(topic, p.partition, String(Number(p.high) - 1));
  }

  /** Resolves once the reader has read everything that is on `topic` now (within timeoutMs). */
  async readToEnd(topic: string, timeoutMs = 30_000): Promise<void> {
    const ends = await this.ends(topic);
    await eventually(async () => ends.every((p) => (this.next.get(`${topic}/${p.partition}`) ?? Number(p.low)) >= Number(p.high)), timeoutMs, 50);
  }

  private async ends(topic: string): Promise<Array<{ partition: number; high: string; low: string }>> {
    const admin = testKafka('read-positions').admin();
    await admin.connect();
    try {
      return await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * Resolves once a service's consumer group has committed what the partition of `key` held when
 * called: whatever the service was going to do about the key's events, it has done (a group commits
 * an event's offset only after handling it). The partition is the one the platform's producers
 * choose (kafkajs' DefaultPartitioner, murmur2 as in Java).
 */
export async function groupHasRead(groupId: string, topic: string, key: string, timeoutMs = 30_000): Promise<void> {
  const admin = testKafka('group-has-read').admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const partitionMetadata = ends.map((p) => ({ partitionId: p.partition, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const partition = Partitioners.DefaultPartitioner()({ topic, partitionMetadata, message: { key, value: null } });
    const offsets = ends.find((p) => p.partition === partition);
    const end = Number(offsets?.high ?? 0);
    // Nothing (left) to read there: a group commits nothing on an empty partition.
    if (end <= Number(offsets?.low ?? 0)) return;
    let last = -1;
    await eventually(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        last = Number(committed?.partitions.find((c) => c.partition === partition)?.offset ?? -1);
        return last >= end;
      },
      timeoutMs,
      100,
    ).catch((err: Error) => {
      throw new Error(`group ${groupId} has committed ${last} on ${topic}/${partition}, not yet ${end}: ${err.message}`);
    });
  } finally {
    await admin.disconnect();
  }
}
