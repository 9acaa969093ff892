import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A running import job says it is alive (`heartbeat_at`), so that a job is declared interrupted only
 * when its process has stopped beating, not whenever some replica boots; and it keeps where its
 * upload lies, so whoever declares it interrupted can delete the file.
 */
export class ImportJobsHeartbeat1764374700000 implements MigrationInterface {
  name = 'ImportJobsHeartbeat1764374700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs ADD COLUMN heartbeat_at timestamptz, ADD COLUMN upload_path text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs DROP COLUMN heartbeat_at, DROP COLUMN upload_path');
  }
}
