import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A signal recorded without a severity reads `severity: null` on the timeline, the stream and
 * replays (timeline/event-payload.ts), as early-warning's GET /signals answers it; it read 0,
 * proto3's default for SignalRecorded's plain int32, which no reporter's scale (1 to 5) has. Rows
 * recorded before say null too.
 */
export class SignalSeverityNone1765411200000 implements MigrationInterface {
  name = 'SignalSeverityNone1765411200000';

  async up(q: QueryRunner): Promise<void> {
    // The type as published when this shipped, written out: a later rename must not change this migration.
    await q.query(
      `UPDATE timeline_entries SET payload = jsonb_set(payload, '{severity}', 'null')
        WHERE ce_type = 'org.crisis-ops.early-warning.signal-recorded.v1' AND payload->'severity' = '0'::jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE timeline_entries SET payload = jsonb_set(payload, '{severity}', '0')
        WHERE ce_type = 'org.crisis-ops.early-warning.signal-recorded.v1' AND payload->'severity' = 'null'::jsonb`,
    );
  }
}
