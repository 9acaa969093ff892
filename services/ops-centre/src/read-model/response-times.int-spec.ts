import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { RiskLevel } from '@crisis-ops/contracts';
import { adminClient, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishClosing, publishDeescalation, publishEscalation, publishMediation, publishOpening, publishProposal, publishReferral } from '../../test/events';
import { EscalationClosedUnopened1764892800000 } from '../migrations/1764892800000-escalation-closed-unopened.migration';
import { EscalationReversals1765152000000 } from '../migrations/1765152000000-escalation-reversals.migration';
import { EscalationProcessFate1765238400000 } from '../migrations/1765238400000-escalation-process-fate.migration';

/**
 * Time to response (GET /response-times) for escalations whose answer will never come: those
 * mediation does not answer by design, those whose process was closed before it was opened, and
 * those their area fell back from (RiskDeescalated), whose alerts say so too (GET /alerts).
 * Its counting from the events' own times is in ops-centre.int-spec.ts.
 */
describe('ops-centre time to response, for escalations no answer or opening will follow', () => {
  const h = useOpsCentre('ops-centre-response-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-global' } });
  let base: string;
  let producer: Producer;
  let globalToken: string;

  beforeAll(() => {
    ({ base, producer, globalToken } = h);
  });

  type Row = { escalationId: string; status: string; toProposedMs: number | null; toOpenedMs: number | null; toClosedUnopenedMs: number | null; referred: boolean };
  const responses = async (country: string): Promise<Row[]> => {
    const res = await fetch(`${base}/response-times?country=${country}`, { headers: { authorization: `Bearer ${globalToken}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Row[];
  };
  const rowOf = (country: string, escalationId: string, done: (r: Row) => boolean = () => true) =>
    eventually(async () => (await responses(country)).find((r) => r.escalationId === escalationId && done(r)));

  it('shows an escalation below what mediation answers as not warranted, and one it answers as awaiting its proposal', async () => {
    const country = await freshTestCountry();
    const elevated = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    const high = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    expect(await rowOf(country, elevated.escalationId)).toMatchObject({ status: 'not-warranted', toProposedMs: null, toOpenedMs: null });
    expect(await rowOf(country, high.escalationId)).toMatchObject({ status: 'awaiting-proposal' });
  });

  it('shows a proposal closed before it was opened as closed without opening, and so the escalation referred to it', async () => {
    const country = await freshTestCountry();
    const t = Date.now() - 3 * 3_600_000;
    const first = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t) });
    const processId = await publishProposal(producer, { country, escalationId: first.escalationId, proposedAt: new Date(t + 600_000) });
    const later = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: new Date(t + 1_200_000) });
    await publishReferral(producer, { country, escalationId: later.escalationId, processId, referredAt: new Date(t + 1_260_000), processOpened: false });
    expect(await rowOf(country, later.escalationId, (r) => r.referred)).toMatchObject({ status: 'awaiting-opening' });

    await publishClosing(producer, { country, processId, at: new Date(t + 7_200_000) });
    const closed = await rowOf(country, first.escalationId, (r) => r.status === 'closed-unopened');
    expect(closed).toMatchObject({ toProposedMs: 600_000, toOpenedMs: null, toClosedUnopenedMs: 7_200_000 });
    expect(await rowOf(country, later.escalationId)).toMatchObject({ status: 'closed-unopened', referred: true, toClosedUnopenedMs: 6_000_000 });
  });

  it('follows a referral or a proposal projected after its process was closed or opened to what became of the process, where it awaited opening for ever', async () => {
    // A dead letter redriven after its process's fate, or a referral staged while an approver opened the
    // process (mediation read it proposed, the opening committed first): the process's fate came first.
    const country = await freshTestCountry();
    const t = Date.now() - 3 * 3_600_000;
    const closedFirst = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t) });
    const openedFirst = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: new Date(t + 600_000) });
    const proposedLate = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t + 1_200_000) });
    const [closed, opened, proposed] = [randomUUID(), randomUUID(), randomUUID()];
    await publishClosing(producer, { country, processId: closed, at: new Date(t + 3_600_000) });
    await publishOpening(producer, { country, processId: opened, at: new Date(t + 660_000) });
    await publishOpening(producer, { country, processId: proposed, at: new Date(t + 4_800_000) });
    await publishProposal(producer, { country, escalationId: proposedLate.escalationId, processId: proposed, proposedAt: new Date(t + 1_800_000) });
    await publishReferral(producer, { country, escalationId: closedFirst.escalationId, processId: closed, referredAt: new Date(t + 60_000), processOpened: false });
    await publishReferral(producer, { country, escalationId: openedFirst.escalationId, processId: opened, referredAt: new Date(t + 630_000), processOpened: false });
    // A process's events and the referrals to it share the country's partition: once a referral is
    // projected, the closing or opening published before it was too.
    expect(await rowOf(country, closedFirst.escalationId, (r) => r.referred)).toMatchObject({ status: 'closed-unopened', referred: true, toProposedMs: 60_000, toClosedUnopenedMs: 3_600_000 });
    // Opened after the referral: the escalation waited for the opening, not for the referral.
    expect(await rowOf(country, openedFirst.escalationId, (r) => r.referred)).toMatchObject({ status: 'opened', referred: true, toProposedMs: 30_000, toOpenedMs: 60_000 });
    expect(await rowOf(country, proposedLate.escalationId, (r) => r.toProposedMs !== null)).toMatchObject({ status: 'opened', referred: false, toProposedMs: 600_000, toOpenedMs: 3_600_000 });
  });

  it('lists the pending responses first, newest first, then the rest, and the pending ones alone on asking (status=pending), so that no limit hides one behind settled rows', async () => {
    const country = await freshTestCountry();
    const t = Date.now() - 6 * 3_600_000;
    const at = (min: number) => new Date(t + min * 60_000);
    const awaitingProposal = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(0) });
    const awaitingOpening = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: at(10) });
    await publishProposal(producer, { country, escalationId: awaitingOpening.escalationId, proposedAt: at(20) });
    const opened = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(60) });
    await publishMediation(producer, { country, escalationId: opened.escalationId, proposedAt: at(70), openedAt: at(80) });
    const notWarranted = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED, at: at(120) });
    // Another area's, so that its de-escalation reverses it alone.
    const reversed = await publishEscalation(producer, { country, admin1: 'North', level: RiskLevel.HIGH, at: at(180) });
    await publishDeescalation(producer, { country, admin1: 'North', escalationId: reversed.escalationId, level: RiskLevel.LOW, at: at(200) });
    const closed = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: at(240) });
    const closedProcess = await publishProposal(producer, { country, escalationId: closed.escalationId, proposedAt: at(250) });
    await publishClosing(producer, { country, processId: closedProcess, at: at(260) });
    await rowOf(country, closed.escalationId, (r) => r.status === 'closed-unopened');

    const listing = async (query: string) => {
      const res = await fetch(`${base}/response-times?country=${country}${query}`, { headers: { authorization: `Bearer ${globalToken}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as Row[]).map((r) => [r.escalationId, r.status]);
    };
    const pending = [
      [awaitingOpening.escalationId, 'awaiting-opening'],
      [awaitingProposal.escalationId, 'awaiting-proposal'],
    ];
    expect(await listing('')).toEqual([
      ...pending,
      [closed.escalationId, 'closed-unopened'],
      [reversed.escalationId, 'reversed'],
      [notWarranted.escalationId, 'not-warranted'],
      [opened.escalationId, 'opened'],
    ]);
    expect(await listing('&limit=2')).toEqual(pending);
    expect(await listing('&status=pending')).toEqual(pending);
    expect(await listing('&status=pending&limit=1')).toEqual([pending[0]]);
    const refused = await fetch(`${base}/response-times?status=awaiting`, { headers: { authorization: `Bearer ${globalToken}` } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string; errors: { field: string }[] })).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'status' }] });
    const malformed = await fetch(`${base}/response-times?limit=abc`, { headers: { authorization: `Bearer ${globalToken}` } });
    expect([malformed.status, await malformed.json()]).toMatchObject([400, { code: 'REQUEST.INVALID', errors: [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }] }]);
  });

  type AlertRow = { escalationId: string; status: string; level: number; clearedAt: string | null; clearedToLevel: number | null; clearedToLevelName: string | null };
  const alerts = async (country: string): Promise<AlertRow[]> => {
    const res = await fetch(`${base}/alerts?country=${country}`, { headers: { authorization: `Bearer ${globalToken}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as AlertRow[];
  };
  const alertOf = (country: string, escalationId: string, done: (a: AlertRow) => boolean = () => true) =>
    eventually(async () => (await alerts(country)).find((a) => a.escalationId === escalationId && done(a)));
  const iso = (ms: number) => new Date(ms).toISOString();

  it('marks the alerts and responses of an area de-escalated below their level, lists those alerts after the standing ones, and changes nothing on redelivery', async () => {
    // An area escalated to high, then to critical, then de-escalated to low: early-warning names the first only.
    const country = await freshTestCountry();
    const t = Date.now() - 3 * 3_600_000;
    const high = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t) });
    const critical = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, at: new Date(t + 600_000) });
    const down = await publishDeescalation(producer, { country, escalationId: high.escalationId, level: RiskLevel.LOW, at: new Date(t + 3_600_000) });

    // Cleared, not closed: an officer may still need to look at it.
    expect(await alertOf(country, critical.escalationId, (a) => a.clearedAt !== null)).toMatchObject({ status: 'open', level: 4, clearedAt: iso(t + 3_600_000), clearedToLevel: 1, clearedToLevelName: 'low' });
    expect(await alertOf(country, high.escalationId)).toMatchObject({ status: 'open', clearedAt: iso(t + 3_600_000), clearedToLevelName: 'low' });
    expect(await rowOf(country, critical.escalationId)).toMatchObject({ status: 'reversed', toReversedMs: 3_000_000 });
    expect(await rowOf(country, high.escalationId)).toMatchObject({ status: 'reversed', toReversedMs: 3_600_000 });

    // It escalates again: its own alert, standing, ahead of the critical one cleared.
    const again = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t + 7_200_000) });
    // The de-escalation redelivered, and another raised before the re-escalation but projected after it (redriven late).
    await down.again();
    await publishDeescalation(producer, { country, escalationId: critical.escalationId, level: RiskLevel.ELEVATED, at: new Date(t + 5_400_000) });
    // The country's events share a partition: once this one's alert is listed, those before it were projected.
    const marker = await publishEscalation(producer, { country, level: RiskLevel.HIGH, at: new Date(t + 7_300_000) });
    await alertOf(country, marker.escalationId);

    const listed = await alerts(country);
    expect(listed.map((a) => a.escalationId)).toEqual([marker.escalationId, again.escalationId, critical.escalationId, high.escalationId]);
    expect(listed.find((a) => a.escalationId === again.escalationId)).toMatchObject({ clearedAt: null, clearedToLevel: null });
    expect(listed.find((a) => a.escalationId === critical.escalationId)).toMatchObject({ clearedAt: iso(t + 3_600_000), clearedToLevelName: 'low' });
    expect(await rowOf(country, again.escalationId)).toMatchObject({ status: 'awaiting-proposal', toReversedMs: null });
    expect(await rowOf(country, critical.escalationId)).toMatchObject({ status: 'reversed', toReversedMs: 3_000_000 });
  });

  it('marks an escalation reversed whose de-escalation came before it', async () => {
    const country = await freshTestCountry();
    const t = Date.now() - 2 * 3_600_000;
    const escalationId = randomUUID();
    await publishDeescalation(producer, { country, escalationId, level: RiskLevel.ELEVATED, at: new Date(t + 3_600_000) });
    await publishEscalation(producer, { country, escalationId, level: RiskLevel.CRITICAL, at: new Date(t) });
    expect(await alertOf(country, escalationId)).toMatchObject({ status: 'open', level: 4, clearedAt: iso(t + 3_600_000), clearedToLevelName: 'elevated' });
    expect(await rowOf(country, escalationId)).toMatchObject({ status: 'reversed', toReversedMs: 3_600_000 });
  });

  it('marks, on migrating, the alerts and responses recorded before of escalations the timeline shows de-escalated', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const [named, sameArea, later, province] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const runner = { query: (sql: string, args?: unknown[]) => db.query(sql, args).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new EscalationReversals1765152000000();
    const t = Date.now() - 3 * 3_600_000;
    try {
      // As the schema stood before the migration; all of it rolled back, so the read model is as it was.
      await db.query('BEGIN');
      await db.query('SET LOCAL search_path TO ops_centre');
      await migration.down(runner);
      for (const [escalationId, admin1, level, at] of [[named, '', 3, t], [sameArea, '', 4, t + 600_000], [later, '', 3, t + 7_200_000], [province, 'North', 4, t]] as const) {
        await db.query(`INSERT INTO alerts (escalation_id, event_id, country, admin1, level, score, opened_at) VALUES ($1, $2, $3, $4, $5, 0.9, $6)`, [escalationId, randomUUID(), country, admin1, level, new Date(at)]);
        await db.query(`INSERT INTO escalation_responses (escalation_id, country, admin1, level, escalated_at) VALUES ($1, $2, $3, $4, $5)`, [escalationId, country, admin1, level, new Date(at)]);
      }
      for (const [level, at] of [['RISK_LEVEL_LOW', t + 3_600_000], ['RISK_LEVEL_ELEVATED', t + 5_400_000]] as const) {
        await db.query(
          `INSERT INTO timeline_entries (event_id, ce_type, ce_source, country, occurred_at, topic, kafka_partition, kafka_offset, payload)
           VALUES ($1, 'org.crisis-ops.early-warning.risk-deescalated.v1', 'test', $2, $3, 'early-warning.risk.v1', 0, 0, $4)`,
          [randomUUID(), country, new Date(at), JSON.stringify({ escalationId: named, country, admin1: '', previousLevel: 'RISK_LEVEL_CRITICAL', newLevel: level })],
        );
      }
      await migration.up(runner);
      const cleared = Object.fromEntries((await db.query('SELECT escalation_id, cleared_at, cleared_to_level FROM alerts WHERE country = $1', [country])).rows.map((r) => [r.escalation_id, [r.cleared_at?.toISOString() ?? null, r.cleared_to_level]]));
      const reversed = Object.fromEntries((await db.query('SELECT escalation_id, reversed_at, reversed_to_level FROM escalation_responses WHERE country = $1', [country])).rows.map((r) => [r.escalation_id, [r.reversed_at?.toISOString() ?? null, r.reversed_to_level]]));
      // The first de-escalation below each counts; a later escalation and another area's are not reversed.
      const expected = { [named]: [iso(t + 3_600_000), 1], [sameArea]: [iso(t + 3_600_000), 1], [later]: [null, null], [province]: [null, null] };
      expect(cleared).toEqual(expected);
      expect(reversed).toEqual(expected);
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
  });

  it('marks, on migrating, the rows recorded before of processes the timeline shows closed unopened', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const [closed, opened] = [randomUUID(), randomUUID()];
    const runner = { query: (sql: string, args?: unknown[]) => db.query(sql, args).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new EscalationClosedUnopened1764892800000();
    try {
      // As the schema stood before the migration; all of it rolled back, so the read model is as it was.
      await db.query('BEGIN');
      await db.query('SET LOCAL search_path TO ops_centre');
      await migration.down(runner);
      const escalated = new Date(Date.now() - 3_600_000);
      for (const [processId, openedAt] of [[closed, null], [opened, new Date()]] as const) {
        await db.query(`INSERT INTO escalation_responses (escalation_id, country, level, escalated_at, process_id, proposed_at, opened_at) VALUES ($1, $2, 3, $3, $4, $3, $5)`, [
          randomUUID(), country, escalated, processId, openedAt,
        ]);
        await db.query(
          `INSERT INTO timeline_entries (event_id, ce_type, ce_source, country, occurred_at, topic, kafka_partition, kafka_offset, payload)
           VALUES ($1, 'org.crisis-ops.mediation.mediation-concluded.v1', 'test', $2, $3, 'mediation.processes.v1', 0, 0, $4)`,
          [randomUUID(), country, new Date(), JSON.stringify({ processId, country, outcome: 'MEDIATION_OUTCOME_WITHDRAWN' })],
        );
      }
      await migration.up(runner);
      const rows = await db.query('SELECT process_id, closed_unopened_at FROM escalation_responses WHERE country = $1', [country]);
      const closedAt = Object.fromEntries(rows.rows.map((r) => [r.process_id, r.closed_unopened_at]));
      expect(closedAt[closed]).toBeInstanceOf(Date);
      expect(closedAt[opened]).toBeNull();
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
  });
  it('fills, on migrating, the rows recorded before whose process the timeline shows opened or closed before their answer came', async () => {
    const db = adminClient();
    await db.connect();
    const country = await freshTestCountry();
    const [closed, opened, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    const runner = { query: (sql: string, args?: unknown[]) => db.query(sql, args).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new EscalationProcessFate1765238400000();
    const t = Date.now() - 3 * 3_600_000;
    try {
      // As the schema stood before the migration; all of it rolled back, so the read model is as it was.
      await db.query('BEGIN');
      await db.query('SET LOCAL search_path TO ops_centre');
      await migration.down(runner);
      // Each referred at t + 1 min, awaiting opening, as the projector left them.
      for (const processId of [closed, opened, unknown]) {
        await db.query(`INSERT INTO escalation_responses (escalation_id, country, level, escalated_at, process_id, proposed_at, referred) VALUES ($1, $2, 3, $3, $4, $5, true)`, [
          processId, country, new Date(t), processId, new Date(t + 60_000),
        ]);
      }
      for (const [processId, type, at] of [[closed, 'mediation-concluded', t + 3_600_000], [opened, 'mediation-opened', t + 30_000], [opened, 'mediation-concluded', t + 7_200_000]] as const) {
        await db.query(
          `INSERT INTO timeline_entries (event_id, ce_type, ce_source, country, occurred_at, topic, kafka_partition, kafka_offset, payload)
           VALUES ($1, $2, 'test', $3, $4, 'mediation.processes.v1', 0, 0, $5)`,
          [randomUUID(), `org.crisis-ops.mediation.${type}.v1`, country, new Date(at), JSON.stringify({ processId, country, occurredAt: iso(at) })],
        );
      }
      await migration.fill(runner);
      const rows = await db.query('SELECT process_id, opened_at, closed_unopened_at FROM escalation_responses WHERE country = $1', [country]);
      const filled = Object.fromEntries(rows.rows.map((r) => [r.process_id, [r.opened_at?.toISOString() ?? null, r.closed_unopened_at?.toISOString() ?? null]]));
      // Opened before the referral: opened when referred, the escalation's first open process.
      expect(filled).toEqual({ [closed]: [null, iso(t + 3_600_000)], [opened]: [iso(t + 60_000), null], [unknown]: [null, null] });
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
  });
});
