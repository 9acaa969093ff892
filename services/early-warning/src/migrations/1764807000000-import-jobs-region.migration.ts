import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The desk an import job's rows are confined to: the region of the token that uploaded it, when a
 * desk's (null: every country, as for every job before this). Kept with the job because a run
 * resumed by another replica has no token to read it from. Additive; existing jobs keep null.
 */
export class ImportJobsRegion1764807000000 implements MigrationInterface {
  name = 'ImportJobsRegion1764807000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs ADD COLUMN region text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE import_jobs DROP COLUMN region');
  }
}
