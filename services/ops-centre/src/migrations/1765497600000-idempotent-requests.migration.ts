import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert actions made with an `Idempotency-Key`: per caller and key, what the request was (a hash) and
 * what it answered, so an officer's console retrying after a timeout gets the first answer instead of
 * a second comment, assignment or close and a second audit entry (IdempotentRequests of
 * @crisis-ops/service-kit, as mediation's). Unqualified names: the migrator's connection pins
 * search_path to the service schema, as for every ops-centre table.
 */
export class IdempotentRequests1765497600000 implements MigrationInterface {
  name = 'IdempotentRequests1765497600000';

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
    // The sweep of expired keys reads the oldest first.
    await q.query('CREATE INDEX idempotent_requests_created ON idempotent_requests (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotent_requests');
  }
}
