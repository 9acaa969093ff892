import type { DataSource, EntityManager } from 'typeorm';
import type { ReceivedEvent } from '../cloud-event';

/**
 * Applies an event's effect at most once per consumer: the inbox row and the effect commit in one
 * transaction, so a redelivered event (after a rebalance or a crash before the offset commit) finds
 * its id already recorded and is skipped. Returns whether the effect ran.
 */
export async function applyOnce(
  dataSource: DataSource,
  consumer: string,
  event: ReceivedEvent,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO inbox (consumer, event_id, ce_type, topic, kafka_partition, kafka_offset)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, event.id, event.type, event.topic, event.partition, event.offset],
    );
    if (inserted.length === 0) return false;
    await effect(manager);
    return true;
  });
}

/**
 * applyOnce for a batch: one transaction records the inbox rows of all events and runs the effect
 * on those not applied before (first occurrence of each id, in the given order). Returns how many
 * ran. All or nothing: if the effect throws, no inbox row stays and the batch can be retried.
 */
export async function applyOnceBatch(
  dataSource: DataSource,
  consumer: string,
  events: readonly ReceivedEvent[],
  effect: (fresh: ReceivedEvent[], manager: EntityManager) => Promise<void>,
): Promise<number> {
  if (events.length === 0) return 0;
  return dataSource.transaction(async (manager) => {
    // ON CONFLICT DO NOTHING also drops an id repeated inside the statement, so RETURNING lists each new id once.
    const inserted: Array<{ event_id: string }> = await manager.query(
      `INSERT INTO inbox (consumer, event_id, ce_type, topic, kafka_partition, kafka_offset)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.topic), events.map((e) => e.partition), events.map((e) => e.offset)],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    const todo = events.filter((e) => fresh.delete(e.id));
    if (todo.length > 0) await effect(todo, manager);
    return todo.length;
  });
}
