import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AgeGroup as PbAgeGroup,
  AgreementKind as PbAgreementKind,
  CE_AGREEMENT_REACHED,
  CE_ENVOY_APPOINTED,
  CE_ESCALATION_REFERRED,
  CE_MEDIATION_CONCLUDED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_MEDIATION_RESUMED,
  CE_MEDIATION_SUSPENDED,
  CE_TALKS_CONVENED,
  Gender as PbGender,
  MediationOutcome,
  MediationTrack,
  RiskLevel as PbRiskLevel,
  SignatoryRole as PbSignatoryRole,
  type EventType,
} from '@crisis-ops/contracts';
import type { PublishedEvent } from '@crisis-ops/service-kit';
import type { AgeGroup, AgreementKind, Escalation, Gender, MediationEvent, Outcome, ProcessState, RiskLevel, SignatoryRole } from '../domain';

const GENDER: Record<Gender, PbGender> = { female: PbGender.FEMALE, male: PbGender.MALE, other: PbGender.OTHER, undisclosed: PbGender.UNDISCLOSED };
const AGE: Record<AgeGroup, PbAgeGroup> = { youth: PbAgeGroup.YOUTH, adult: PbAgeGroup.ADULT, older: PbAgeGroup.OLDER, undisclosed: PbAgeGroup.UNDISCLOSED };
const KIND: Record<AgreementKind, PbAgreementKind> = {
  ceasefire: PbAgreementKind.CEASEFIRE,
  framework: PbAgreementKind.FRAMEWORK,
  comprehensive: PbAgreementKind.COMPREHENSIVE,
  implementation: PbAgreementKind.IMPLEMENTATION,
};
const SIGNATORY: Record<SignatoryRole, PbSignatoryRole> = {
  party: PbSignatoryRole.PARTY,
  mediator: PbSignatoryRole.MEDIATOR,
  guarantor: PbSignatoryRole.GUARANTOR,
  witness: PbSignatoryRole.WITNESS,
};
const OUTCOME: Record<Outcome, MediationOutcome> = {
  agreement: MediationOutcome.AGREEMENT,
  no_agreement: MediationOutcome.NO_AGREEMENT,
  handed_over: MediationOutcome.HANDED_OVER,
};

const ts = (iso: string) => timestampFromDate(new Date(iso));

const LEVEL: Record<RiskLevel, PbRiskLevel> = { low: PbRiskLevel.LOW, elevated: PbRiskLevel.ELEVATED, high: PbRiskLevel.HIGH, critical: PbRiskLevel.CRITICAL };

/**
 * An escalation answered by a process already open in its country. Not a change of the process (its
 * history does not hold it), but what subscribers need to count the escalation as answered: without
 * it, the operations centre showed such an escalation's response as pending for ever.
 */
export function escalationReferred(escalation: Escalation, process: { id: string; opened: boolean }, at: Date): PublishedEvent<typeof CE_ESCALATION_REFERRED> {
  return {
    type: CE_ESCALATION_REFERRED,
    subject: process.id,
    time: at,
    data: {
      escalationId: escalation.escalationId,
      processId: process.id,
      country: escalation.country,
      admin1: escalation.admin1 ?? '',
      level: LEVEL[escalation.level],
      referredAt: timestampFromDate(at),
      processOpened: process.opened,
    },
  };
}

/**
 * The public events of domain events, per the mediation contract. The contract's `track` is the
 * diplomacy track (1, 1.5, 2, 3), which the domain does not model, so it stays UNSPECIFIED; `lead`
 * carries the domain's lead kind (e.g. "special_envoy"). A closure is published as
 * MediationConcluded with outcome WITHDRAWN: the contract's one "process ended" event.
 * PartyAdded and DeescalationRecorded stay internal.
 */
export function contractEventsOf(events: readonly MediationEvent[], state: ProcessState): Array<PublishedEvent<EventType>> {
  const out: Array<PublishedEvent<EventType>> = [];
  const common = { processId: state.processId, country: state.country };
  const publish = <T extends EventType>(type: T, data: PublishedEvent<T>['data'], at: string) =>
    out.push({ type, data, subject: state.processId, time: new Date(at) } as PublishedEvent<EventType>);
  for (const e of events) {
    switch (e.type) {
      case 'MediationProposed':
        publish(CE_MEDIATION_PROPOSED, {
          ...common,
          admin1: e.admin1 ?? '',
          situation: e.situation ?? '',
          track: MediationTrack.UNSPECIFIED,
          lead: e.lead,
          triggeredByEscalationId: e.escalation?.escalationId ?? '',
          // proto3 has no null string: a whole-area driver (null) is '' on the wire, as early-warning sends it.
          drivers: e.drivers.map((d) => ({ ...d, area: d.area ?? '' })),
          proposedAt: ts(e.at),
          escalationLevel: e.escalation ? LEVEL[e.escalation.level] : PbRiskLevel.UNSPECIFIED,
        }, e.at);
        break;
      case 'MediationOpened':
        publish(CE_MEDIATION_OPENED, { ...common, admin1: state.admin1 ?? '', track: MediationTrack.UNSPECIFIED, lead: state.lead, mandate: e.mandate, occurredAt: ts(e.at) }, e.at);
        break;
      case 'EnvoyAppointed':
        publish(CE_ENVOY_APPOINTED, {
          ...common,
          envoyId: e.envoy.envoyId,
          name: e.envoy.name,
          role: e.envoy.role,
          organization: e.envoy.organization,
          gender: GENDER[e.envoy.gender],
          occurredAt: ts(e.at),
        }, e.at);
        break;
      case 'TalksConvened':
        publish(CE_TALKS_CONVENED, {
          ...common,
          talksId: e.session.sessionId,
          round: e.session.round,
          venue: e.session.place,
          participants: e.session.participants.map((p) => ({ gender: GENDER[p.gender], ageGroup: AGE[p.ageGroup], count: p.count })),
          occurredAt: ts(e.session.heldAt),
        }, e.at);
        break;
      case 'AgreementReached':
        publish(CE_AGREEMENT_REACHED, {
          ...common,
          // The process's scope, so early warning weighs a local agreement on that admin1 alone.
          admin1: state.admin1 ?? '',
          agreementId: e.agreement.agreementId,
          kind: KIND[e.agreement.kind],
          title: e.agreement.title,
          provisions: e.agreement.provisions.map((p) => ({ ...p })),
          signatories: e.agreement.signatories.map((s) => ({ name: s.name, role: SIGNATORY[s.role], organization: s.organization })),
          occurredAt: ts(e.agreement.signedAt),
        }, e.at);
        break;
      case 'MediationSuspended':
        publish(CE_MEDIATION_SUSPENDED, { ...common, reason: e.reason, occurredAt: ts(e.at) }, e.at);
        break;
      case 'MediationResumed':
        publish(CE_MEDIATION_RESUMED, { ...common, reason: e.reason, occurredAt: ts(e.at) }, e.at);
        break;
      case 'MediationConcluded':
        publish(CE_MEDIATION_CONCLUDED, { ...common, outcome: OUTCOME[e.outcome], summary: e.reason, occurredAt: ts(e.at) }, e.at);
        break;
      case 'MediationClosed':
        publish(CE_MEDIATION_CONCLUDED, { ...common, outcome: MediationOutcome.WITHDRAWN, summary: e.reason, occurredAt: ts(e.at) }, e.at);
        break;
      case 'PartyAdded':
      case 'DeescalationRecorded':
        break;
    }
  }
  return out;
}
