import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Engine state per area instead of one document per country: a signal changes its country and one
 * admin1, so only those rows are rewritten (a country with 50 admin1s made every signal rewrite
 * tens of kB). risk_engines keeps the engine's own fields (open day, observed since).
 */
export class RiskEngineAreas1764374500000 implements MigrationInterface {
  name = 'RiskEngineAreas1764374500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE risk_engine_areas (
        country  text NOT NULL,
        admin1   text NOT NULL DEFAULT '',
        state    jsonb NOT NULL,
        PRIMARY KEY (country, admin1)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE risk_engine_areas');
  }
}
