import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A level change told late: subscribers hear now of one that happened in history told to no one
 * (RiskEngine.assess), stored as a row of its own beside the change itself, so history must be able
 * to tell the two apart or it would count the escalation twice. Additive, false for every row before.
 */
export class RiskAssessmentsToldLate1764806800000 implements MigrationInterface {
  name = 'RiskAssessmentsToldLate1764806800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_assessments ADD COLUMN told_late boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE risk_assessments DROP COLUMN told_late');
  }
}
