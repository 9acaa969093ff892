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
