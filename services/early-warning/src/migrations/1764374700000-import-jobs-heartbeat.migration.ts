import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A running import job says it is alive (`heartbeat_at`), so that a job counts as interrupted only
 * when its process has stopped beating, not whenever some replica boots; it keeps where its upload
 * lies, so that a replica that can read it runs the job again, and how many runs it has had.
 */
export class ImportJobsHeartbeat1764374700000 implements MigrationInterface {
  name = 'ImportJobsHeartbeat1764374700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs ADD COLUMN heartbeat_at timestamptz, ADD COLUMN upload_path text, ADD COLUMN attempts int NOT NULL DEFAULT 1');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs DROP COLUMN heartbeat_at, DROP COLUMN upload_path, DROP COLUMN attempts');
  }
}
