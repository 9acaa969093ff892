import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A jsonb drivers array with each agreement driver's label cut to its kind ("Ceasefire reached"). */
const withoutTitles = (column: string) => `(
  SELECT jsonb_agg(CASE WHEN d->>'kind' = 'agreement_reached' THEN jsonb_set(d, '{label}', to_jsonb(split_part(d->>'label', ': ', 1))) ELSE d END ORDER BY i)
    FROM jsonb_array_elements(${column}) WITH ORDINALITY AS x(d, i))`;

/**
 * Agreement context was labelled "<kind> reached: <title>", and the title travelled into drivers,
 * which early-warning answers to any token of any region; an agreement's text is mediation's. New
 * rows carry the kind alone (contextOf); this cuts the title from what was recorded before. The
 * kind labels hold no ": ", so the first part is the kind's label whatever the title held.
 * Not reversible: the titles are gone (mediation keeps them).
 */
export class AgreementLabelsWithoutTitles1764806400000 implements MigrationInterface {
  name = 'AgreementLabelsWithoutTitles1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE risk_context SET label = split_part(label, ': ', 1) WHERE kind = 'agreement_reached' AND label LIKE '%: %'`);
    for (const table of ['risk_current', 'risk_assessments']) {
      await q.query(`UPDATE ${table} SET drivers = ${withoutTitles('drivers')} WHERE drivers @> '[{"kind": "agreement_reached"}]'`);
    }
  }

  async down(): Promise<void> {
    // Nothing to restore: the titles were dropped on purpose.
  }
}
