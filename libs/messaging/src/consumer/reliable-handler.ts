import { createHash } from 'node:crypto';
import type { IHeaders, Producer } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { MalformedEventError, ReceivedEvent, headersToStrings, parseCloudEvent } from '../cloud-event';
import { DLQ_FIRST_PUBLISHED_HEADER, DLQ_VALUE_CUT_HEADER, DLQ_VALUE_SHA256_HEADER, FIRST_PUBLISHED_HEADER } from './dead-letters';

export interface RawKafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly message: {
    readonly key: Buffer | string | null;
    readonly value: Buffer | string | null;
    readonly headers?: IHeaders;
    readonly offset: string;
    readonly timestamp?: string;
  };
}

export interface ReliableHandlerOptions {
  /** The consumer group, recorded in dead letters and metrics. */
  readonly consumer: string;
  readonly producer: Producer;
  /** Attempts in all, including the first. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly logger?: { warn(message: string): void; error(message: string, error?: unknown): void };
  /**
   * `count` events of one topic and type had this outcome (a batch reports each type once).
   * `unreadable`: a record dead-lettered without a handling attempt, its envelope unreadable (a
   * failure of its own, which no handler call counted).
   */
  readonly onOutcome?: (outcome: HandlingOutcome, event: { topic: string; type: string }, count: number, detail?: { readonly unreadable: boolean }) => void;
}

export type HandlingOutcome = 'processed' | 'dead-lettered';

/** Errors that retrying cannot fix: the event goes to the dead-letter topic at once. */
export class PermanentEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Postgres SQLSTATEs of a store that cannot take any write for now, whatever the event: gone or not
 * taking connections (class 08, shutdown, starting up), out of resources (class 53: disk full, out of
 * memory, too many connections), read-only (25006: a failover left the pool on a demoted server), or
 * an I/O error (58030). Each event would fail alike and be dead-lettered; the consumer waits instead.
 */
const UNAVAILABLE_SQLSTATE = /^(08\d{3}|57P0[1-3]|53\d{3}|25006|58030)$/;
const UNAVAILABLE_NODE_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/** An error and the ones it wraps (TypeORM's QueryFailedError keeps node-postgres' as driverError). */
function* errorChain(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e = err as { code?: unknown; message?: unknown; driverError?: unknown } | undefined, depth = 0; e && depth < 3; e = e.driverError as typeof e, depth++) yield e;
}

/**
 * Whether an error says the consumer's own database is out of reach rather than that the event is
 * at fault: node-postgres' connection errors and Postgres' shutdown and start-up states, also as
 * TypeORM wraps them (driverError).
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_NODE_CODE.test(e.code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/**
 * Whether the database refused the data itself (SQLSTATE class 22, data exception; 23, integrity
 * constraint; 54, program limit such as an index entry too large): trying again would meet it again.
 */
export function isRefusedData(err: unknown): boolean {
  for (const e of errorChain(err)) if (typeof e.code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(e.code)) return true;
  return false;
}

/**
 * Whether the database refused an event's data in a way no retry can change: a data exception
 * (SQLSTATE class 22: text it cannot store, 22021 and 22P05; a number out of range, 22003; a bad
 * date) or a program limit (54: an index entry too large). Such an event goes to the dead-letter topic
 * at once rather than after every retry, which only held its partition up. Integrity constraints
 * (class 23), which isRefusedData counts for a file's rows, are not here: a consumer's unique or
 * foreign key violation may come of another transaction's write, committed or rolled back by the
 * next attempt.
 */
export function isRefusedForGood(err: unknown): boolean {
  for (const e of errorChain(err)) if (typeof e.code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(e.code)) return true;
  return false;
}

/** An error no retry of the same event can mend. */
const isPermanent = (err: unknown) => err instanceof PermanentEventError || err instanceof MalformedEventError || isRefusedForGood(err);

/**
 * Thrown instead of dead-lettering when the store stays out of reach past the retries: no event is
 * at fault, so the offset stays where it is and the partition waits (kafkajs retries the batch and
 * restarts the consumer) until the database is back. Dead-lettering through an outage would skip
 * events that a later redrive applies after their successors for the same key.
 */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the consumer's database is out of reach: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Runs a handler for one Kafka record so that the partition never blocks on a bad event: transient
 * failures are retried with capped exponential backoff, and an event that still fails (or cannot even
 * be read) is published to `<topic>.dlq` with its original headers and the error, after which the
 * handler returns normally and the offset moves on. A throw out of a Nest event handler would instead
 * leave the offset uncommitted and stall the partition (nestjs/nest#14664). The one exception is the
 * consumer's own database being out of reach (StoreUnavailableError): then stalling is right.
 *
 * The total retry time stays far below the consumer session timeout, because kafkajs only
 * heartbeats between messages.
 */
export class ReliableHandler {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: ReliableHandlerOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
  }

  async handle(record: RawKafkaRecord, handler: (event: ReceivedEvent) => Promise<void>): Promise<HandlingOutcome> {
    const result = await this.attempt(record, handler);
    if (result.deadLetter) await this.deadLetter(result.deadLetter);
    return this.outcome(result);
  }

  /** Handles one record with retries; an event at fault is returned as a dead letter to publish, not published. */
  private async attempt(record: RawKafkaRecord, handler: (event: ReceivedEvent) => Promise<void>): Promise<Attempted> {
    let event: ReceivedEvent;
    try {
      event = parseCloudEvent(record.topic, record.partition, record.message);
    } catch (err) {
      return { outcome: 'dead-lettered', topic: record.topic, type: typeOf(record), unreadable: true, deadLetter: { record, error: err as Error, attempts: 0 } };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event);
        return { outcome: 'processed', topic: event.topic, type: event.type };
      } catch (err) {
        const permanent = isPermanent(err);
        if (!permanent && attempt >= this.maxAttempts && isStoreUnavailable(err)) throw new StoreUnavailableError(err);
        if (permanent || attempt >= this.maxAttempts) {
          return { outcome: 'dead-lettered', topic: event.topic, type: event.type, deadLetter: { record, error: err as Error, attempts: attempt } };
        }
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        this.options.logger?.warn(
          `${this.options.consumer}: event ${event.id} (${event.type}) failed attempt ${attempt}/${this.maxAttempts}: ${(err as Error).message}; retrying in ${delay} ms`,
        );
        await sleep(delay);
      }
    }
  }

  /**
   * Runs a handler once for the records of a batch (one partition's, in offset order), so the effect
   * of many events shares one transaction. A failing batch is retried like a single event; if it
   * still fails, or fails permanently, each record is handled on its own, so the one event at fault
   * is dead-lettered and the others are processed. Records that cannot be read never reach the
   * handler.
   *
   * Dead letters are published only once every other record of the batch has been applied: a batch
   * that throws (its database out of reach) is redelivered whole, and a letter sent before the throw
   * would be sent again on every redelivery, one copy per retry for as long as the outage lasts.
   */
  async handleBatch(
    records: readonly RawKafkaRecord[],
    handler: (events: ReceivedEvent[]) => Promise<void>,
    /** Called between events handled one by one, which can take long (kafkajs heartbeats only when asked). */
    heartbeat: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    const readable: Array<{ record: RawKafkaRecord; event: ReceivedEvent }> = [];
    const letters: Attempted[] = [];
    for (const record of records) {
      try {
        readable.push({ record, event: parseCloudEvent(record.topic, record.partition, record.message) });
      } catch (err) {
        letters.push({ outcome: 'dead-lettered', topic: record.topic, type: typeOf(record), unreadable: true, deadLetter: { record, error: err as Error, attempts: 0 } });
      }
    }
    if (readable.length > 1 && (await this.asOneBatch(readable, handler))) {
      await this.publishLetters(letters);
      return;
    }
    for (const { record } of readable) {
      const result = await this.attempt(record, (event) => handler([event]));
      if (result.deadLetter) letters.push(result);
      else this.outcome(result);
      await heartbeat();
    }
    await this.publishLetters(letters);
  }

  /**
   * The batch in one call of the handler, retried like a single event: true once applied, false
   * when it is to be handled one by one. Dead letters are published by the caller after this, so a
   * failing dead-letter send is never taken for a failing batch and retried with it.
   */
  private async asOneBatch(readable: ReadonlyArray<{ record: RawKafkaRecord; event: ReceivedEvent }>, handler: (events: ReceivedEvent[]) => Promise<void>): Promise<boolean> {
    const first = readable[0].record;
    const where = `batch of ${readable.length} events from ${first.topic}[${first.partition}]@${first.message.offset}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(readable.map((r) => r.event));
        const counts = new Map<string, { topic: string; type: string; n: number }>();
        for (const { event } of readable) {
          const key = `${event.topic}\u0000${event.type}`;
          const c = counts.get(key);
          if (c) c.n++;
          else counts.set(key, { topic: event.topic, type: event.type, n: 1 });
        }
        for (const c of counts.values()) this.options.onOutcome?.('processed', { topic: c.topic, type: c.type }, c.n);
        return true;
      } catch (err) {
        const permanent = isPermanent(err);
        // One by one, every event would fail the same way and be dead-lettered.
        if (!permanent && attempt >= this.maxAttempts && isStoreUnavailable(err)) throw new StoreUnavailableError(err);
        if (permanent || attempt >= this.maxAttempts) {
          this.options.logger?.warn(`${this.options.consumer}: ${where} failed (${(err as Error).message}); handling them one by one`);
          return false;
        }
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        this.options.logger?.warn(`${this.options.consumer}: ${where} failed attempt ${attempt}/${this.maxAttempts}: ${(err as Error).message}; retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  private async publishLetters(letters: readonly Attempted[]): Promise<void> {
    for (const letter of letters) {
      if (letter.deadLetter) await this.deadLetter(letter.deadLetter);
      this.outcome(letter);
    }
  }

  private outcome({ outcome, topic, type, unreadable }: Attempted): HandlingOutcome {
    this.options.onOutcome?.(outcome, { topic, type }, 1, { unreadable: unreadable === true });
    return outcome;
  }

  /**
   * If the dead-letter publish itself fails, the error propagates: the offset is not committed and
   * the record is redelivered, which is better than losing it. The one failure that redelivery can
   * never mend, a letter too large for its dead-letter topic (a record near the domain topic's limit
   * plus the dlq_* headers), is sent again with the value cut to its first bytes, saying so
   * (DLQ_VALUE_CUT_HEADER, with the value's SHA-256); every header is kept, and a redrive refuses
   * such a letter. Dead-letter topics are provisioned larger than domain topics, so this is for a
   * topic whose limit was raised by hand, or a cluster not yet re-provisioned.
   */
  private async deadLetter({ record, error, attempts }: DeadLetterDue): Promise<void> {
    const original = headersToStrings(record.message.headers);
    const where = `${record.topic}[${record.partition}]@${record.message.offset}`;
    this.options.logger?.error(`${this.options.consumer}: dead-lettering ${where} after ${attempts} attempt(s): ${error.message}`, error);
    const value = typeof record.message.value === 'string' ? Buffer.from(record.message.value) : record.message.value;
    const send = (v: Buffer | null, cut: Record<string, string>) =>
      this.options.producer.send({
        topic: dlqTopicOf(record.topic),
        acks: -1,
        messages: [
          {
            key: record.message.key,
            value: v,
            headers: {
              ...original,
              dlq_error_code: (error as { code?: string }).code ?? error.name,
              dlq_error_message: error.message.slice(0, 2_000),
              dlq_consumer: this.options.consumer,
              dlq_attempts: String(attempts),
              dlq_original_topic: record.topic,
              dlq_original_partition: String(record.partition),
              dlq_original_offset: record.message.offset,
              dlq_failed_at: new Date().toISOString(),
              // A redriven copy without the time it was first published (redriven before it was kept)
              // has only its redrive's timestamp: later than the truth, yet the earliest known.
              [DLQ_FIRST_PUBLISHED_HEADER]: original[FIRST_PUBLISHED_HEADER] ?? publishedAt(record.message.timestamp),
              ...cut,
            },
          },
        ],
      });
    try {
      await send(value, {});
    } catch (err) {
      if (!value || value.length <= KEPT_OF_A_CUT_VALUE || !isTooLarge(err)) throw err;
      this.options.logger?.error(
        `${this.options.consumer}: the letter of ${where} is too large for ${dlqTopicOf(record.topic)} (${(err as Error).message}): ` +
          `sending it with its value of ${value.length} bytes cut to the first ${KEPT_OF_A_CUT_VALUE}`,
      );
      await send(value.subarray(0, KEPT_OF_A_CUT_VALUE), {
        [DLQ_VALUE_CUT_HEADER]: String(value.length),
        [DLQ_VALUE_SHA256_HEADER]: createHash('sha256').update(value).digest('hex'),
      });
    }
  }
}

/** How much of a value too large for its dead-letter topic a letter keeps: enough to see what it was. */
export const KEPT_OF_A_CUT_VALUE = 1_024;

/** Whether a send was refused for its size (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE), also as kafkajs wraps it. */
function isTooLarge(err: unknown): boolean {
  for (let e = err as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 4; e = (e.cause ?? e.originalError) as typeof e, depth++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return /larger than the max message size|message batch larger than/.test(String((err as Error)?.message));
}

interface DeadLetterDue {
  readonly record: RawKafkaRecord;
  readonly error: Error;
  readonly attempts: number;
}

interface Attempted {
  readonly outcome: HandlingOutcome;
  readonly topic: string;
  readonly type: string;
  /** Dead-lettered unread: its envelope could not be read, no handler ran. */
  readonly unreadable?: boolean;
  readonly deadLetter?: DeadLetterDue;
}

const typeOf = (record: RawKafkaRecord) => headersToStrings(record.message.headers).ce_type ?? 'unknown';

/** A record's broker timestamp (ms since the epoch, as kafkajs gives it) as ISO 8601, or '' if it has none. */
function publishedAt(timestamp: string | undefined): string {
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : '';
}
