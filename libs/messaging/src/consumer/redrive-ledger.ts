import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { earliestKnownMs, failedAtOf, firstPublishedOf, statusOf } from './dead-letters';
import { parseLetterKey, parseRedrive, type Redrive, type RedriveState } from './redrives';

/** Offsets a partition of a dead-letter topic holds now: [low, high). */
export interface KeptRange {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Per partition of a dead-letter topic, its letters in offset order and the earliest time known of each (ms; Infinity: none). */
interface LetterTimes {
  offsets: number[];
  earliest: number[];
}

/**
 * The redrives recorded, kept up to date by a consumer that reads TOPIC_REDRIVES from its beginning
 * and stays on it, for a view asked every few seconds (ops-centre's system view), where reading the
 * topic per request would cost a consumer group's join each time. Its group is its own
 * (`<prefix>-<uuid>`, never committed, deleted on stop), so that every replica reads every partition.
 *
 * Given dead-letter topics (`dlqTopics`), it reads their letters too, keeping of each only the
 * earliest time known of its event (about 16 bytes a letter, dropped once retention deletes the
 * letter), so that letters too old to redrive are counted apart from those waiting: counted as
 * outstanding, they were work no redrive could do. Which letter is which is told by statusOf, the rule
 * the dlq tool lists them by, so the view and the tool agree.
 */
export class RedriveLedger {
  /** Per dead-letter topic and partition, the state of each letter's redrive recorded, by offset. */
  private readonly byTopic = new Map<string, Map<number, Map<number, RedriveState>>>();
  private readonly times = new Map<string, Map<number, LetterTimes>>();
  private consumer?: Consumer;
  private groupId?: string;
  private ready = false;
  private failure?: string;
  private stopped = false;
  private starting?: Promise<void>;
  /** Settles once the consumer runs or could not be started: what stop has to wait for. */
  private launched?: Promise<void>;
  private retry?: NodeJS.Timeout;

  /**
   * `retryMs`: how long after a failure (the broker out of reach at boot, a consumer crash kafkajs
   * does not restart) reading starts again. A failure kept for good left the view saying "unknown"
   * until the replica was restarted, though the broker was back a minute later.
   */
  constructor(
    private readonly kafka: Kafka,
    private readonly groupPrefix: string,
    private readonly retryMs = 15_000,
    private readonly dlqTopics: readonly string[] = [],
  ) {}

  /**
   * Starts reading; resolves once everything the topic held at the start has been read. A failure
   * is kept (see state) rather than thrown, so that a service whose view only counts on it still boots.
   */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  private async begin(): Promise<void> {
    let launched!: () => void;
    this.launched = new Promise<void>((resolve) => (launched = resolve));
    try {
      const admin = this.kafka.admin();
      await admin.connect();
      const topics = [TOPIC_REDRIVES, ...this.dlqTopics];
      const ends = await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((e) => ({ ...e, topic })))).finally(() =>
        admin.disconnect().catch(() => undefined),
      );
      const remaining = new Map(
        ends
          .flat()
          .filter((e) => Number(e.high) > Number(e.low))
          .map((e) => [`${e.topic}:${e.partition}`, Number(e.high)]),
      );
      let caughtUp!: () => void;
      const done = new Promise<void>((resolve) => (caughtUp = resolve));
      if (remaining.size === 0) caughtUp();
      if (this.stopped) return;
      // Read again from the start: what an earlier consumer read is dropped, or its letters counted twice.
      this.byTopic.clear();
      this.times.clear();
      this.groupId = `${this.groupPrefix}-${randomUUID()}`;
      const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 1_000, allowAutoTopicCreation: false });
      this.consumer = consumer;
      let crashed = false;
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        crashed = true;
        this.failure = payload.error.message;
        caughtUp();
        this.startAgainLater();
      });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          if (topic === TOPIC_REDRIVES) {
            const r = parseRedrive(message);
            if (r) this.record(r);
            else if (!message.value?.length && message.key) this.forget(message.key.toString());
          } else {
            this.letter(topic, partition, Number(message.offset), message.headers);
          }
          const key = `${topic}:${partition}`;
          const end = remaining.get(key);
          if (end !== undefined && Number(message.offset) + 1 >= end) {
            remaining.delete(key);
            if (remaining.size === 0) caughtUp();
          }
        },
      });
      launched();
      await done;
      if (this.consumer === consumer && !crashed) {
        this.ready = true;
        this.failure = undefined;
      }
    } catch (err) {
      this.failure = (err as Error).message;
      this.startAgainLater();
    } finally {
      launched();
    }
  }

  /** After a failure: a new consumer (a new group) reads the topic from its start again, unless stopped. */
  private startAgainLater(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.startAgain();
    }, this.retryMs);
    this.retry.unref();
  }

  private async startAgain(): Promise<void> {
    if (this.stopped) return;
    await this.launched;
    await this.leave();
    if (this.stopped) return;
    this.ready = false;
    this.starting = this.begin();
    await this.starting;
  }

  /** Disconnects the consumer and deletes its group, which no one else reads from. */
  private async leave(): Promise<void> {
    const consumer = this.consumer;
    const groupId = this.groupId;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId as string]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }

  /** Whether counts can be given: the topic read to where it ended at the start, and the reader still running. */
  state(): { ready: true } | { ready: false; reason: string } {
    if (this.failure) return { ready: false, reason: `the redrives could not be read: ${this.failure}` };
    if (this.stopped) return { ready: false, reason: 'the redrives are no longer read' };
    return this.ready ? { ready: true } : { ready: false, reason: 'the redrives are still being read' };
  }

  record(r: Redrive): void {
    const partitions = this.byTopic.get(r.letter.topic) ?? new Map<number, Map<number, RedriveState>>();
    this.byTopic.set(r.letter.topic, partitions);
    const offsets = partitions.get(r.letter.partition) ?? new Map<number, RedriveState>();
    partitions.set(r.letter.partition, offsets);
    offsets.set(Number(r.letter.offset), r.state);
  }

  /** A tombstone of a letter's record (forgetRecord): its letter is gone. Other keys (claims) are not letters. */
  private forget(key: string): void {
    const at = parseLetterKey(key);
    if (at) this.byTopic.get(at.topic)?.get(at.partition)?.delete(Number(at.offset));
  }

  private letter(topic: string, partition: number, offset: number, headers: IHeaders | undefined): void {
    const partitions = this.times.get(topic) ?? new Map<number, LetterTimes>();
    this.times.set(topic, partitions);
    const times = partitions.get(partition) ?? { offsets: [], earliest: [] };
    partitions.set(partition, times);
    // Offsets come in order; one read again after a rebalance is not counted twice.
    if (times.offsets.length && offset <= (times.offsets.at(-1) as number)) return;
    const earliest = earliestKnownMs({ firstPublishedAt: firstPublishedOf(headers), failedAt: failedAtOf(headers) });
    times.offsets.push(offset);
    times.earliest.push(earliest ?? Infinity);
  }

  /**
   * Letters of a dead-letter topic that were redriven, of those its partitions still keep: a record
   * of a letter the topic no longer keeps (past its retention) is no letter.
   */
  redrivenOf(dlqTopic: string, kept: readonly KeptRange[]): number {
    const partitions = this.byTopic.get(dlqTopic);
    if (!partitions) return 0;
    let n = 0;
    for (const { partition, low, high } of kept) {
      // Begun and not finished (`redriving`): not known to be sent back.
      for (const [offset, state] of partitions.get(partition) ?? []) if (state === 'redriven' && offset >= Number(low) && offset < Number(high)) n++;
    }
    return n;
  }

  /**
   * Letters kept of a dead-letter topic read (dlqTopics) that are too old to redrive (statusOf,
   * by now, as the dlq tool tells them); null for a topic not read. Forgets the letters below each kept range.
   */
  tooOldOf(dlqTopic: string, kept: readonly KeptRange[], now: Date = new Date()): number | null {
    if (!this.dlqTopics.includes(dlqTopic)) return null;
    const partitions = this.times.get(dlqTopic);
    const redriven = this.byTopic.get(dlqTopic);
    let n = 0;
    for (const { partition, low, high } of kept) {
      const times = partitions?.get(partition);
      if (!times) continue;
      let first = 0;
      while (first < times.offsets.length && times.offsets[first] < Number(low)) first++;
      if (first > 0) {
        times.offsets.splice(0, first);
        times.earliest.splice(0, first);
      }
      const states = redriven?.get(partition);
      for (let i = 0; i < times.offsets.length && times.offsets[i] < Number(high); i++) {
        const state = states?.get(times.offsets[i]);
        const earliestMs = Number.isFinite(times.earliest[i]) ? times.earliest[i] : null;
        if (statusOf({ redriven: state === 'redriven', redriving: state === 'redriving', earliestMs }, now) === 'too-old') n++;
      }
    }
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.launched;
    await this.leave();
  }
}
