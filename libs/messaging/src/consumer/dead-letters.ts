import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { dlqTopicOf, TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { rangesFrom, readRanges } from '../kafka/read-range';
import { MAX_SEND_BYTES } from '../outbox/outbox-relay';
import { letterKey, readRedrives, redriveRecord, type LetterPosition } from './redrives';

/** An event a consumer gave up on (ReliableHandler), as its dead-letter topic keeps it. */
export interface DeadLetter {
  /** Where it lies: `<topic>.dlq`, partition and offset. */
  readonly at: LetterPosition;
  readonly originalTopic: string;
  /**
   * Where the event lay when the consumer gave up on it (`dlq_original_*`): the same for the letter
   * of each consumer group that gave up on that record. Null for a letter that does not say.
   */
  readonly origin: { readonly partition: number; readonly offset: string } | null;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** The event's own headers (CloudEvents, traceparent), without the dead-letter ones. */
  readonly headers: Record<string, Buffer>;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly consumer: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly failedAt: string;
  /**
   * When the event was first on its topic (ISO 8601), across redrives: from then on other consumer
   * groups may have applied it, and their inbox remembers it only so long. Empty if unknown.
   */
  readonly firstPublishedAt: string;
  /** When it was sent back (ISO 8601, TOPIC_REDRIVES), or null: still to deal with. */
  readonly redrivenAt: string | null;
}

const DLQ_HEADER = /^dlq_/;
/** Added to a redriven record: where it was dead-lettered, for whoever reads the topic later. */
export const REDRIVEN_FROM_HEADER = 'redriven_from';
/**
 * Added to a redriven record: when the event was first published, which a redriven copy's own
 * timestamp no longer says; the dead-letter writer keeps it (as `dlq_first_published_at`) if the copy
 * is dead-lettered again.
 */
export const FIRST_PUBLISHED_HEADER = 'first_published_at';

const text = (headers: IHeaders, name: string): string => {
  const v = headers[name];
  return v === undefined ? '' : Array.isArray(v) ? String(v[0]) : String(v);
};

/**
 * Every dead letter of the given domain topics, oldest first per partition, read to the end the
 * dead-letter topics had when the call started, by a throwaway consumer group, each with whether
 * it was redriven (read from TOPIC_REDRIVES after the letters, so a letter read is never newer than
 * the redrives read with it).
 */
export async function readDeadLetters(kafka: Kafka, topics: readonly string[]): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ranges;
  try {
    ranges = await rangesFrom(admin, topics.map(dlqTopicOf));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const letters: Array<Omit<DeadLetter, 'redrivenAt'>> = [];
  await readRanges(kafka, ranges, 'dead-letters', async ({ topic, partition, message }) => {
    const h = message.headers ?? {};
    const own = Object.fromEntries(
      Object.entries(h)
        .filter(([k]) => !DLQ_HEADER.test(k) && k !== REDRIVEN_FROM_HEADER && k !== FIRST_PUBLISHED_HEADER)
        .map(([k, v]) => [k, Buffer.from(Array.isArray(v) ? String(v[0]) : (v ?? ''))]),
    );
    letters.push({
      at: { topic, partition, offset: message.offset },
      originalTopic: text(h, 'dlq_original_topic') || topic.replace(/\.dlq$/, ''),
      origin: /^\d+$/.test(text(h, 'dlq_original_partition')) && /^\d+$/.test(text(h, 'dlq_original_offset')) ? { partition: Number(text(h, 'dlq_original_partition')), offset: text(h, 'dlq_original_offset') } : null,
      key: message.key,
      value: message.value,
      headers: own,
      eventId: text(h, 'ce_id') || null,
      eventType: text(h, 'ce_type') || null,
      consumer: text(h, 'dlq_consumer'),
      errorCode: text(h, 'dlq_error_code'),
      errorMessage: text(h, 'dlq_error_message'),
      attempts: Number(text(h, 'dlq_attempts') || 0),
      failedAt: text(h, 'dlq_failed_at'),
      firstPublishedAt: text(h, 'dlq_first_published_at') || text(h, FIRST_PUBLISHED_HEADER),
    });
  });
  const redrives = letters.length ? await readRedrives(kafka) : new Map();
  return letters.map((l) => ({ ...l, redrivenAt: redrives.get(letterKey(l.at))?.redrivenAt ?? null }));
}

/**
 * Days after which a letter is not redriven: consumers keep their inbox rows at least 38 days
 * (INBOX_RETENTION_DAYS), and a consumer group that applied the event before its inbox row went would
 * apply it again. Counted from when the event was first published, the earliest any group can have
 * applied it, not from its (latest) dead-lettering: a letter redriven and dead-lettered again, or
 * dead-lettered late by a group that lagged, is no younger for the groups that applied it at once.
 */
export const REDRIVE_HORIZON_DAYS = 37;

export const isTooOldToRedrive = (letter: DeadLetter, now: Date = new Date()): boolean => {
  const times = [letter.firstPublishedAt, letter.failedAt].map((t) => Date.parse(t)).filter(Number.isFinite);
  return times.length > 0 && now.getTime() - Math.min(...times) > REDRIVE_HORIZON_DAYS * 86_400_000;
};

/**
 * Publishes dead letters back to their original topics, as they first came (key, value, headers),
 * once the fault that stopped them is mended, one copy per event (onePerEvent); answers how many.
 * Letters already redriven are not sent again. The dead-letter topic keeps each letter (Kafka
 * deletes nothing singly) until its retention ends, so each letter's redrive is recorded on
 * TOPIC_REDRIVES once its copy is on the topic: a redrive cut short between the two leaves the
 * letters outstanding, and sent again they change nothing where an inbox remembers their event.
 * (Not in one Kafka transaction: its commit marker would end partitions that readRanges reads to
 * the last offset, and waits for, for ever.) Consumers apply events once (their inbox), so an event
 * that another consumer group had applied changes nothing more within REDRIVE_HORIZON_DAYS. Sends
 * stay under the broker's 1 MiB record batch, however many letters.
 */
export async function redrive(producer: Producer, letters: readonly DeadLetter[], now: Date = new Date()): Promise<number> {
  const due = letters.filter((l) => l.redrivenAt === null);
  if (due.length === 0) return 0;
  const byTopic = new Map<string, DeadLetter[]>();
  for (const l of onePerEvent(due)) byTopic.set(l.originalTopic, [...(byTopic.get(l.originalTopic) ?? []), l]);
  const sent = await sendCopies(producer, byTopic);
  // Every letter of an event, not only the one whose copy went: the copy answers for them all.
  const records = due.map((l) => redriveRecord({ letter: l.at, eventId: l.eventId, redrivenAt: now.toISOString() }));
  for (let i = 0; i < records.length; i += 1_000) await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: records.slice(i, i + 1_000) });
  return sent;
}

async function sendCopies(producer: Pick<Producer, 'send'>, byTopic: ReadonlyMap<string, DeadLetter[]>): Promise<number> {
  let sent = 0;
  for (const [topic, list] of byTopic) {
    let send: DeadLetter[] = [];
    let bytes = 0;
    const flush = async () => {
      if (!send.length) return;
      await producer.send({
        topic,
        acks: -1,
        messages: send.map((l) => ({
          key: l.key,
          value: l.value,
          headers: {
            ...l.headers,
            [REDRIVEN_FROM_HEADER]: `${l.at.topic}/${l.at.partition}/${l.at.offset}`,
            // A letter from before the time was kept: its failure is the earliest time known for it.
            ...(l.firstPublishedAt || l.failedAt ? { [FIRST_PUBLISHED_HEADER]: l.firstPublishedAt || l.failedAt } : {}),
          },
        })),
      });
      send = [];
      bytes = 0;
    };
    for (const l of list) {
      const size = letterBytes(l);
      if (send.length && bytes + size > MAX_SEND_BYTES) await flush();
      send.push(l);
      bytes += size;
    }
    await flush();
    sent += list.length;
  }
  return sent;
}

/**
 * The letters to send back, one per event: an event that several consumer groups dead-lettered (or
 * that was redriven and dead-lettered again) has a letter from each, and a copy sent back per letter
 * reached every group once per copy, so one bad event redriven while still bad became six letters.
 * The earliest letter of an event is kept. A letter without an event id (unreadable) is one per
 * record it came from (its origin, the same in every group's letter): no inbox can tell its copies
 * apart, so each copy sent would reach every group again. Only a letter that says neither is kept
 * each.
 */
export function onePerEvent(letters: readonly DeadLetter[]): DeadLetter[] {
  const seen = new Set<string>();
  return letters.filter((l) => {
    const key =
      l.eventId !== null ? `id\u0000${l.originalTopic}\u0000${l.eventId}` : l.origin ? `at\u0000${l.originalTopic}\u0000${l.origin.partition}\u0000${l.origin.offset}` : null;
    if (key === null) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Value, key and headers, generously counted (as the relay counts its records). */
function letterBytes(l: DeadLetter): number {
  let n = (l.value?.length ?? 0) + (l.key?.length ?? 0) + 256;
  for (const [k, v] of Object.entries(l.headers)) n += k.length + v.length + 8;
  return n;
}
