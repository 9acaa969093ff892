import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The intake request in progress for a country as the days it reported while the engine had them
 * open (RequestInProgress), and its signals' earliest occurredAt (epoch ms), which tells one request
 * from the next. Replaces the single day from which on everything counted as news (a report of the
 * open day made every later day news, the unreported ones between it and the request's next report
 * included). Additive: replicas of the build before still write request_news_from while a rolling
 * upgrade runs, so that column stays until a later release drops it.
 */
export class RiskEnginesRequestDays1764806600000 implements MigrationInterface {
  name = 'RiskEnginesRequestDays1764806600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_engines ADD COLUMN request_earliest bigint, ADD COLUMN request_days integer[]');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_engines DROP COLUMN request_earliest, DROP COLUMN request_days');
  }
}
