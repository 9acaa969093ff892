import type { IHeaders, Kafka } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { rangesFrom, readRanges } from '../kafka/read-range';
import { letterKey, readRedrives, type LetterPosition } from './redrives';

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
  /**
   * The event's value did not fit its dead-letter topic with the letter's headers and was cut to its
   * first bytes (ReliableHandler): how long it was and its SHA-256, to find it by at its source. Such
   * a letter is never redriven (it would deliver a truncated event); null when the value is whole.
   */
  readonly valueCut: { readonly originalBytes: number; readonly sha256: string } | null;
  /** When it was sent back (ISO 8601, TOPIC_REDRIVES), or null: not known to be. */
  readonly redrivenAt: string | null;
  /**
   * A redrive began sending it back (recorded its intent) and did not record that the copy went: it
   * is under way, or was cut short; its copy may be on the topic or not (the next redrive looks).
   * `copyOf`: letterKey of the letter whose copy answers for it. Null when not.
   */
  readonly redriving: { readonly since: string; readonly copyOf: string } | null;
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
/** Set by the dead-letter writer (ReliableHandler): when the event was first published, as it knew. */
export const DLQ_FIRST_PUBLISHED_HEADER = 'dlq_first_published_at';

/**
 * Set by the dead-letter writer on a letter whose value it cut to fit the dead-letter topic: the
 * value's length in bytes before the cut (and DLQ_VALUE_SHA256_HEADER its SHA-256, hex).
 */
export const DLQ_VALUE_CUT_HEADER = 'dlq_value_cut_from_bytes';
export const DLQ_VALUE_SHA256_HEADER = 'dlq_value_sha256';

const text = (headers: IHeaders | undefined, name: string): string => {
  const v = headers?.[name];
  return v === undefined ? '' : Array.isArray(v) ? String(v[0]) : String(v);
};

/** When a letter's event was first published (ISO 8601), as its headers say; empty if they do not. */
export const firstPublishedOf = (headers: IHeaders | undefined): string => text(headers, DLQ_FIRST_PUBLISHED_HEADER) || text(headers, FIRST_PUBLISHED_HEADER);

/** When a letter was dead-lettered (ISO 8601), as its headers say; empty if they do not. */
export const failedAtOf = (headers: IHeaders | undefined): string => text(headers, 'dlq_failed_at');

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
  const letters: Array<Omit<DeadLetter, 'redrivenAt' | 'redriving'>> = [];
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
      failedAt: failedAtOf(h),
      firstPublishedAt: firstPublishedOf(h),
      valueCut: /^\d+$/.test(text(h, DLQ_VALUE_CUT_HEADER)) ? { originalBytes: Number(text(h, DLQ_VALUE_CUT_HEADER)), sha256: text(h, DLQ_VALUE_SHA256_HEADER) } : null,
    });
  });
  const redrives = letters.length ? await readRedrives(kafka) : new Map();
  return letters.map((l) => {
    const r = redrives.get(letterKey(l.at));
    return { ...l, redrivenAt: r?.state === 'redriven' ? r.redrivenAt : null, redriving: r?.state === 'redriving' ? { since: r.redrivenAt, copyOf: r.copyOf } : null };
  });
}

/**
 * What the consumer did with a letter's event, for an engineer: how many attempts it gave up after,
 * or, for a record whose envelope it could not read (no attempt was made: dlq_attempts 0), that it
 * refused it, which "gave up after 0 attempt(s)" hid.
 */
export function handlingOf(letter: Pick<DeadLetter, 'consumer' | 'attempts'>): string {
  return letter.attempts === 0 ? `${letter.consumer} refused it: no readable envelope` : `${letter.consumer} gave up after ${letter.attempts} attempt(s)`;
}

/** For a letter whose value was cut to fit its dead-letter topic, what was cut and why it is not redriven; null for a whole one. */
export function valueCutOf(letter: Pick<DeadLetter, 'valueCut' | 'value'>): string | null {
  if (!letter.valueCut) return null;
  return (
    `VALUE CUT: ${letter.valueCut.originalBytes} bytes (sha256 ${letter.valueCut.sha256}) did not fit the dead-letter topic, ` +
    `${letter.value?.length ?? 0} kept; not redriven (a copy would be a truncated event): publish it again from its source`
  );
}

/**
 * Days after which a letter is not redriven: consumers keep their inbox rows at least 38 days
 * (INBOX_RETENTION_DAYS), and a consumer group that applied the event before its inbox row went would
 * apply it again. Counted from when the event was first published, the earliest any group can have
 * applied it, not from its (latest) dead-lettering: a letter redriven and dead-lettered again, or
 * dead-lettered late by a group that lagged, is no younger for the groups that applied it at once.
 */
export const REDRIVE_HORIZON_DAYS = 37;

/** The earliest time known of a letter's event (ms since the epoch), or null if it says none. */
export const earliestKnownMs = (letter: Pick<DeadLetter, 'firstPublishedAt' | 'failedAt'>): number | null => {
  const times = [letter.firstPublishedAt, letter.failedAt].map((t) => Date.parse(t)).filter(Number.isFinite);
  return times.length ? Math.min(...times) : null;
};

export const REDRIVE_HORIZON_MS = REDRIVE_HORIZON_DAYS * 86_400_000;

export const isTooOldToRedrive = (letter: Pick<DeadLetter, 'firstPublishedAt' | 'failedAt'>, now: Date = new Date()): boolean => {
  const earliest = earliestKnownMs(letter);
  return earliest !== null && now.getTime() - earliest > REDRIVE_HORIZON_MS;
};

/**
 * Where a letter stands, for an engineer: `redriven` (its copy went), `too-old` (not known to be
 * redriven and past REDRIVE_HORIZON_DAYS: it cannot be sent back, and is no work waiting for a
 * redrive), `redriving` (a redrive began it and did not record its end) or `outstanding` (to deal
 * with). Too old wins over redriving: a redrive cut short on a letter since grown too old cannot be
 * finished by sending it, so it is no work to do; the next redrive still looks for its copy and, if
 * it went, records it redriven.
 */
export type LetterStatus = 'outstanding' | 'redriving' | 'redriven' | 'too-old';

/** What a letter's status is told from: the one rule for the tools (letterStatus) and the ledger a view reads (RedriveLedger). */
export interface LetterFacts {
  /** Its redrive recorded as done. */
  readonly redriven: boolean;
  /** A redrive recorded as begun and not done. */
  readonly redriving: boolean;
  /** The earliest time known of its event (earliestKnownMs), or null: none known. */
  readonly earliestMs: number | null;
}

export function statusOf(facts: LetterFacts, now: Date = new Date()): LetterStatus {
  if (facts.redriven) return 'redriven';
  if (facts.earliestMs !== null && now.getTime() - facts.earliestMs > REDRIVE_HORIZON_MS) return 'too-old';
  return facts.redriving ? 'redriving' : 'outstanding';
}

export function letterStatus(letter: DeadLetter, now: Date = new Date()): LetterStatus {
  return statusOf({ redriven: letter.redrivenAt !== null, redriving: letter.redriving !== null, earliestMs: earliestKnownMs(letter) }, now);
}
