import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import {
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_RISK_ESCALATED,
  CE_SIGNAL_RECORDED,
  encodeEvent,
  SignalRecordedSchema,
  TOPIC_SIGNALS,
  MediationOpenedSchema,
  MediationProposedSchema,
  RiskEscalatedSchema,
  RiskLevel,
  TOPIC_MEDIATION,
  TOPIC_RISK,
} from '@crisis-ops/contracts';
import { cloudEventHeaders } from '@crisis-ops/messaging';

const letters = () => String.fromCharCode(...Array.from({ length: 2 }, () => 65 + Math.floor(Math.random() * 26)));
/** A user-assigned ISO code (Q..), unique enough per run that reruns against one database pass. */
export const testCountry = () => `Q${letters()}`;

const send = (producer: Producer, topic: string, type: string, source: string, country: string, value: Uint8Array) => {
  const id = randomUUID();
  return producer
    .send({ topic, messages: [{ key: country, value: Buffer.from(value), headers: cloudEventHeaders({ id, type, source, time: new Date() }) }] })
    .then(() => id);
};

/** `n` SignalRecorded events for one country in one produce request. */
export async function publishSignals(producer: Producer, country: string, n: number) {
  const now = new Date();
  await producer.send({
    topic: TOPIC_SIGNALS,
    messages: Array.from({ length: n }, (_, i) => ({
      key: country,
      value: Buffer.from(
        encodeEvent(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, { signalId: randomUUID(), source: 'load-test', country, type: 'protests', severity: 1 + (i % 5), occurredAt: timestampFromDate(now), reportedAt: timestampFromDate(now) })),
      ),
      headers: cloudEventHeaders({ id: randomUUID(), type: CE_SIGNAL_RECORDED, source: 'early-warning', time: now }),
    })),
  });
}

export async function publishEscalation(producer: Producer, o: { country: string; level?: RiskLevel; score?: number; at?: Date; admin1?: string }) {
  const escalationId = randomUUID();
  const eventId = await send(
    producer,
    TOPIC_RISK,
    CE_RISK_ESCALATED,
    'early-warning',
    o.country,
    encodeEvent(
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
    ),
  );
  return { escalationId, eventId };
}

export async function publishMediation(producer: Producer, o: { country: string; escalationId: string; proposedAt: Date; openedAt: Date }) {
  const processId = randomUUID();
  await send(
    producer,
    TOPIC_MEDIATION,
    CE_MEDIATION_PROPOSED,
    'mediation',
    o.country,
    encodeEvent(CE_MEDIATION_PROPOSED, create(MediationProposedSchema, { processId, country: o.country, situation: 'test', lead: 'UN', triggeredByEscalationId: o.escalationId, proposedAt: timestampFromDate(o.proposedAt) })),
  );
  await send(
    producer,
    TOPIC_MEDIATION,
    CE_MEDIATION_OPENED,
    'mediation',
    o.country,
    encodeEvent(CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId, country: o.country, lead: 'UN', mandate: 'test', occurredAt: timestampFromDate(o.openedAt) })),
  );
  return processId;
}
