import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from 'pg';
import type { Producer } from 'kafkajs';
import { CE_RISK_ESCALATED, RiskEscalatedSchema, RiskLevel } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { adminClient, eventually, testKafka } from '@crisis-ops/testing';
import { OPEN_STATUSES } from '../domain';
import { bootMediation, freshCountries, token, type BootedMediation } from '../int-support';

/** A user-assigned code no earlier run has used (int-support.ts), drawn in beforeAll. */
let COUNTRY = '';

/**
 * A user closes a country's only open process while an escalation of that country is consumed. The
 * close is held open at a known point, its outbox insert (after its update of the process), by a
 * second session holding a lock on the outbox that the insert needs, as long as it takes for the
 * escalation's consumer to be waiting too; then both are let go.
 */
describe('mediation: a close and an escalation of one country at the same time', () => {
  let m: BootedMediation;
  let db: BootedMediation['db'];
  let producer: Producer;
  let locker: Client | undefined;

  beforeAll(async () => {
    [COUNTRY] = await freshCountries(1);
    m = await bootMediation();
    db = m.db;
    producer = testKafka('mediation-race-int-producer').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await producer?.disconnect();
    await m?.close();
  });

  /**
   * A session of this database waiting on a lock held by one of `blockers`, running a statement
   * like `query`, other than those of `except`: the transaction is at that statement, not past it.
   */
  const waiting = async (blockers: number[], query: string, except: number[] = []) => {
    const rows = await db.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> ALL($3::int[])
          AND pg_blocking_pids(pid) && $1::int[] AND query LIKE $2`,
      [blockers, query, except],
    );
    return rows.rows[0]?.pid as number | undefined;
  };

  it('answers the escalation by a process left open: the one not yet closed or a new proposal, never the closed one', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const proposed = await m.api('POST', '/processes', officer, { country: COUNTRY, track: 'good_offices', lead: 'special_envoy' });
    expect(proposed.status).toBe(201);
    const closedId = proposed.body.processId as string;
    // The proposal's outbox row published, so the relay has no business with the outbox while it is locked.
    await eventually(async () => (await db.query('SELECT 1 FROM mediation.outbox WHERE key = $1', [COUNTRY])).rowCount === 0, 30_000, 100);

    locker = adminClient();
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE mediation.outbox IN SHARE ROW EXCLUSIVE MODE');
    const lockerPid: number = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const closing = m.api('POST', `/processes/${closedId}/close`, officer, { reason: 'Superseded' });
    // The close has updated the process and waits to stage its MediationClosed.
    const closePid = await eventually(() => waiting([lockerPid], 'INSERT INTO outbox%'), 30_000, 50);

    const eventId = randomUUID();
    const escalationId = `${COUNTRY}/-/${new Date().toISOString().slice(0, 10)}/critical`;
    const escalated = create(RiskEscalatedSchema, {
      escalationId,
      country: COUNTRY,
      previousLevel: RiskLevel.HIGH,
      newLevel: RiskLevel.CRITICAL,
      score: 0.95,
      drivers: [{ kind: 'battles', label: 'Armed clashes', area: '', count: 9, weight: 0.9 }],
      at: timestampFromDate(new Date()),
    });
    const record = domainEventRecord(CE_RISK_ESCALATED, escalated, { id: eventId });
    await producer.send({ topic: record.topic, messages: [record.message] });
    // The escalation's consumer waits too: for the country lock the close holds, or (where the close
    // took none) at its own outbox insert, having read the process as open before the close committed.
    await eventually(() => waiting([lockerPid, closePid], '%pg_advisory_xact_lock%', [closePid]), 90_000, 50);

    await locker.query('COMMIT');
    expect(await closing).toMatchObject({ status: 200, body: { status: 'closed' } });
    await eventually(async () => (await db.query('SELECT 1 FROM mediation.inbox WHERE consumer = $1 AND event_id = $2', ['mediation', eventId])).rowCount === 1, 60_000, 100);

    const handled = await db.query('SELECT outcome, process_id FROM mediation.handled_escalations WHERE escalation_id = $1', [escalationId]);
    expect(handled.rows).toHaveLength(1);
    const answeredBy = await db.query('SELECT id, status, escalation_id FROM mediation.processes WHERE id = $1', [handled.rows[0].process_id]);
    expect(answeredBy.rows[0]?.id, `referred to the process closed meanwhile: ${JSON.stringify(handled.rows[0])}`).not.toBe(closedId);
    expect(OPEN_STATUSES).toContain(answeredBy.rows[0].status);
    // Closed first, the process is seen closed: the escalation proposes the country's next one.
    expect(handled.rows[0].outcome).toBe('proposed');
    expect(answeredBy.rows[0].escalation_id).toBe(escalationId);
  });
});
