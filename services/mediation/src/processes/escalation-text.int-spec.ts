import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import { CE_RISK_DEESCALATED, CE_RISK_ESCALATED, RiskDeescalatedSchema, RiskEscalatedSchema, RiskLevel } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { eventually, testKafka } from '@crisis-ops/testing';
import { bootMediation, freshCountries, type BootedMediation } from '../int-support';

/**
 * An escalation is valid under its contract with a NUL in any string (a proto3 string may hold
 * U+0000), which neither text nor jsonb can store: mediation failed it on every attempt and
 * dead-lettered it, where no redrive could deliver it, and the escalation was never answered.
 */
describe('mediation, an escalation whose text Postgres cannot store as it is', () => {
  let m: BootedMediation;
  let producer: Producer;

  beforeAll(async () => {
    m = await bootMediation();
    producer = testKafka('mediation-escalation-text-int-producer').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await m?.close();
  });

  const inboxHas = async (eventId: string) => (await m.db.query('SELECT 1 FROM mediation.inbox WHERE consumer = $1 AND event_id = $2', ['mediation', eventId])).rowCount === 1;

  it('proposes a process for it, U+FFFD where each NUL was, and records its de-escalation', async () => {
    const [country] = await freshCountries(1);
    const escalationId = `esc-\u0000${randomUUID()}`;
    const escalated = domainEventRecord(
      CE_RISK_ESCALATED,
      create(RiskEscalatedSchema, {
        escalationId,
        country,
        admin1: 'Sa\u0000hel',
        previousLevel: RiskLevel.ELEVATED,
        newLevel: RiskLevel.HIGH,
        score: 0.9,
        drivers: [{ kind: 'battles', label: 'Armed\u0000 clashes', area: 'Sa\u0000hel', count: 7, weight: 0.8 }],
        at: timestampFromDate(new Date()),
      }),
    );
    await producer.send({ topic: escalated.topic, messages: [escalated.message] });
    await eventually(() => inboxHas(escalated.id), 60_000, 250);

    const stored = escalationId.replace('\u0000', '\ufffd');
    const { rows } = await m.db.query(`SELECT id, admin1, state->'drivers' AS drivers FROM mediation.processes WHERE country = $1 AND escalation_id = $2`, [country, stored]);
    expect(rows).toEqual([{ id: expect.any(String), admin1: 'Sa\ufffdhel', drivers: [{ kind: 'battles', label: 'Armed\ufffd clashes', area: 'Sa\ufffdhel', count: 7, weight: 0.8 }] }]);
    expect((await m.db.query('SELECT outcome FROM mediation.handled_escalations WHERE escalation_id = $1', [stored])).rows).toEqual([{ outcome: 'proposed' }]);

    // Its de-escalation names it as it came, NUL and all: the process covering the area records it.
    const deescalated = domainEventRecord(
      CE_RISK_DEESCALATED,
      create(RiskDeescalatedSchema, { escalationId, country, admin1: 'Sa\u0000hel', previousLevel: RiskLevel.HIGH, newLevel: RiskLevel.LOW, at: timestampFromDate(new Date()) }),
    );
    await producer.send({ topic: deescalated.topic, messages: [deescalated.message] });
    await eventually(() => inboxHas(deescalated.id), 60_000, 250);
    const history = await m.db.query('SELECT type, payload FROM mediation.process_events WHERE process_id = $1 ORDER BY version', [rows[0].id]);
    expect(history.rows.map((r) => r.type)).toEqual(['MediationProposed', 'DeescalationRecorded']);
    expect(history.rows[1].payload).toMatchObject({ escalationId: stored });
  });
});
