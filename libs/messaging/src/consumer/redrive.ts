import type { Kafka, Producer } from 'kafkajs';
import { TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { rangesBetween, readRanges } from '../kafka/read-range';
import { MAX_SEND_BYTES } from '../outbox/outbox-relay';
import { FIRST_PUBLISHED_HEADER, REDRIVEN_FROM_HEADER, type DeadLetter } from './dead-letters';
import { CLAIM_EXPIRES_MS } from './redrive-claim';
import { forgetRecord, letterKey, readRedrives, redriveRecord, type RedriveInput } from './redrives';

export interface RedriveOptions {
  /** The time recorded (tests); by default the time each record is written. */
  readonly now?: Date;
  /** Called before each send; throws to stop the redrive there (RedriveClaim.assertHeld). */
  readonly beforeSend?: () => void;
}

/**
 * Publishes dead letters back to their original topics, as they first came (key, value, headers),
 * once the fault that stopped them is mended, one copy per event (onePerEvent); answers how many.
 * Letters already redriven are not sent again. The dead-letter topic keeps each letter (Kafka
 * deletes nothing singly) until its retention ends, so each letter's redrive is recorded on
 * TOPIC_REDRIVES, twice: `redriving` before its copy is sent, `redriven` once the copy is on the
 * topic. A redrive cut short in between leaves its letters `redriving`, not outstanding: recorded
 * only after, such letters read as untouched and the next redrive sent them again (harmless to a
 * consumer whose inbox remembers the event id; not to a record without one, which reached every
 * consumer group again and came back as new letters). The next redrive looks on the topic for their
 * copies (confirmInterrupted) and sends only those that did not go. (Not in one Kafka transaction:
 * its commit marker would end partitions that readRanges reads to the last offset, and waits for,
 * for ever.) Consumers apply events once (their inbox), so an event that another consumer group had
 * applied changes nothing more within REDRIVE_HORIZON_DAYS. Sends stay under the broker's 1 MiB
 * record batch, however many letters.
 */
export async function redrive(producer: Producer, letters: readonly DeadLetter[], options: RedriveOptions = {}): Promise<number> {
  const due = letters.filter((l) => l.redrivenAt === null);
  if (due.length === 0) return 0;
  const cut = due.filter((l) => l.valueCut !== null);
  if (cut.length) throw new LetterValueCutError(cut);
  const beforeSend = options.beforeSend ?? (() => undefined);
  const at = () => (options.now ?? new Date()).toISOString();
  const copies = onePerEvent(due);
  // Every letter of an event, not only the one whose copy goes: the copy answers for them all.
  const copyOf = new Map(copies.map((l) => [eventKey(l) ?? letterKey(l.at), letterKey(l.at)]));
  const records = (state: 'redriving' | 'redriven', when: string): RedriveInput[] =>
    due.map((l) => ({ letter: l.at, eventId: l.eventId, state, copyOf: copyOf.get(eventKey(l) ?? letterKey(l.at)) ?? letterKey(l.at), redrivenAt: when }));
  beforeSend();
  await recordRedrives(producer, records('redriving', at()));
  const byTopic = new Map<string, DeadLetter[]>();
  for (const l of copies) byTopic.set(l.originalTopic, [...(byTopic.get(l.originalTopic) ?? []), l]);
  const sent = await sendCopies(producer, byTopic, beforeSend);
  await recordRedrives(producer, records('redriven', at()));
  return sent;
}

/**
 * A redrive was asked to send letters whose value the dead-letter writer cut to fit (valueCut): a
 * copy would deliver a truncated event, so nothing is sent. Their events are to be published again
 * from their source; planRedrive keeps such letters out of a redrive.
 */
export class LetterValueCutError extends Error {
  readonly code = 'MESSAGING.LETTER_VALUE_CUT';
  constructor(readonly letters: readonly DeadLetter[]) {
    super(
      `not redriving ${letters.length} letter(s) whose value was cut to fit the dead-letter topic (a copy would be a truncated event): ` +
        letters.map((l) => `${l.eventId ?? '(no id)'} at ${letterKey(l.at)}, ${l.valueCut?.originalBytes} bytes, sha256 ${l.valueCut?.sha256}`).join('; '),
    );
    this.name = 'LetterValueCutError';
  }
}

async function recordRedrives(producer: Pick<Producer, 'send'>, redrives: readonly RedriveInput[]): Promise<void> {
  const records = redrives.map(redriveRecord);
  for (let i = 0; i < records.length; i += 1_000) await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: records.slice(i, i + 1_000) });
}

/**
 * How far either side of a redrive's window its copies are looked for: a broker that stamps records
 * with its own clock (LogAppendTime) may be a little behind or ahead of the one that recorded it.
 */
const COPY_CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * Where the copies of a redrive begun at `since` can lie on its topic, by timestamp: from its start
 * to CLAIM_EXPIRES_MS after it (its holder sends nothing once it has held the topic CLAIM_HOLD_MS,
 * and the claim's expiry covers a send still under way then), with COPY_CLOCK_MARGIN_MS either side.
 * A `since` that cannot be read is the whole topic (no redrive writes one).
 */
export function copyWindow(since: string): { from: number; until: number } {
  const at = Date.parse(since);
  if (!Number.isFinite(at)) return { from: 0, until: Infinity };
  return { from: at - COPY_CLOCK_MARGIN_MS, until: at + CLAIM_EXPIRES_MS + COPY_CLOCK_MARGIN_MS };
}

/**
 * Of letters a redrive began and did not finish (`redriving`), those whose copy is on their topic
 * (a record there whose redriven_from header names the letter that answers for them, written within
 * the window of the redrive that began them, copyWindow) and those whose copy is not. Only those
 * windows are read: read from the redrive's start to the topic's end, a redrive cut short weeks ago
 * on a busy topic took the next one longer than its claim's hold to check, so it lapsed before its
 * first send, every run after read the same and the letters stayed `redriving` for ever. Call it
 * while holding the topic's claim (claimRedrive), so that no redrive is still sending.
 */
export async function confirmInterrupted(kafka: Kafka, letters: readonly DeadLetter[]): Promise<{ sent: DeadLetter[]; notSent: DeadLetter[] }> {
  const begun = letters.filter((l) => l.redriving !== null && l.redrivenAt === null);
  if (begun.length === 0) return { sent: [], notSent: [] };
  const found = new Set<string>();
  const windows = new Map<string, Array<{ from: number; until: number }>>();
  for (const l of begun) windows.set(l.originalTopic, [...(windows.get(l.originalTopic) ?? []), copyWindow(l.redriving?.since ?? '')]);
  const admin = kafka.admin();
  await admin.connect();
  // One read per window (readRanges reads one range a partition), windows that overlap read as one.
  const reads = [];
  try {
    for (const [topic, list] of windows) {
      for (const w of mergeWindows(list)) {
        const until = Number.isFinite(w.until) ? new Date(w.until) : undefined;
        reads.push(await rangesBetween(admin, [topic], new Date(Math.max(0, w.from)), until));
      }
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  for (const ranges of reads) {
    await readRanges(kafka, ranges, 'dead-letter-redrive-check', async ({ message }) => {
      const from = message.headers?.[REDRIVEN_FROM_HEADER];
      if (from !== undefined) found.add(String(Array.isArray(from) ? from[0] : from));
    });
  }
  return { sent: begun.filter((l) => found.has(l.redriving?.copyOf ?? '')), notSent: begun.filter((l) => !found.has(l.redriving?.copyOf ?? '')) };
}

/** The windows, those that overlap merged, in time order. */
function mergeWindows(windows: ReadonlyArray<{ from: number; until: number }>): Array<{ from: number; until: number }> {
  const merged: Array<{ from: number; until: number }> = [];
  for (const w of [...windows].sort((a, b) => a.from - b.from)) {
    const last = merged.at(-1);
    if (last && w.from <= last.until) last.until = Math.max(last.until, w.until);
    else merged.push({ ...w });
  }
  return merged;
}

/** Records letters as redriven whose copy confirmInterrupted found on the topic. */
export async function recordRedriven(producer: Producer, letters: readonly DeadLetter[], now: Date = new Date()): Promise<void> {
  await recordRedrives(
    producer,
    letters.map((l) => ({ letter: l.at, eventId: l.eventId, state: 'redriven', copyOf: l.redriving?.copyOf ?? letterKey(l.at), redrivenAt: now.toISOString() })),
  );
}

/**
 * Tombstones (forgetRecord) the redrive records of letters their dead-letter topic no longer keeps
 * (offset below the partition's low watermark: retention deleted them), so that compaction removes
 * them; answers how many. Nothing reads such a record any more (the tools and the view count only
 * letters kept), and the compacted topic kept one per letter ever redriven, growing for ever. Safe
 * whenever it runs: a letter below the low watermark can never be read, listed or redriven again. A
 * dead-letter topic that cannot be read now (deleted, the broker busy) is left for another time.
 */
export async function forgetGoneLetters(kafka: Kafka, producer: Producer): Promise<number> {
  const redrives = await readRedrives(kafka);
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const r of redrives.values()) byTopic.set(r.letter.topic, [...(byTopic.get(r.letter.topic) ?? []), r.letter]);
  const gone: Array<{ topic: string; partition: number; offset: string }> = [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Only topics that exist: kafkajs retries an unknown one for seconds before it gives up.
    const existing = new Set(await admin.listTopics());
    for (const [topic, at] of byTopic) {
      const offsets = existing.has(topic) ? await admin.fetchTopicOffsets(topic).catch(() => null) : null;
      if (!offsets) continue;
      const low = new Map(offsets.map((o) => [o.partition, Number(o.low)]));
      for (const l of at) {
        const kept = low.get(l.partition);
        if (kept !== undefined && Number(l.offset) < kept) gone.push({ topic, ...l });
      }
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const records = gone.map(forgetRecord);
  for (let i = 0; i < records.length; i += 1_000) await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: records.slice(i, i + 1_000) });
  return gone.length;
}

async function sendCopies(producer: Pick<Producer, 'send'>, byTopic: ReadonlyMap<string, DeadLetter[]>, beforeSend: () => void): Promise<number> {
  let sent = 0;
  for (const [topic, list] of byTopic) {
    let send: DeadLetter[] = [];
    let bytes = 0;
    const flush = async () => {
      if (!send.length) return;
      beforeSend();
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
    const key = eventKey(l);
    if (key === null) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What tells the letters of one event apart from another's (see onePerEvent); null: only the letter itself. */
function eventKey(l: DeadLetter): string | null {
  return l.eventId !== null ? `id\u0000${l.originalTopic}\u0000${l.eventId}` : l.origin ? `at\u0000${l.originalTopic}\u0000${l.origin.partition}\u0000${l.origin.offset}` : null;
}

/** Value, key and headers, generously counted (as the relay counts its records). */
function letterBytes(l: DeadLetter): number {
  let n = (l.value?.length ?? 0) + (l.key?.length ?? 0) + 256;
  for (const [k, v] of Object.entries(l.headers)) n += k.length + v.length + 8;
  return n;
}
