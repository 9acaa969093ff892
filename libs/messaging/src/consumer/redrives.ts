import type { Kafka, KafkaMessage } from 'kafkajs';
import { TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { rangesFrom, readRanges } from '../kafka/read-range';

/** Where a dead letter lies: its dead-letter topic, partition and offset. */
export interface LetterPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * How far a letter's redrive went. `redriving`: recorded before its copy is sent, so that a redrive
 * cut short between sending and recording does not leave the letter reading as untouched (and sent
 * again by the next redrive): it reads as begun, and the next redrive looks on the topic for its copy.
 * `redriven`: its copy is on the topic.
 */
export type RedriveState = 'redriving' | 'redriven';

/** That a dead letter was (being) sent back, as TOPIC_REDRIVES keeps it. */
export interface Redrive {
  readonly letter: LetterPosition;
  readonly eventId: string | null;
  /** Records written before intents were recorded have none, and were written once the copy went: redriven. */
  readonly state: RedriveState;
  /**
   * letterKey of the letter whose copy answers for this one (onePerEvent sends one copy per event;
   * that copy carries it in its redriven_from header): what an interrupted redrive is checked by.
   */
  readonly copyOf: string;
  /** When (ISO 8601): the copy went (redriven), or the redrive began (redriving). */
  readonly redrivenAt: string;
}

/** What a redrive record is written from: state and copyOf default to a letter redriven by its own copy. */
export type RedriveInput = Omit<Redrive, 'state' | 'copyOf'> & Partial<Pick<Redrive, 'state' | 'copyOf'>>;

/** The key of a letter's redrive record: a letter redriven again replaces its record when compacted. */
export const letterKey = (at: LetterPosition): string => `${at.topic}/${at.partition}/${at.offset}`;

/** A letterKey read back; null for a key that is not one (a claim's, see redrive-claim.ts). */
export function parseLetterKey(key: string): LetterPosition | null {
  const m = /^(.+)\/(\d+)\/(\d+)$/.exec(key);
  return m ? { topic: m[1], partition: Number(m[2]), offset: m[3] } : null;
}

export function redriveRecord(redrive: RedriveInput): { key: string; value: string } {
  const { letter, eventId, redrivenAt } = redrive;
  const full: Redrive = { letter, eventId, state: redrive.state ?? 'redriven', copyOf: redrive.copyOf ?? letterKey(letter), redrivenAt };
  return { key: letterKey(letter), value: JSON.stringify(full) };
}

/**
 * The record that lets compaction remove a letter's redrive record (null value, same key): for a
 * letter its dead-letter topic no longer keeps, whose record no reader counts any more. Without it
 * the compacted topic kept one record per letter ever redriven, for ever.
 */
export function forgetRecord(at: LetterPosition): { key: string; value: null } {
  return { key: letterKey(at), value: null };
}

/** A redrive record read back; null for one that is not (a tombstone, or what some other tool wrote). */
export function parseRedrive(message: Pick<KafkaMessage, 'value'>): Redrive | null {
  if (!message.value?.length) return null;
  try {
    const r = JSON.parse(message.value.toString('utf8')) as Partial<Redrive>;
    const at = r.letter;
    if (!at || typeof at.topic !== 'string' || typeof at.partition !== 'number' || typeof at.offset !== 'string' || typeof r.redrivenAt !== 'string') return null;
    const letter = { topic: at.topic, partition: at.partition, offset: at.offset };
    return {
      letter,
      eventId: typeof r.eventId === 'string' ? r.eventId : null,
      state: r.state === 'redriving' ? 'redriving' : 'redriven',
      copyOf: typeof r.copyOf === 'string' ? r.copyOf : letterKey(letter),
      redrivenAt: r.redrivenAt,
    };
  } catch {
    return null;
  }
}

/** Every redrive recorded, by letter (letterKey), the latest of each; read to the end the topic had when the call started. */
export async function readRedrives(kafka: Kafka): Promise<Map<string, Redrive>> {
  const admin = kafka.admin();
  await admin.connect();
  let ranges;
  try {
    ranges = await rangesFrom(admin, [TOPIC_REDRIVES]);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const redrives = new Map<string, Redrive>();
  await readRanges(kafka, ranges, 'dead-letter-redrives', async ({ message }) => {
    const r = parseRedrive(message);
    if (r) redrives.set(letterKey(r.letter), r);
    // A tombstone: the letter's record forgotten (forgetRecord).
    else if (!message.value?.length && message.key) redrives.delete(message.key.toString());
  });
  return redrives;
}

