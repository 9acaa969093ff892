import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the intake request in progress for a country began to report days the engine had open: what
 * the engine decides from that day on is news (shouldPublish). Kept with the engine row, in the same
 * statement, so it survives a restart or a rebalance in the middle of a request as the engine does.
 * Null when no request is in progress (its last signal has been applied).
 */
export class RiskEnginesRequestNewsFrom1764806500000 implements MigrationInterface {
  name = 'RiskEnginesRequestNewsFrom1764806500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_engines ADD COLUMN request_news_from date');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_engines DROP COLUMN request_news_from');
  }
}
