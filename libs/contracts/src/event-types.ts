import {
  fromBinary,
  toJson,
  type DescMessage,
  type JsonValue,
  type JsonWriteOptions,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import {
  AggregateObservedSchema,
  RiskAssessedSchema,
  RiskDeescalatedSchema,
  RiskEscalatedSchema,
  SignalRecordedSchema,
} from './generated/earlywarning/v1/events_pb';
import { ElectionPostponedSchema, ElectionScheduledSchema } from './generated/electoral/v1/events_pb';
import {
  AgreementReachedSchema,
  EnvoyAppointedSchema,
  EscalationReferredSchema,
  MediationConcludedSchema,
  MediationOpenedSchema,
  MediationProposedSchema,
  MediationResumedSchema,
  MediationSuspendedSchema,
  TalksConvenedSchema,
} from './generated/mediation/v1/events_pb';
import { PartnerEngagedSchema } from './generated/partnerships/v1/events_pb';
import { CONTRACTS_ERROR_CODES, ContractsError } from './errors';
import { encodeMessageInit, encodeMessageInits } from './payload-encoder';
// Also here, not only in index.ts: specs import this file directly and encode.
import './text-encoding';
import type { ServiceName } from './services';
import {
  TOPIC_ELECTIONS,
  TOPIC_MEDIATION,
  TOPIC_PARTNERSHIPS,
  TOPIC_RISK,
  TOPIC_SIGNALS,
  type DomainTopic,
} from './topics';

/*
 * CloudEvents `type` (Kafka header ce_type) of every event: `org.crisis-ops.<source>.<event>.v<major>`.
 * Written out, never derived from a class or message name, so that renaming code cannot silently
 * rename what is on the wire. A breaking change gets a new `.v<n+1>` type, on the new version of its
 * topic (topics.ts), beside the old type on the old topic (docs/events.md, "Versions").
 */
export const CE_SIGNAL_RECORDED = 'org.crisis-ops.early-warning.signal-recorded.v1';
export const CE_AGGREGATE_OBSERVED = 'org.crisis-ops.early-warning.aggregate-observed.v1';
export const CE_RISK_ASSESSED = 'org.crisis-ops.early-warning.risk-assessed.v1';
export const CE_RISK_ESCALATED = 'org.crisis-ops.early-warning.risk-escalated.v1';
export const CE_RISK_DEESCALATED = 'org.crisis-ops.early-warning.risk-deescalated.v1';
export const CE_MEDIATION_PROPOSED = 'org.crisis-ops.mediation.mediation-proposed.v1';
export const CE_MEDIATION_OPENED = 'org.crisis-ops.mediation.mediation-opened.v1';
export const CE_ENVOY_APPOINTED = 'org.crisis-ops.mediation.envoy-appointed.v1';
export const CE_TALKS_CONVENED = 'org.crisis-ops.mediation.talks-convened.v1';
export const CE_AGREEMENT_REACHED = 'org.crisis-ops.mediation.agreement-reached.v1';
export const CE_MEDIATION_SUSPENDED = 'org.crisis-ops.mediation.mediation-suspended.v1';
export const CE_MEDIATION_RESUMED = 'org.crisis-ops.mediation.mediation-resumed.v1';
export const CE_MEDIATION_CONCLUDED = 'org.crisis-ops.mediation.mediation-concluded.v1';
export const CE_ESCALATION_REFERRED = 'org.crisis-ops.mediation.escalation-referred.v1';
export const CE_ELECTION_SCHEDULED = 'org.crisis-ops.electoral-support.election-scheduled.v1';
export const CE_ELECTION_POSTPONED = 'org.crisis-ops.electoral-support.election-postponed.v1';
export const CE_PARTNER_ENGAGED = 'org.crisis-ops.partnerships.partner-engaged.v1';

export interface EventTypeSpec<Desc extends DescMessage = DescMessage> {
  /** Generated protobuf schema of the payload. */
  readonly schema: Desc;
  /** The one topic the event is published to. */
  readonly topic: DomainTopic;
  /** The service that emits it; also the CloudEvents `source`. */
  readonly source: ServiceName;
  /**
   * Kafka message key. Events with the same key land on the same partition and so stay in order:
   * a mediation process's life, an area's risk history, an election's changes.
   */
  key(message: MessageShape<Desc> | MessageInitShape<Desc>): string;
}

const defineEvent = <Desc extends DescMessage>(spec: EventTypeSpec<Desc>): EventTypeSpec<Desc> => spec;

/**
 * Every event of the platform is country-scoped and keyed by its ISO 3166 alpha-3 country, so one
 * country's events on one topic land on one partition and stay in order for every consumer. Between
 * topics there is no order (a MediationProposed may arrive before the RiskEscalated it names):
 * docs/events.md tells subscribers so.
 */
const countryKey = (m: { country?: string }): string => m.country ?? '';

/** Every event of the platform, by ce_type. */
export const EVENT_TYPES = {
  [CE_SIGNAL_RECORDED]: defineEvent({ schema: SignalRecordedSchema, topic: TOPIC_SIGNALS, source: 'early-warning', key: countryKey }),
  // Beside the signals, not on a topic of its own: the risk engine must see a country's signals and
  // aggregates in the order they were committed, which only one partition gives.
  [CE_AGGREGATE_OBSERVED]: defineEvent({ schema: AggregateObservedSchema, topic: TOPIC_SIGNALS, source: 'early-warning', key: countryKey }),
  [CE_RISK_ASSESSED]: defineEvent({ schema: RiskAssessedSchema, topic: TOPIC_RISK, source: 'early-warning', key: countryKey }),
  [CE_RISK_ESCALATED]: defineEvent({ schema: RiskEscalatedSchema, topic: TOPIC_RISK, source: 'early-warning', key: countryKey }),
  [CE_RISK_DEESCALATED]: defineEvent({ schema: RiskDeescalatedSchema, topic: TOPIC_RISK, source: 'early-warning', key: countryKey }),
  [CE_MEDIATION_PROPOSED]: defineEvent({ schema: MediationProposedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_MEDIATION_OPENED]: defineEvent({ schema: MediationOpenedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_ENVOY_APPOINTED]: defineEvent({ schema: EnvoyAppointedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_TALKS_CONVENED]: defineEvent({ schema: TalksConvenedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_AGREEMENT_REACHED]: defineEvent({ schema: AgreementReachedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_MEDIATION_SUSPENDED]: defineEvent({ schema: MediationSuspendedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_MEDIATION_RESUMED]: defineEvent({ schema: MediationResumedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_MEDIATION_CONCLUDED]: defineEvent({ schema: MediationConcludedSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_ESCALATION_REFERRED]: defineEvent({ schema: EscalationReferredSchema, topic: TOPIC_MEDIATION, source: 'mediation', key: countryKey }),
  [CE_ELECTION_SCHEDULED]: defineEvent({ schema: ElectionScheduledSchema, topic: TOPIC_ELECTIONS, source: 'electoral-support', key: countryKey }),
  [CE_ELECTION_POSTPONED]: defineEvent({ schema: ElectionPostponedSchema, topic: TOPIC_ELECTIONS, source: 'electoral-support', key: countryKey }),
  [CE_PARTNER_ENGAGED]: defineEvent({ schema: PartnerEngagedSchema, topic: TOPIC_PARTNERSHIPS, source: 'partnerships', key: countryKey }),
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export type EventSchema<T extends EventType> = (typeof EVENT_TYPES)[T]['schema'];
/** The payload message of an event type, e.g. `EventMessage<typeof CE_SIGNAL_RECORDED>` is `SignalRecorded`. */
export type EventMessage<T extends EventType> = MessageShape<EventSchema<T>>;
/** Any event payload; narrow it on `$typeName`. */
export type AnyEventMessage = { [T in EventType]: EventMessage<T> }[EventType];

export const ALL_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly EventType[];

/** own-property check: a ce_type such as "constructor" must not resolve to Object.prototype members. */
export const isEventType = (ceType: string): ceType is EventType => Object.hasOwn(EVENT_TYPES, ceType);

/** The registry entry of a ce_type; throws ContractsError CONTRACTS.UNKNOWN_EVENT_TYPE if there is none. */
export function eventTypeSpec<T extends EventType>(ceType: T): (typeof EVENT_TYPES)[T];
export function eventTypeSpec(ceType: string): EventTypeSpec;
export function eventTypeSpec(ceType: string): EventTypeSpec {
  if (!isEventType(ceType)) {
    throw new ContractsError(CONTRACTS_ERROR_CODES.UNKNOWN_EVENT_TYPE, `unknown event type "${ceType}"`);
  }
  return EVENT_TYPES[ceType] as EventTypeSpec;
}

/** The event types published to a topic, for consumers that subscribe to it. */
export const eventTypesOfTopic = (topic: string): EventType[] => ALL_EVENT_TYPES.filter((t) => EVENT_TYPES[t].topic === topic);

const ceTypeByTypeName: ReadonlyMap<string, EventType> = new Map(ALL_EVENT_TYPES.map((t) => [EVENT_TYPES[t].schema.typeName, t]));

/** The ce_type of a payload message (each message type is registered under exactly one ce_type). */
export const ceTypeOf = (message: { $typeName: string }): EventType => {
  const ceType = ceTypeByTypeName.get(message.$typeName);
  if (!ceType) {
    throw new ContractsError(CONTRACTS_ERROR_CODES.UNKNOWN_EVENT_TYPE, `no event type is registered for message ${message.$typeName}`);
  }
  return ceType;
};

function specFor(ceType: string, message: { $typeName: string }): EventTypeSpec {
  const spec = eventTypeSpec(ceType);
  // toBinary would happily serialise a look-alike message under the wrong schema.
  if (message.$typeName !== spec.schema.typeName) {
    throw new ContractsError(
      CONTRACTS_ERROR_CODES.EVENT_TYPE_MISMATCH,
      `event type "${ceType}" carries ${spec.schema.typeName}, got ${message.$typeName}`,
    );
  }
  return spec;
}

/** Kafka message key of an event (see EventTypeSpec.key). */
export function partitionKeyOf<T extends EventType>(ceType: T, message: EventMessage<T>): string {
  return specFor(ceType, message).key(message);
}

/** Protobuf binary encoding of an event payload, for the Kafka message value. */
export function encodeEvent<T extends EventType>(ceType: T, message: EventMessage<T>): Uint8Array {
  return encodeMessageInit(specFor(ceType, message).schema, message as MessageInitShape<DescMessage>);
}

/**
 * Kafka key and value of an event given as its payload's init shape (what `create` takes), without
 * creating the message: the bytes are those of `encodeEvent(ceType, create(schema, data))`.
 */
export function encodeEventData<T extends EventType>(ceType: T, data: MessageInitShape<EventSchema<T>>): { key: string; payload: Uint8Array } {
  return encodeEventsData([{ type: ceType, data }])[0];
}

/** encodeEventData of several events at once; the payloads are views into one buffer, in order. */
export function encodeEventsData<T extends EventType>(
  events: ReadonlyArray<{ readonly type: T; readonly data: MessageInitShape<EventSchema<T>> }>,
): Array<{ key: string; payload: Uint8Array }> {
  const specs = events.map((e) => eventTypeSpec(e.type) as EventTypeSpec);
  const payloads = encodeMessageInits(events.map((e, i) => [specs[i].schema, e.data] as const));
  return events.map((e, i) => ({ key: specs[i].key(e.data as MessageInitShape<DescMessage>), payload: payloads[i] }));
}

/**
 * Decodes a Kafka message value by its ce_type. Unknown fields are kept, so a consumer on an older
 * contract can pass an event on without losing what a newer producer added.
 * Throws ContractsError CONTRACTS.UNKNOWN_EVENT_TYPE or CONTRACTS.MALFORMED_EVENT.
 */
export function decodeEvent<T extends EventType>(ceType: T, bytes: Uint8Array): EventMessage<T>;
export function decodeEvent(ceType: string, bytes: Uint8Array): AnyEventMessage;
export function decodeEvent(ceType: string, bytes: Uint8Array): AnyEventMessage {
  const spec = eventTypeSpec(ceType);
  try {
    return fromBinary(spec.schema, bytes) as AnyEventMessage;
  } catch (cause) {
    throw new ContractsError(CONTRACTS_ERROR_CODES.MALFORMED_EVENT, `cannot decode "${ceType}": ${String(cause)}`, { cause });
  }
}

/**
 * Proto3 JSON of an event, for the ops console and logs. Defaults to emitting fields at their zero
 * value too (fatalities: 0 is information); pass options to change that.
 */
export function eventToJson(ceType: string, bytes: Uint8Array, options: Partial<JsonWriteOptions> = {}): JsonValue {
  const spec = eventTypeSpec(ceType);
  return toJson(spec.schema, decodeEvent(ceType, bytes), { alwaysEmitImplicit: true, ...options });
}
