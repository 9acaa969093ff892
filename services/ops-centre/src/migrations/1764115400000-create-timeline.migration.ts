import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's read model: every domain event, per country, in the order Kafka delivered it. */
export class CreateTimeline1764115400000 implements MigrationInterface {
  name = 'CreateTimeline1764115400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE timeline_entries (
        event_id        text PRIMARY KEY,
        ce_type         text NOT NULL,
        ce_source       text NOT NULL,
        subject         text,
        country         char(3),
        occurred_at     timestamptz NOT NULL,
        topic           text NOT NULL,
        kafka_partition integer NOT NULL,
        kafka_offset    bigint NOT NULL,
        payload         jsonb NOT NULL,
        trace_id        text,
        received_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX timeline_country_time ON timeline_entries (country, occurred_at DESC)');
    await q.query('CREATE INDEX timeline_received ON timeline_entries (received_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE timeline_entries');
  }
}
