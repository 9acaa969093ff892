import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rounds are numbered by when sessions were held (ties: as recorded), where they were numbered as
 * recorded: a session recorded after others but held before them was a later round. The process
 * history is left as it was (events are facts; rebuilding it numbers the rounds anew), but the
 * projections that keep the numbering are renumbered: each process's current state and the sessions
 * table. Before this, a round was its place in the record, so (held_at, round) orders ties as recorded.
 */
export class NumberSessionRoundsByHeldAt1764892800000 implements MigrationInterface {
  name = 'NumberSessionRoundsByHeldAt1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE processes p SET state = jsonb_set(p.state, '{sessions}', renumbered.sessions)
      FROM (
        SELECT id, jsonb_agg(jsonb_set(value, '{round}', to_jsonb(rn)) ORDER BY rn) AS sessions
        FROM (
          SELECT p2.id, e.value, row_number() OVER (PARTITION BY p2.id ORDER BY (e.value->>'heldAt')::timestamptz, e.ord) AS rn
          FROM processes p2, jsonb_array_elements(p2.state->'sessions') WITH ORDINALITY AS e(value, ord)
        ) ranked
        GROUP BY id
      ) renumbered
      WHERE renumbered.id = p.id AND p.state->'sessions' IS DISTINCT FROM renumbered.sessions`);
    // (process_id, round) is unique row by row: the new numbers are set negated, then turned.
    await q.query(`
      UPDATE sessions s SET round = -ranked.rn
      FROM (SELECT id, row_number() OVER (PARTITION BY process_id ORDER BY held_at, round) AS rn FROM sessions) ranked
      WHERE s.id = ranked.id`);
    await q.query('UPDATE sessions SET round = -round WHERE round < 0');
  }

  async down(): Promise<void> {
    // Nothing to undo: numbered by when they were held, the rounds are still one per session, and the
    // order they were recorded in is no longer told by the projections (the history keeps it).
  }
}
