import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { RiskLevel } from '@crisis-ops/contracts';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, devToken, eventually, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { freshTestCountry, publishClosing, publishEscalation, publishProposal, publishReferral } from '../../test/events';
import { EscalationClosedUnopened1764892800000 } from '../migrations/1764892800000-escalation-closed-unopened.migration';
import { SERVICE } from '../service.definition';

/**
 * Time to response (GET /response-times) for escalations whose answer will never come: those
 * mediation does not answer by design, and those whose process was closed before it was opened.
 * Its counting from the events' own times is in ops-centre.int-spec.ts.
 */
describe('ops-centre time to response, for escalations no answer or opening will follow', () => {
  let app: INestApplication;
  let base: string;
  let producer: Producer;
  let globalToken: string;

  beforeAll(async () => {
    app = await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = testKafka('ops-centre-response-int-producer').producer({ idempotent: true });
    await producer.connect();
    globalToken = await devToken({ roles: ['global-watch-officer'], subject: 'int-global' });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
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
});
