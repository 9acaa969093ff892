import type { DataSource, EntityManager } from 'typeorm';
import { arrayLiteral } from '@crisis-ops/persistence';
import type { ReceivedEvent } from '../cloud-event';

/**
 * Recording an id seen again refreshes its time: inbox rows are pruned by age, and a copy that
 * arrives late (a redriven dead letter, weeks after the original) stays on its topic for the topic's
 * retention from then on. Dated from the first delivery, its row could be pruned while the copy can
 * still be read again (a consumer group reset), and the copy applied twice.
 */
const RECORD_IN_INBOX = `ON CONFLICT (consumer, event_id) DO UPDATE SET processed_at = now() RETURNING event_id, (xmax = 0) AS inserted`;

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
    const [row]: Array<{ inserted: boolean }> = await manager.query(
      `INSERT INTO inbox (consumer, event_id, ce_type, topic, kafka_partition, kafka_offset)
       VALUES ($1, $2, $3, $4, $5, $6) ${RECORD_IN_INBOX}`,
      [consumer, event.id, event.type, event.topic, event.partition, event.offset],
    );
    if (!row.inserted) return false;
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
  // An id twice in one batch counts once, at its first occurrence (ON CONFLICT DO UPDATE may not touch a row twice in a statement).
  const ids = new Set<string>();
  const unique = events.filter((e) => !ids.has(e.id) && ids.add(e.id));
  return dataSource.transaction(async (manager) => {
    const recorded: Array<{ event_id: string; inserted: boolean }> = await manager.query(
      `INSERT INTO inbox (consumer, event_id, ce_type, topic, kafka_partition, kafka_offset)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])
       ${RECORD_IN_INBOX}`,
      [
        consumer,
        arrayLiteral(unique.map((e) => e.id)),
        arrayLiteral(unique.map((e) => e.type)),
        arrayLiteral(unique.map((e) => e.topic)),
        arrayLiteral(unique.map((e) => e.partition)),
        arrayLiteral(unique.map((e) => e.offset)),
      ],
    );
    const fresh = new Set(recorded.filter((r) => r.inserted).map((r) => r.event_id));
    const todo = unique.filter((e) => fresh.has(e.id));
    if (todo.length > 0) await effect(todo, manager);
    return todo.length;
  });
}
