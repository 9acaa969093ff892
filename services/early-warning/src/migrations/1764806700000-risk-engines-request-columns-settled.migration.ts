import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For a database that ran the first version of RiskEnginesRequestDays (never released, but run by
 * anyone who started main in the hour it stood): it made request_earliest an integer (days), which
 * the epoch milliseconds written now overflow, and dropped request_news_from. Both statements change
 * nothing where the released version ran.
 */
export class RiskEnginesRequestColumnsSettled1764806700000 implements MigrationInterface {
  name = 'RiskEnginesRequestColumnsSettled1764806700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_engines ALTER COLUMN request_earliest TYPE bigint, ADD COLUMN IF NOT EXISTS request_news_from date');
  }

  async down(): Promise<void> {
    // Nothing to undo: the columns are as RiskEnginesRequestDays leaves them.
  }
}
