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
