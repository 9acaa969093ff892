import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox every service keeps in its own schema. Unqualified names: the migrator's
 * connection pins search_path to the service schema.
 *
 * - `outbox.seq` is the publication order. Writers take a per-key transaction lock before inserting
 *   (see appendToOutbox), so for one key the sequence follows commit order.
 * - The insert trigger wakes the relay through NOTIFY on a per-schema channel; polling is the backup.
 * - `inbox` remembers which event ids a consumer has applied, in the same transaction as the effect.
 */
export class MessagingTables1764115200000 implements MigrationInterface {
  name = 'MessagingTables1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        seq          bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        key          text NOT NULL,
        ce_type      text NOT NULL,
        ce_source    text NOT NULL,
        ce_subject   text,
        ce_time      timestamptz NOT NULL,
        payload      bytea NOT NULL,
        traceparent  text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL`);
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await q.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        event_id     text NOT NULL,
        ce_type      text NOT NULL,
        topic        text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbox');
    await q.query('DROP TRIGGER outbox_notify ON outbox');
    await q.query('DROP FUNCTION outbox_notify()');
    await q.query('DROP TABLE outbox');
  }
}
