import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An escalation mediation answered with a process already open in its country (EscalationReferred)
 * rather than a new proposal: `referred` tells the two apart, so a watch officer reads "answered by
 * the open process" rather than a proposal that never came.
 */
export class EscalationReferrals1764547200000 implements MigrationInterface {
  name = 'EscalationReferrals1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_responses ADD COLUMN referred boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_responses DROP COLUMN referred');
  }
}
