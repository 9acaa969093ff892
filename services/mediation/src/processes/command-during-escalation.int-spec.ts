import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client } from 'pg';
import type { Consumer, Producer } from 'kafkajs';
import { CE_ESCALATION_REFERRED, CE_RISK_ESCALATED, decodeEvent, RiskEscalatedSchema, RiskLevel, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { domainEventRecord, parseCloudEvent, type ReceivedEvent } from '@crisis-ops/messaging';
import { adminClient, eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { OPEN_STATUSES } from '../domain';
import { bootMediation, freshCountries, token, type BootedMediation } from '../int-support';

/** User-assigned codes no earlier run has used (int-support.ts), drawn in beforeAll. */
let CLOSED = '';
let OPENED = '';

/**
 * A user closes, or an approver opens, a country's only open process while an escalation of that
 * country is consumed. The command is held open at a known point, its outbox insert (after its update
 * of the process), by a second session holding a lock on the outbox that the insert needs, as long as
 * it takes for the escalation's consumer to be waiting too; then both are let go.
 */
describe('mediation: a command on a process and an escalation of its country at the same time', () => {
  let m: BootedMediation;
  let db: BootedMediation['db'];
  let producer: Producer;
  let reader: Consumer;
  const published: ReceivedEvent[] = [];
  let locker: Client | undefined;

  beforeAll(async () => {
    [CLOSED, OPENED] = await freshCountries(2);
    m = await bootMediation();
    db = m.db;
    producer = testKafka('mediation-race-int-producer').producer({ idempotent: true });
    await producer.connect();
    reader = testKafka('mediation-race-int-reader').consumer({ groupId: `mediation-race-int-${uniqueSuffix()}` });
    await reader.connect();
    await reader.subscribe({ topic: TOPIC_MEDIATION, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (message.key?.toString() === OPENED) published.push(parseCloudEvent(topic, partition, message));
      },
    });
  });

  afterAll(async () => {
    await locker?.end();
    await reader?.disconnect();
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

  /**
   * Proposes a process in `country`, runs `command` on it held before its outbox insert, and
   * meanwhile sends a critical escalation of the country; answers the command's response and how
   * mediation handled the escalation, once both are through.
   */
  const escalatedDuring = async (country: string, command: (processId: string) => Promise<{ status: number; body: Record<string, unknown> }>) => {
    const officer = await token(['mediation-officer'], 'global');
    const proposed = await m.api('POST', '/processes', officer, { country, track: 'good_offices', lead: 'special_envoy' });
    expect(proposed.status).toBe(201);
    const processId = proposed.body.processId as string;
    // The proposal's outbox row published, so the relay has no business with the outbox while it is locked.
    await eventually(async () => (await db.query('SELECT 1 FROM mediation.outbox WHERE key = $1', [country])).rowCount === 0, 30_000, 100);

    locker = adminClient();
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE mediation.outbox IN SHARE ROW EXCLUSIVE MODE');
    const lockerPid: number = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const running = command(processId);
    // The command has updated the process and waits to stage its events.
    const commandPid = await eventually(() => waiting([lockerPid], 'INSERT INTO outbox%'), 30_000, 50);

    const eventId = randomUUID();
    const escalationId = `${country}/-/${new Date().toISOString().slice(0, 10)}/critical`;
    const escalated = create(RiskEscalatedSchema, {
      escalationId,
      country,
      previousLevel: RiskLevel.HIGH,
      newLevel: RiskLevel.CRITICAL,
      score: 0.95,
      drivers: [{ kind: 'battles', label: 'Armed clashes', area: '', count: 9, weight: 0.9 }],
      at: timestampFromDate(new Date()),
    });
    const record = domainEventRecord(CE_RISK_ESCALATED, escalated, { id: eventId });
    await producer.send({ topic: record.topic, messages: [record.message] });
    // The escalation's consumer waits too: for the country lock the command holds, or (where the
    // command took none) at its own outbox insert, having read the process as it was before the
    // command committed.
    await eventually(() => waiting([lockerPid, commandPid], '%pg_advisory_xact_lock%', [commandPid]), 90_000, 50);

    await locker.query('COMMIT');
    const response = await running;
    await eventually(async () => (await db.query('SELECT 1 FROM mediation.inbox WHERE consumer = $1 AND event_id = $2', ['mediation', eventId])).rowCount === 1, 60_000, 100);
    const handled = await db.query('SELECT outcome, process_id FROM mediation.handled_escalations WHERE escalation_id = $1', [escalationId]);
    expect(handled.rows).toHaveLength(1);
    return { processId, response, escalationId, handled: handled.rows[0] as { outcome: string; process_id: string } };
  };

  it('answers the escalation by a process left open: the one not yet closed or a new proposal, never the closed one', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const { processId: closedId, response, escalationId, handled } = await escalatedDuring(CLOSED, (id) => m.api('POST', `/processes/${id}/close`, officer, { reason: 'Superseded' }));
    expect(response).toMatchObject({ status: 200, body: { status: 'closed' } });
    const answeredBy = await db.query('SELECT id, status, escalation_id FROM mediation.processes WHERE id = $1', [handled.process_id]);
    expect(answeredBy.rows[0]?.id, `referred to the process closed meanwhile: ${JSON.stringify(handled)}`).not.toBe(closedId);
    expect(OPEN_STATUSES).toContain(answeredBy.rows[0].status);
    // Closed first, the process is seen closed: the escalation proposes the country's next one.
    expect(handled.outcome).toBe('proposed');
    expect(answeredBy.rows[0].escalation_id).toBe(escalationId);
  });

  it('refers the escalation to the process being opened as opened, where it said "not opened" of a process whose opening came before the referral', async () => {
    const approver = await token(['approver'], 'global');
    const { processId, response, escalationId, handled } = await escalatedDuring(OPENED, (id) =>
      m.api('POST', `/processes/${id}/activate`, approver, { mandate: 'Good offices', envoy: { name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female' } }),
    );
    expect(response).toMatchObject({ status: 200, body: { status: 'active' } });
    expect(handled).toEqual({ outcome: 'open-process-exists', process_id: processId });
    const referred = await eventually(async () => published.find((e) => e.type === CE_ESCALATION_REFERRED), 30_000);
    expect(decodeEvent(CE_ESCALATION_REFERRED, referred.data)).toMatchObject({ escalationId, processId, processOpened: true });
  });
});
