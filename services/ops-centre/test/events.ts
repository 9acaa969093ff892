import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import {
  CE_ELECTION_POSTPONED,
  CE_ELECTION_SCHEDULED,
  CE_ENVOY_APPOINTED,
  CE_ESCALATION_REFERRED,
  CE_MEDIATION_CONCLUDED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_MEDIATION_SUSPENDED,
  CE_PARTNER_ENGAGED,
  CE_RISK_ASSESSED,
  CE_RISK_DEESCALATED,
  CE_RISK_ESCALATED,
  CE_SIGNAL_RECORDED,
  ElectionKind,
  ElectionPostponedSchema,
  ElectionScheduledSchema,
  EngagementKind,
  EnvoyAppointedSchema,
  EscalationReferredSchema,
  MediationConcludedSchema,
  MediationOutcome,
  SignalRecordedSchema,
  MediationOpenedSchema,
  MediationProposedSchema,
  MediationSuspendedSchema,
  PartnerEngagedSchema,
  RiskAssessedSchema,
  RiskDeescalatedSchema,
  RiskEscalatedSchema,
  RiskLevel,
  type EventMessage,
  type EventType,
} from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { unusedCountryCodes } from '@crisis-ops/testing';

/**
 * `n` user-assigned codes no suite has used in this test database (no timeline entry, risk row or
 * early-warning engine): ops-centre projects every suite's events.
 */
export const freshTestCountries = (n: number): Promise<string[]> =>
  unusedCountryCodes(n, { tables: ['ops_centre.timeline_entries', 'ops_centre.risk_areas', 'early_warning.risk_engines'] });

export const freshTestCountry = async (): Promise<string> => (await freshTestCountries(1))[0];

/** Publishes one domain event as the owning service's relay would (at `time`, default now), returning its ce_id. */
async function send<T extends EventType>(producer: Producer, ceType: T, message: EventMessage<T>, time?: Date): Promise<string> {
  const record = domainEventRecord(ceType, message, time ? { time } : {});
  await producer.send({ topic: record.topic, messages: [record.message] });
  return record.id;
}

/** `n` SignalRecorded events for one country in one produce request; their ids, in order. */
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
  return records.map((r) => r.id);
}

/** A driver as RiskEscalated carries it: `area` '' for one of the whole area (proto3's "none"). */
export type DriverIn = { kind: string; label: string; area: string; count: number; weight: number };

export async function publishEscalation(
  producer: Producer,
  o: { country: string; level?: RiskLevel; score?: number; at?: Date; admin1?: string; escalationId?: string; drivers?: DriverIn[]; attributions?: string[] },
) {
  const escalationId = o.escalationId ?? randomUUID();
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
      drivers: o.drivers ?? [{ kind: 'battles', label: 'Armed clashes', area: 'North', count: 7, weight: 0.8 }],
      at: timestampFromDate(o.at ?? new Date()),
      attributions: o.attributions ?? [],
    }),
    // Raised when it is dated, as early-warning raises a live escalation.
    o.at,
  );
  return { escalationId, eventId };
}

/**
 * A RiskDeescalated of the area to `level`, naming the escalation it reverses, raised at `at`; `again`
 * sends the very same event once more (its id too), as Kafka redelivers it.
 */
export async function publishDeescalation(producer: Producer, o: { country: string; escalationId: string; level: RiskLevel; previousLevel?: RiskLevel; at: Date; admin1?: string }) {
  const record = domainEventRecord(
    CE_RISK_DEESCALATED,
    create(RiskDeescalatedSchema, {
      escalationId: o.escalationId,
      country: o.country,
      admin1: o.admin1 ?? '',
      previousLevel: o.previousLevel ?? RiskLevel.CRITICAL,
      newLevel: o.level,
      score: 0.1,
      at: timestampFromDate(o.at),
    }),
    { time: o.at },
  );
  const again = () => producer.send({ topic: record.topic, messages: [record.message] });
  await again();
  return { eventId: record.id, again };
}

/**
 * One national assessment of `day` as early-warning publishes it: RiskAssessed and, when it raised the
 * level from `escalatedFrom`, RiskEscalated of the same day, score and level; `previousScore` as
 * early-warning gives it on every assessment of an area but its first; `attributions` what its data
 * owes; `time` when published (default now).
 */
export async function publishAssessment(
  producer: Producer,
  o: { country: string; level: RiskLevel; score: number; day: Date; escalatedFrom?: RiskLevel; previousScore?: number; attributions?: string[]; time?: Date },
) {
  const day = timestampFromDate(o.day);
  const assessedEventId = await send(
    producer,
    CE_RISK_ASSESSED,
    create(RiskAssessedSchema, {
      country: o.country,
      score: o.score,
      level: o.level,
      assessedAt: day,
      origin: 'api',
      attributions: o.attributions ?? [],
      ...(o.previousScore === undefined ? {} : { previousScore: o.previousScore }),
    }),
    o.time,
  );
  if (o.escalatedFrom === undefined) return { assessedEventId };
  const escalationId = randomUUID();
  const escalatedEventId = await send(
    producer,
    CE_RISK_ESCALATED,
    create(RiskEscalatedSchema, { escalationId, country: o.country, previousLevel: o.escalatedFrom, newLevel: o.level, score: o.score, at: day, origin: 'api', attributions: o.attributions ?? [] }),
    o.time,
  );
  return { assessedEventId, escalationId, escalatedEventId };
}

export async function publishMediation(producer: Producer, o: { country: string; escalationId: string; proposedAt: Date; openedAt: Date }) {
  const processId = randomUUID();
  await send(producer, CE_MEDIATION_PROPOSED, create(MediationProposedSchema, { processId, country: o.country, situation: 'test', lead: 'UN', triggeredByEscalationId: o.escalationId, proposedAt: timestampFromDate(o.proposedAt) }));
  await send(producer, CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId, country: o.country, lead: 'UN', mandate: 'test', occurredAt: timestampFromDate(o.openedAt) }));
  return processId;
}

/** A proposal that answers an escalation, without its opening; the process's id. */
export async function publishProposal(producer: Producer, o: { country: string; escalationId: string; proposedAt: Date; processId?: string }) {
  const processId = o.processId ?? randomUUID();
  await send(producer, CE_MEDIATION_PROPOSED, create(MediationProposedSchema, { processId, country: o.country, situation: 'test', lead: 'UN', triggeredByEscalationId: o.escalationId, proposedAt: timestampFromDate(o.proposedAt) }));
  return processId;
}

/** A proposed process opened (activated), as mediation publishes it. */
export async function publishOpening(producer: Producer, o: { country: string; processId: string; at: Date }) {
  return send(producer, CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId: o.processId, country: o.country, lead: 'UN', mandate: 'test', occurredAt: timestampFromDate(o.at) }), o.at);
}

/** A process closed, as mediation publishes a closing: MediationConcluded, outcome WITHDRAWN. */
export async function publishClosing(producer: Producer, o: { country: string; processId: string; at: Date }) {
  return send(
    producer,
    CE_MEDIATION_CONCLUDED,
    create(MediationConcludedSchema, { processId: o.processId, country: o.country, outcome: MediationOutcome.WITHDRAWN, summary: 'test', occurredAt: timestampFromDate(o.at) }),
    o.at,
  );
}

/** Mediation's answer to an escalation with a process already open in the country. */
export async function publishReferral(producer: Producer, o: { country: string; escalationId: string; processId: string; referredAt: Date; processOpened: boolean }) {
  return send(
    producer,
    CE_ESCALATION_REFERRED,
    create(EscalationReferredSchema, { escalationId: o.escalationId, processId: o.processId, country: o.country, level: RiskLevel.HIGH, referredAt: timestampFromDate(o.referredAt), processOpened: o.processOpened }),
  );
}

/**
 * Kafka messages of one mediation process's events, as mediation's relay publishes them, each raised
 * at its `at`: to send several in one produce request, in the order given.
 */
export const mediationRecords = {
  proposed: (o: { country: string; processId: string; at: Date; admin1?: string }) =>
    domainEventRecord(
      CE_MEDIATION_PROPOSED,
      create(MediationProposedSchema, { processId: o.processId, country: o.country, admin1: o.admin1 ?? '', situation: 'test', lead: 'special_envoy', triggeredByEscalationId: randomUUID(), proposedAt: timestampFromDate(o.at) }),
      { time: o.at },
    ).message,
  opened: (o: { country: string; processId: string; at: Date; admin1?: string }) =>
    domainEventRecord(CE_MEDIATION_OPENED, create(MediationOpenedSchema, { processId: o.processId, country: o.country, admin1: o.admin1 ?? '', lead: 'special_envoy', mandate: 'test', occurredAt: timestampFromDate(o.at) }), { time: o.at }).message,
  suspended: (o: { country: string; processId: string; at: Date }) =>
    domainEventRecord(CE_MEDIATION_SUSPENDED, create(MediationSuspendedSchema, { processId: o.processId, country: o.country, reason: 'talks broke down', occurredAt: timestampFromDate(o.at) }), { time: o.at }).message,
  envoyAppointed: (o: { country: string; processId: string; at: Date }) =>
    domainEventRecord(
      CE_ENVOY_APPOINTED,
      create(EnvoyAppointedSchema, { processId: o.processId, country: o.country, envoyId: randomUUID(), name: 'E', role: 'deputy', organization: 'AU', occurredAt: timestampFromDate(o.at) }),
      { time: o.at },
    ).message,
};

/** A partner's engagement as partnerships publishes it, published at `time` (default now); its ce_id. */
export function publishEngagement(
  producer: Producer,
  o: { country: string; engagementId: string; partner?: string; kind?: EngagementKind; description?: string; at?: Date; time?: Date },
) {
  return send(
    producer,
    CE_PARTNER_ENGAGED,
    create(PartnerEngagedSchema, {
      engagementId: o.engagementId,
      partner: o.partner ?? 'UNDP',
      country: o.country,
      kind: o.kind ?? EngagementKind.TECHNICAL,
      description: o.description ?? 'voter registration support',
      ...(o.at ? { at: timestampFromDate(o.at) } : {}),
    }),
    o.time,
  );
}

/** An election scheduled, as electoral support publishes it, published at `time` (default now); its ce_id. */
export function publishElectionScheduled(
  producer: Producer,
  o: { country: string; electionId: string; kind?: ElectionKind; admin1?: string; scheduledFor: string; occurredAt?: Date; time?: Date },
) {
  return send(
    producer,
    CE_ELECTION_SCHEDULED,
    create(ElectionScheduledSchema, {
      electionId: o.electionId,
      country: o.country,
      admin1: o.admin1 ?? '',
      kind: o.kind ?? ElectionKind.PRESIDENTIAL,
      scheduledFor: o.scheduledFor,
      ...(o.occurredAt ? { occurredAt: timestampFromDate(o.occurredAt) } : {}),
    }),
    o.time,
  );
}

/** A scheduled election postponed, as electoral support publishes it; its ce_id. */
export function publishElectionPostponed(
  producer: Producer,
  o: { country: string; electionId: string; previousDate: string; newDate?: string; reason?: string; occurredAt?: Date; time?: Date },
) {
  return send(
    producer,
    CE_ELECTION_POSTPONED,
    create(ElectionPostponedSchema, {
      electionId: o.electionId,
      country: o.country,
      previousDate: o.previousDate,
      newDate: o.newDate ?? '',
      reason: o.reason ?? '',
      ...(o.occurredAt ? { occurredAt: timestampFromDate(o.occurredAt) } : {}),
    }),
    o.time,
  );
}
