import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests made with an `Idempotency-Key`: per caller and key, what the request was (a hash) and
 * what it answered, so a client retrying after a timeout gets the first answer instead of a second
 * session, agreement or process.
 */
export class CreateIdempotentRequests1764460800000 implements MigrationInterface {
  name = 'CreateIdempotentRequests1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotent_requests (
        subject     text NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        response    jsonb,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, key)
      )`);
    await q.query('CREATE INDEX idempotent_requests_created ON idempotent_requests (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotent_requests');
  }
}
