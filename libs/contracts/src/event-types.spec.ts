import { create, equals } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { ContractsError, CONTRACTS_ERROR_CODES, isContractsError } from './errors';
import {
  ALL_EVENT_TYPES,
  CE_AGGREGATE_OBSERVED,
  CE_MEDIATION_PROPOSED,
  CE_RISK_ESCALATED,
  CE_SIGNAL_RECORDED,
  ceTypeOf,
  decodeEvent,
  encodeEvent,
  eventToJson,
  eventTypeSpec,
  eventTypesOfTopic,
  EVENT_TYPES,
  isEventType,
  partitionKeyOf,
  type EventMessage,
  type EventType,
} from './event-types';
import { AgeGroup, Gender, RiskDriverSchema, RiskLevel } from './generated/common/v1/types_pb';
import { SignalRecordedSchema } from './generated/earlywarning/v1/events_pb';
import { AgreementKind, MediationOutcome, MediationTrack, SignatoryRole } from './generated/mediation/v1/events_pb';
import { ElectionKind } from './generated/electoral/v1/events_pb';
import { EngagementKind } from './generated/partnerships/v1/events_pb';
import { SERVICES } from './services';
import { DOMAIN_TOPICS, TOPIC_MEDIATION, TOPIC_RISK, TOPIC_SIGNALS } from './topics';

const at = (iso: string) => timestampFromDate(new Date(iso));
const t0 = at('2025-03-01T06:30:00Z');
const windowStart = at('2025-02-22T00:00:00Z');
const windowEnd = at('2025-03-01T00:00:00Z');
const drivers = [
  create(RiskDriverSchema, { kind: 'battles', label: 'Armed clashes', area: 'Ituri', count: 14, weight: 0.62 }),
  create(RiskDriverSchema, { kind: 'protests', label: 'Protests', area: '', count: 3, weight: 0.1 }),
];

/** One fully populated payload per event type; the mapped type makes a missing sample a type error. */
const samples: { [T in EventType]: EventMessage<T> } = {
  'org.crisis-ops.early-warning.signal-recorded.v1': create(SignalRecordedSchema, {
    signalId: 'sig-1', source: 'field-monitor', sourceSignalId: 'client-42', occurredAt: t0, reportedAt: at('2025-03-01T07:00:00Z'),
    country: 'COD', admin1: 'Ituri', admin2: 'Djugu', location: 'Fataki', coordinates: { latitude: 2.05, longitude: 30.53 },
    type: 'battles', subType: 'armed_clash', fatalities: 3, severity: 4, notes: 'two armed groups; market closed',
    attributions: ['Conflict data: ACLED, acleddata.com'],
  }),
  'org.crisis-ops.early-warning.aggregate-observed.v1': create(EVENT_TYPES[CE_AGGREGATE_OBSERVED].schema, {
    observationId: '0b6f3c1e-6a55-5d2e-9c1f-3f1d2a4b5c6d', source: 'acled', country: 'COD', admin1: 'Ituri', admin2: 'Djugu',
    periodStart: at('2025-02-01T00:00:00Z'), periodEnd: at('2025-03-01T00:00:00Z'), events: 31, fatalities: 57, origin: 'import',
  }),
  'org.crisis-ops.early-warning.risk-assessed.v1': create(EVENT_TYPES['org.crisis-ops.early-warning.risk-assessed.v1'].schema, {
    country: 'COD', admin1: 'Ituri', score: 71.5, level: RiskLevel.HIGH, previousScore: 55, drivers, windowStart, windowEnd, assessedAt: t0,
  }),
  'org.crisis-ops.early-warning.risk-escalated.v1': create(EVENT_TYPES[CE_RISK_ESCALATED].schema, {
    escalationId: 'esc-1', country: 'COD', admin1: 'Ituri', previousLevel: RiskLevel.ELEVATED, newLevel: RiskLevel.HIGH, score: 71.5,
    drivers, windowStart, windowEnd, at: t0,
  }),
  'org.crisis-ops.early-warning.risk-deescalated.v1': create(EVENT_TYPES['org.crisis-ops.early-warning.risk-deescalated.v1'].schema, {
    escalationId: 'esc-1', country: 'COD', admin1: 'Ituri', previousLevel: RiskLevel.HIGH, newLevel: RiskLevel.ELEVATED, score: 40,
    drivers, windowStart, windowEnd, at: t0,
  }),
  'org.crisis-ops.mediation.mediation-proposed.v1': create(EVENT_TYPES[CE_MEDIATION_PROPOSED].schema, {
    processId: 'proc-1', country: 'COD', admin1: 'Ituri', situation: 'Inter-communal clashes around Djugu', track: MediationTrack.ONE_AND_A_HALF,
    lead: 'UN', triggeredByEscalationId: 'esc-1', drivers, proposedAt: t0,
  }),
  'org.crisis-ops.mediation.mediation-opened.v1': create(EVENT_TYPES['org.crisis-ops.mediation.mediation-opened.v1'].schema, {
    processId: 'proc-1', country: 'COD', admin1: 'Ituri', track: MediationTrack.ONE, lead: 'UN', mandate: 'SC resolution', occurredAt: t0,
  }),
  'org.crisis-ops.mediation.envoy-appointed.v1': create(EVENT_TYPES['org.crisis-ops.mediation.envoy-appointed.v1'].schema, {
    processId: 'proc-1', country: 'COD', envoyId: 'env-1', name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: Gender.FEMALE,
    occurredAt: t0,
  }),
  'org.crisis-ops.mediation.talks-convened.v1': create(EVENT_TYPES['org.crisis-ops.mediation.talks-convened.v1'].schema, {
    processId: 'proc-1', country: 'COD', talksId: 'talks-1', round: 2, venue: 'Bunia',
    participants: [
      { gender: Gender.FEMALE, ageGroup: AgeGroup.YOUTH, count: 4 },
      { gender: Gender.MALE, ageGroup: AgeGroup.ADULT, count: 11 },
      { gender: Gender.UNDISCLOSED, ageGroup: AgeGroup.UNDISCLOSED, count: 1 },
    ],
    occurredAt: t0,
  }),
  'org.crisis-ops.mediation.agreement-reached.v1': create(EVENT_TYPES['org.crisis-ops.mediation.agreement-reached.v1'].schema, {
    processId: 'proc-1', country: 'COD', agreementId: 'agr-1', kind: AgreementKind.CEASEFIRE, title: 'Djugu ceasefire',
    provisions: [
      { topic: 'ceasefire', text: 'Hostilities cease at 00:00', addressesGender: false, addressesYouth: false },
      { topic: 'participation', text: 'Women and youth sit on the monitoring committee', addressesGender: true, addressesYouth: true },
    ],
    signatories: [{ name: 'Party A', role: SignatoryRole.PARTY, organization: 'Group A' }, { name: 'UN', role: SignatoryRole.WITNESS }],
    occurredAt: t0,
  }),
  'org.crisis-ops.mediation.mediation-suspended.v1': create(EVENT_TYPES['org.crisis-ops.mediation.mediation-suspended.v1'].schema, {
    processId: 'proc-1', country: 'COD', reason: 'security', occurredAt: t0,
  }),
  'org.crisis-ops.mediation.mediation-resumed.v1': create(EVENT_TYPES['org.crisis-ops.mediation.mediation-resumed.v1'].schema, {
    processId: 'proc-1', country: 'COD', reason: 'access restored', occurredAt: t0,
  }),
  'org.crisis-ops.mediation.mediation-concluded.v1': create(EVENT_TYPES['org.crisis-ops.mediation.mediation-concluded.v1'].schema, {
    processId: 'proc-1', country: 'COD', outcome: MediationOutcome.AGREEMENT, summary: 'ceasefire holding', occurredAt: t0,
  }),
  'org.crisis-ops.mediation.escalation-referred.v1': create(EVENT_TYPES['org.crisis-ops.mediation.escalation-referred.v1'].schema, {
    escalationId: 'esc-2', processId: 'proc-1', country: 'COD', admin1: 'Ituri', level: RiskLevel.CRITICAL, referredAt: t0, processOpened: true,
  }),
  'org.crisis-ops.electoral-support.election-scheduled.v1': create(EVENT_TYPES['org.crisis-ops.electoral-support.election-scheduled.v1'].schema, {
    electionId: 'el-1', country: 'COD', admin1: '', kind: ElectionKind.GENERAL, scheduledFor: '2028-12-20', occurredAt: t0,
  }),
  'org.crisis-ops.electoral-support.election-postponed.v1': create(EVENT_TYPES['org.crisis-ops.electoral-support.election-postponed.v1'].schema, {
    electionId: 'el-1', country: 'COD', previousDate: '2028-12-20', newDate: '', reason: 'insecurity', occurredAt: t0,
  }),
  'org.crisis-ops.partnerships.partner-engaged.v1': create(EVENT_TYPES['org.crisis-ops.partnerships.partner-engaged.v1'].schema, {
    engagementId: 'eng-1', partner: 'UNDP', country: 'COD', kind: EngagementKind.TECHNICAL, description: 'electoral logistics', at: t0,
  }),
};

const expectContractsError = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractsError);
    expect((error as ContractsError).code).toBe(code);
    return;
  }
  expect.fail(`expected a ContractsError ${code}`);
};

describe('event registry', () => {
  it('names every event with a versioned CloudEvents type', () => {
    expect(ALL_EVENT_TYPES.length).toBe(17);
    for (const ceType of ALL_EVENT_TYPES) expect(ceType).toMatch(/^org\.crisis-ops\.[a-z-]+\.[a-z-]+\.v\d+$/);
  });

  it('publishes every event to a declared domain topic', () => {
    for (const ceType of ALL_EVENT_TYPES) expect(DOMAIN_TOPICS).toContain(EVENT_TYPES[ceType].topic);
  });

  it('names the emitting service in the ce_type and as a catalogued service', () => {
    const names = SERVICES.map((s) => s.name);
    for (const ceType of ALL_EVENT_TYPES) {
      const { source } = EVENT_TYPES[ceType];
      expect(names).toContain(source);
      expect(ceType.startsWith(`org.crisis-ops.${source}.`)).toBe(true);
    }
  });

  it('registers each message type under one ce_type, so ceTypeOf is unambiguous', () => {
    const typeNames = ALL_EVENT_TYPES.map((t) => EVENT_TYPES[t].schema.typeName);
    expect(new Set(typeNames).size).toBe(typeNames.length);
    for (const ceType of ALL_EVENT_TYPES) expect(ceTypeOf(samples[ceType])).toBe(ceType);
  });

  it('lists the event types of a topic', () => {
    expect(eventTypesOfTopic(TOPIC_RISK)).toHaveLength(3);
    expect(eventTypesOfTopic(TOPIC_SIGNALS)).toEqual([CE_SIGNAL_RECORDED, CE_AGGREGATE_OBSERVED]);
    expect(eventTypesOfTopic(TOPIC_MEDIATION)).toHaveLength(9);
    expect(eventTypesOfTopic('no.such.topic')).toEqual([]);
  });

  it('keys every event by its country, so one country\'s events stay in order across aggregates', () => {
    for (const ceType of ALL_EVENT_TYPES) {
      const message = samples[ceType] as { country: string };
      expect(partitionKeyOf(ceType, samples[ceType] as never)).toBe(message.country);
    }
    expect(partitionKeyOf(CE_RISK_ESCALATED, samples[CE_RISK_ESCALATED])).toBe('COD');
    expect(partitionKeyOf(CE_MEDIATION_PROPOSED, samples[CE_MEDIATION_PROPOSED])).not.toBe('proc-1');
  });
});

describe('encodeEvent / decodeEvent', () => {
  it.each(ALL_EVENT_TYPES)('round-trips %s', (ceType) => {
    const message = samples[ceType];
    const bytes = encodeEvent(ceType, message);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBeGreaterThan(0);
    const decoded = decodeEvent(ceType, bytes);
    expect(decoded.$typeName).toBe(message.$typeName);
    expect(equals(EVENT_TYPES[ceType].schema, decoded as never, message as never)).toBe(true);
    expect(decoded).toEqual(message);
  });

  it('keeps presence of optional fields', () => {
    const without = create(SignalRecordedSchema, { signalId: 'sig-2' });
    const decoded = decodeEvent(CE_SIGNAL_RECORDED, encodeEvent(CE_SIGNAL_RECORDED, without));
    expect(decoded.sourceSignalId).toBeUndefined();
    expect(decoded.coordinates).toBeUndefined();
    const empty = create(SignalRecordedSchema, { signalId: 'sig-3', sourceSignalId: '' });
    expect(decodeEvent(CE_SIGNAL_RECORDED, encodeEvent(CE_SIGNAL_RECORDED, empty)).sourceSignalId).toBe('');
  });

  it('rejects an unknown event type', () => {
    const code = CONTRACTS_ERROR_CODES.UNKNOWN_EVENT_TYPE;
    expect(code).toBe('CONTRACTS.UNKNOWN_EVENT_TYPE');
    expectContractsError(() => decodeEvent('org.crisis-ops.early-warning.signal-recorded.v9', new Uint8Array()), code);
    expectContractsError(() => decodeEvent('toString', new Uint8Array()), code);
    expectContractsError(() => encodeEvent('SignalRecorded' as EventType, samples[CE_SIGNAL_RECORDED] as never), code);
    expectContractsError(() => eventToJson('nope', new Uint8Array()), code);
    expectContractsError(() => eventTypeSpec('nope'), code);
    expect(isEventType('constructor')).toBe(false);
    expect(isEventType(CE_SIGNAL_RECORDED)).toBe(true);
  });

  it('rejects a message sent under another event type', () => {
    expectContractsError(
      () => encodeEvent(CE_RISK_ESCALATED, samples[CE_SIGNAL_RECORDED] as never),
      CONTRACTS_ERROR_CODES.EVENT_TYPE_MISMATCH,
    );
  });

  it('reports undecodable bytes as malformed', () => {
    let caught: unknown;
    try {
      decodeEvent(CE_SIGNAL_RECORDED, new Uint8Array([0x0a, 0xff]));
    } catch (error) {
      caught = error;
    }
    expect(isContractsError(caught, CONTRACTS_ERROR_CODES.MALFORMED_EVENT)).toBe(true);
  });
});

describe('eventToJson', () => {
  it('renders proto3 JSON with zero values and RFC 3339 timestamps', () => {
    const bytes = encodeEvent(CE_RISK_ESCALATED, { ...samples[CE_RISK_ESCALATED], drivers: [] });
    expect(eventToJson(CE_RISK_ESCALATED, bytes)).toEqual({
      escalationId: 'esc-1',
      country: 'COD',
      admin1: 'Ituri',
      previousLevel: 'RISK_LEVEL_ELEVATED',
      newLevel: 'RISK_LEVEL_HIGH',
      score: 71.5,
      drivers: [],
      windowStart: '2025-02-22T00:00:00Z',
      windowEnd: '2025-03-01T00:00:00Z',
      at: '2025-03-01T06:30:00Z',
      origin: '',
      provisional: false,
      attributions: [],
    });
  });

  it('passes JSON options through', () => {
    const bytes = encodeEvent(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, { signalId: 'sig-4' }));
    expect(eventToJson(CE_SIGNAL_RECORDED, bytes, { alwaysEmitImplicit: false, useProtoFieldName: true })).toEqual({ signal_id: 'sig-4' });
  });
});
