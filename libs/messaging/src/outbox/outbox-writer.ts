import type { EntityManager } from 'typeorm';
import { context } from '@opentelemetry/api';
import { uuidV7 } from '@crisis-ops/domain-kernel';
import { arrayLiteral } from '@crisis-ops/persistence';
import { traceparentOf } from '../cloud-event';

export interface OutgoingEvent {
  readonly topic: string;
  /** Partitioning key; the ISO 3166 alpha-3 country for country-scoped events. */
  readonly key: string;
  readonly type: string;
  readonly payload: Uint8Array;
  readonly subject?: string;
  readonly id?: string;
  readonly time?: Date;
}

/** Largest payload an event may carry: well under the broker's 1 MiB message.max.bytes. */
export const MAX_EVENT_BYTES = 512 * 1024;

/**
 * Records events in the outbox inside the caller's transaction: they are published if and only if
 * the state change commits. Must be called with a transactional EntityManager.
 */
export async function appendToOutbox(
  manager: EntityManager,
  source: string,
  events: readonly OutgoingEvent[],
): Promise<string[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox needs an active transaction: the event must commit with the state change');
  }
  const traceparent = traceparentOf(context.active());
  // Serialise writers per key so that, for one key, the outbox sequence is the commit order; sorted to
  // avoid lock-order deadlocks between two transactions touching the same keys.
  if (events.length === 0) return [];
  const tooLarge = events.findIndex((e) => e.payload.byteLength > MAX_EVENT_BYTES);
  if (tooLarge >= 0) {
    // Refused here, inside the caller's transaction: staged, it would block the outbox for good.
    throw new Error(`event ${tooLarge} (${events[tooLarge].type}) is ${events[tooLarge].payload.byteLength} bytes; the limit is ${MAX_EVENT_BYTES}`);
  }
  const keys = [...new Set(events.map((e) => `outbox:${e.key}`))].sort();
  const ids = events.map((e) => e.id ?? uuidV7());
  const now = new Date();
  const payloads = concatPayloads(events);
  // One statement, whatever the batch size: no bind-parameter limit, one parse. The payloads travel
  // as one binary parameter cut apart in SQL; a bytea[] would go as text with every byte hex-escaped.
  // The key locks are taken by the same statement, in an uncorrelated subquery that Postgres runs
  // once (an InitPlan) before the first row draws its seq: the locks are held from before the
  // sequence is drawn until commit, as the ordering needs, and cost no round trip of their own
  // (a round trip made while holding them would keep every other writer of those keys waiting on
  // this process' event loop).
  await manager.query(
    `INSERT INTO outbox (event_id, topic, key, ce_type, ce_source, ce_subject, ce_time, payload, traceparent)
     SELECT e.id, e.topic, e.key, e.type, $10::text, e.subject, e.time, substring($9::bytea FROM e.off + 1 FOR e.len), $11::text
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int4[], $8::int4[])
            AS e(id, topic, key, type, subject, time, off, len)
      WHERE (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($12::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i) AS locked) = $13`,
    [
      arrayLiteral(ids),
      arrayLiteral(events.map((e) => e.topic)),
      arrayLiteral(events.map((e) => e.key)),
      arrayLiteral(events.map((e) => e.type)),
      arrayLiteral(events.map((e) => e.subject ?? null)),
      arrayLiteral(isoTimes(events, now)),
      arrayLiteral(payloads.offsets),
      arrayLiteral(payloads.lengths),
      payloads.bytes,
      source,
      traceparent ?? null,
      arrayLiteral(keys),
      keys.length,
    ],
  );
  return ids;
}

/** Each event's time as ISO 8601; the events of one change mostly share one Date, formatted once. */
function isoTimes(events: readonly OutgoingEvent[], now: Date): string[] {
  let last: Date | undefined;
  let iso = '';
  return events.map((e) => {
    const time = e.time ?? now;
    if (time !== last) {
      last = time;
      iso = time.toISOString();
    }
    return iso;
  });
}

/** All payloads in one Buffer (node-postgres sends a Buffer parameter as binary), with where each is. */
function concatPayloads(events: readonly OutgoingEvent[]): { bytes: Buffer; offsets: number[]; lengths: number[] } {
  const offsets = new Array<number>(events.length);
  const lengths = new Array<number>(events.length);
  let total = 0;
  for (let i = 0; i < events.length; i++) {
    offsets[i] = total;
    lengths[i] = events[i].payload.byteLength;
    total += lengths[i];
  }
  // Payloads encoded together (encodeEventsData) already lie one after the other in one buffer.
  const first = events[0].payload;
  if (events.every((e, i) => e.payload.buffer === first.buffer && e.payload.byteOffset === first.byteOffset + offsets[i])) {
    return { bytes: Buffer.from(first.buffer, first.byteOffset, total), offsets, lengths };
  }
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < events.length; i++) bytes.set(events[i].payload, offsets[i]);
  return { bytes, offsets, lengths };
}

