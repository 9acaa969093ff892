import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many of an import job's runs a graceful shutdown (a deploy) cut short: those say nothing
 * against the file, so only the other runs count towards failing it.
 */
export class ImportJobsShutdowns1764374800000 implements MigrationInterface {
  name = 'ImportJobsShutdowns1764374800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs ADD COLUMN shutdowns int NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs DROP COLUMN shutdowns');
  }
}
