import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import {
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_RISK_ESCALATED,
  CE_SIGNAL_RECORDED,
  SignalRecordedSchema,
  MediationOpenedSchema,
  MediationProposedSchema,
  RiskEscalatedSchema,
  RiskLevel,
  type EventMessage,
  type EventType,
} from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { adminClient } from '@crisis-ops/testing';

const letters = () => String.fromCharCode(...Array.from({ length: 2 }, () => 65 + Math.floor(Math.random() * 26)));
/** A user-assigned ISO code (Q..), unique enough per run that reruns against one database pass. */
const testCountry = () => `Q${letters()}`;

/**
 * `n` distinct user-assigned codes (Q..) no suite has used in this test database yet: no ops-centre
 * timeline entry or risk row, no early-warning risk engine. Suites share the topics, so ops-centre
 * also projects other suites' events; a code another suite used could carry their history into a check.
 */
export async function freshTestCountries(n: number): Promise<string[]> {
  const db = adminClient();
  await db.connect();
  try {
    // Only the tables that exist yet (a suite may ask before its service has migrated a fresh database).
    const { rows } = await db.query<{ t: string }>(
      `SELECT t FROM unnest(ARRAY['ops_centre.timeline_entries', 'ops_centre.risk_areas', 'early_warning.risk_engines']) AS t WHERE to_regclass(t) IS NOT NULL`,
    );
    const used = rows.map(({ t }) => `SELECT 1 FROM ${t} WHERE country = $1`).join(' UNION ALL ');
    const codes = new Set<string>();
    for (let i = 0; i < 200 + n && codes.size < n; i++) {
      const code = testCountry();
      if (codes.has(code)) continue;
      if (!used || (await db.query(`${used} LIMIT 1`, [code])).rowCount === 0) codes.add(code);
    }
    if (codes.size < n) throw new Error('too few unused user-assigned country codes left: reset the test database');
    return [...codes];
  } finally {
    await db.end();
  }
}

export const freshTestCountry = async (): Promise<string> => (await freshTestCountries(1))[0];

/** Publishes one domain event as the owning service's relay would, returning its ce_id. */
async function send<T extends EventType>(producer: Producer, ceType: T, message: EventMessage<T>): Promise<string> {
  const record = domainEventRecord(ceType, message);
  await producer.send({ topic: record.topic, messages: [record.message] });
  return record.id;
}

/** `n` SignalRecorded events for one country in one produce request. */
export async function publishSignals(producer: Producer, country: string, n: number) {
  const now = new Date();
  const records = Array.from({ length: n }, (_, i) =>
    domainEventRecord(
      CE_SIGNAL_RECORDED,
      create(SignalRecordedSchema, { signalId: randomUUID(), source: 'load-test', country, type: 'protests', severity: 1 + (i % 5), occurredAt: timestampFromDate(now), reportedAt: timestampFromDate(now) }),
      { time: now },
    ),
  );
  await producer.send({ topic: records[0].topic, messages: records.map((r) => r.message) });
}

export async function publishEscalation(producer: Producer, o: { country: string; level?: RiskLevel; score?: number; at?: Date; admin1?: string }) {
  const escalationId = randomUUID();
  const eventId = await send(
    producer,
    CE_RISK_ESCALATED,
    create(RiskEscalatedSchema, {
      escalationId,
      country: o.country,
      admin1: o.admin1 ?? '',
      previousLevel: RiskLevel.ELEVATED,
      newLevel: o.level ?? RiskLevel.HIGH,
      score: o.score ?? 0.87,
      drivers: [{ kind: 'battles', label: 'Armed clashes', area: 'North', count: 7, weight: 0.8 }],
      at: timestampFromDate(o.at ?? new Date()),
    }),
  );
  return { escalationId, eventId };
}

export async function publishMediation(producer: Producer, o: { country: string; escalationId: string; proposedAt: Date; openedAt: Date }) {
  const processId = randomUUID();
  await send(producer, CE_MEDIATION_PROPOSED, create(MediationProposedSchema, { processId, country: o.country, situation: 'test', lead: 'UN', triggeredByEscalationId: o.escalationId, proposedAt: timestampFromDate(o.proposedAt) }));
  await send(producer, CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId, country: o.country, lead: 'UN', mandate: 'test', occurredAt: timestampFromDate(o.openedAt) }));
  return processId;
}
