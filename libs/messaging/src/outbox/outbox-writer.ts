import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { propagation, context } from '@opentelemetry/api';

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
  const traceparent = activeTraceparent();
  // Serialise writers per key so that, for one key, the outbox sequence is the commit order; sorted to
  // avoid lock-order deadlocks between two transactions touching the same keys.
  const keys = [...new Set(events.map((e) => e.key))].sort();
  for (const key of keys) {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`outbox:${key}`]);
  }
  const ids: string[] = [];
  const rows: unknown[] = [];
  const values: string[] = [];
  events.forEach((e, i) => {
    const id = e.id ?? randomUUID();
    ids.push(id);
    const b = i * 9;
    values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9})`);
    rows.push(id, e.topic, e.key, e.type, source, e.subject ?? null, e.time ?? new Date(), Buffer.from(e.payload), traceparent ?? null);
  });
  if (events.length === 0) return ids;
  // Chunked so a 5,000-event batch stays under Postgres' 65,535 bind parameters.
  const perStatement = 5000;
  for (let start = 0; start < events.length; start += perStatement) {
    const end = Math.min(events.length, start + perStatement);
    const chunkValues = values.slice(start, end).map((v) => v.replace(/\$(\d+)/g, (_, n) => `$${Number(n) - start * 9}`));
    await manager.query(
      `INSERT INTO outbox (event_id, topic, key, ce_type, ce_source, ce_subject, ce_time, payload, traceparent) VALUES ${chunkValues.join(', ')}`,
      rows.slice(start * 9, end * 9),
    );
  }
  return ids;
}

function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
