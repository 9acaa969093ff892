import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { readRanges } from '../kafka/read-range';

/**
 * One redrive of a dead-letter topic at a time. Two run at once (two engineers, a runbook run twice)
 * each read the same letters as outstanding and both sent them back.
 *
 * The dlq tool has Kafka and no database, so the guard is a claim on the redrives topic: every claim
 * is written to one partition of it (CLAIM_PARTITION, a total order), under a key of its own
 * (`claim:<dlq topic>:<run>`, so compaction never drops a claim that is still held: only its own
 * tombstone supersedes it). A redrive writes its claim, then reads that partition up to its claim:
 * if an earlier claim of the same topic is still held (no tombstone, younger than CLAIM_EXPIRES_MS)
 * it has lost, and withdraws; else it holds the topic. Two claimants agree on who came first because
 * each reads everything before its own claim in the one order the partition has; the later one sees
 * the earlier one's claim, the earlier one sees nothing of the later. A claim is released by its
 * tombstone.
 *
 * A redrive that crashes leaves its claim held until it expires (CLAIM_EXPIRES_MS after it was
 * made), the only way a claim of a process gone can end; so that an expired claim is never one
 * still at work, its holder sends nothing once CLAIM_HOLD_MS have passed (assertHeld before each
 * send), and the margin between the two covers a send under way and clocks a little apart.
 */
export const CLAIM_PARTITION = 0;
export const CLAIM_EXPIRES_MS = 15 * 60_000;
export const CLAIM_HOLD_MS = 10 * 60_000;

export interface ClaimHolder {
  readonly topic: string;
  readonly run: string;
  /** When it was claimed (ISO 8601). */
  readonly at: string;
  /** Who: user@host pid, for the engineer told to wait. */
  readonly by: string;
}

/** A redrive of the topic is under way (or crashed less than CLAIM_EXPIRES_MS ago). */
export class RedriveClaimedError extends Error {
  readonly code = 'DLQ.REDRIVE_UNDER_WAY';
  constructor(readonly holder: ClaimHolder) {
    const until = new Date(Date.parse(holder.at) + CLAIM_EXPIRES_MS).toISOString();
    super(`another redrive of ${holder.topic} is under way, by ${holder.by} since ${holder.at}; run this again once it has ended (if it crashed, its claim lapses at ${until})`);
  }
}

/** The holder ran past CLAIM_HOLD_MS: another redrive may take the topic from here on, so it stops. */
export class RedriveClaimLapsedError extends Error {
  readonly code = 'DLQ.REDRIVE_CLAIM_LAPSED';
  constructor(topic: string) {
    super(`the redrive of ${topic} stopped after ${CLAIM_HOLD_MS / 60_000} minutes, before its claim lapsed: what it had begun is checked, and the rest sent, by the next redrive`);
  }
}

export const claimKey = (topic: string, run: string): string => `claim:${topic}:${run}`;

function parseClaim(message: KafkaMessage): { key: string; holder: ClaimHolder | null } | null {
  const key = message.key?.toString() ?? '';
  if (!key.startsWith('claim:')) return null;
  if (!message.value?.length) return { key, holder: null };
  try {
    const c = (JSON.parse(message.value.toString('utf8')) as { claim?: Partial<ClaimHolder> }).claim;
    if (!c || typeof c.topic !== 'string' || typeof c.run !== 'string' || typeof c.at !== 'string') return null;
    return { key, holder: { topic: c.topic, run: c.run, at: c.at, by: typeof c.by === 'string' ? c.by : '?' } };
  } catch {
    return null;
  }
}

export interface RedriveClaim {
  readonly holder: ClaimHolder;
  /** Throws RedriveClaimLapsedError once the claim is held longer than CLAIM_HOLD_MS: call before each send. */
  assertHeld(): void;
  /** Tombstones the claim (and claims found lapsed), so the next redrive needs no wait. */
  release(): Promise<void>;
}

/**
 * Claims the redrives of a dead-letter topic for this run, or throws RedriveClaimedError naming who
 * holds them. `now` is for tests.
 */
export async function claimRedrive(kafka: Kafka, producer: Producer, dlqTopic: string, now: () => number = Date.now): Promise<RedriveClaim> {
  const run = randomUUID();
  const claimedAt = now();
  const holder: ClaimHolder = { topic: dlqTopic, run, at: new Date(claimedAt).toISOString(), by: `${safeUser()}@${hostname()} pid ${process.pid}` };
  const key = claimKey(dlqTopic, run);
  const [written] = await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: [{ key, partition: CLAIM_PARTITION, value: JSON.stringify({ claim: holder }) }] });
  const mine = Number(written.baseOffset);

  const admin = kafka.admin();
  await admin.connect();
  const low = await admin
    .fetchTopicOffsets(TOPIC_REDRIVES)
    .then((ends) => Number(ends.find((e) => e.partition === CLAIM_PARTITION)?.low ?? 0))
    .finally(() => admin.disconnect().catch(() => undefined));
  // Every claim of the topic before this one, latest record of each key (a tombstone: released).
  const before = new Map<string, ClaimHolder | null>();
  if (low < mine) {
    await readRanges(kafka, [{ topic: TOPIC_REDRIVES, partition: CLAIM_PARTITION, start: low, end: mine }], 'dead-letter-redrive-claim', async ({ message }) => {
      const c = parseClaim(message);
      if (c && c.key.startsWith(`claim:${dlqTopic}:`)) before.set(c.key, c.holder);
    });
  }
  const held = [...before.values()].filter((h): h is ClaimHolder => h !== null);
  const live = held.filter((h) => claimedAt - Date.parse(h.at) < CLAIM_EXPIRES_MS);
  const lapsed = held.filter((h) => !live.includes(h)).map((h) => claimKey(h.topic, h.run));
  const tombstones = async (keys: string[]) => {
    if (keys.length) await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: keys.map((k) => ({ key: k, partition: CLAIM_PARTITION, value: null })) });
  };
  if (live.length) {
    await tombstones([key]);
    throw new RedriveClaimedError(live[0]);
  }
  return {
    holder,
    assertHeld() {
      if (now() - claimedAt >= CLAIM_HOLD_MS) throw new RedriveClaimLapsedError(dlqTopic);
    },
    release: () => tombstones([key, ...lapsed]),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '?';
  }
}
