import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { migrationScratch, type MigrationScratch } from '@crisis-ops/testing';
import { NumberSessionRoundsByHeldAt1764892800000 } from './1764892800000-number-session-rounds-by-held-at.migration';

/** The renumbering migration on projections written before it, in a scratch schema of the test database. */
describe('mediation migrations: session rounds numbered by when they were held', () => {
  let scratch: MigrationScratch | undefined;
  let db: Client;
  let schema = '';

  beforeAll(async () => {
    scratch = await migrationScratch('med_rounds');
    ({ db, schema } = scratch);
  });

  afterAll(() => scratch?.close());

  it('renumbers each process\'s state and sessions rows by held date, ties as recorded, and leaves a process without sessions as it was', async () => {
    await db.query(`CREATE TABLE "${schema}".processes (id uuid PRIMARY KEY, state jsonb NOT NULL)`);
    await db.query(`CREATE TABLE "${schema}".sessions (id uuid PRIMARY KEY, process_id uuid NOT NULL, round integer NOT NULL, held_at timestamptz NOT NULL, UNIQUE (process_id, round))`);
    const [pid, quiet] = [randomUUID(), randomUUID()];
    // Recorded in this order (rounds 1..4 as recorded): held 26 Nov 2026, 26 Nov 2020, 1 Dec 2026, 26 Nov 2020 again.
    const recorded = [
      { sessionId: randomUUID(), round: 1, heldAt: '2026-11-26T09:00:00.000Z' },
      { sessionId: randomUUID(), round: 2, heldAt: '2020-11-26T09:00:00.000Z' },
      { sessionId: randomUUID(), round: 3, heldAt: '2026-12-01T09:00:00.000Z' },
      { sessionId: randomUUID(), round: 4, heldAt: '2020-11-26T09:00:00.000Z' },
    ];
    await db.query(`INSERT INTO "${schema}".processes VALUES ($1, $2), ($3, $4)`, [pid, JSON.stringify({ processId: pid, sessions: recorded }), quiet, JSON.stringify({ processId: quiet, sessions: [] })]);
    for (const s of recorded) await db.query(`INSERT INTO "${schema}".sessions VALUES ($1, $2, $3, $4)`, [s.sessionId, pid, s.round, s.heldAt]);

    await scratch?.up(new NumberSessionRoundsByHeldAt1764892800000());

    const expected = [recorded[1], recorded[3], recorded[0], recorded[2]].map((s, i) => ({ ...s, round: i + 1 }));
    const states = await db.query(`SELECT id, state FROM "${schema}".processes`);
    expect(states.rows.find((r) => r.id === pid).state.sessions).toEqual(expected);
    expect(states.rows.find((r) => r.id === quiet).state).toEqual({ processId: quiet, sessions: [] });
    const rows = await db.query(`SELECT id, round FROM "${schema}".sessions ORDER BY round`);
    expect(rows.rows).toEqual(expected.map((s) => ({ id: s.sessionId, round: s.round })));
  });
});
