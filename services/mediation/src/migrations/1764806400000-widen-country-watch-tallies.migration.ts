import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A country's running tallies as bigint: early-warning accepts up to 1,000,000 fatalities per signal,
 * so an integer total overflowed after ~2,148 such signals, and every later batch of that country
 * failed as a data error and was dead-lettered event by event.
 */
export class WidenCountryWatchTallies1764806400000 implements MigrationInterface {
  name = 'WidenCountryWatchTallies1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE country_watch ALTER COLUMN signals_seen TYPE bigint, ALTER COLUMN fatalities_seen TYPE bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    // Refuses (numeric out of range) rather than truncate a tally past the integer range.
    await q.query('ALTER TABLE country_watch ALTER COLUMN signals_seen TYPE integer, ALTER COLUMN fatalities_seen TYPE integer');
  }
}
