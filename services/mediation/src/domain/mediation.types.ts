import { invisibleTextProblem } from '@crisis-ops/domain-kernel';

/** Vocabulary of the mediation context. Values are snake_case strings: they are stored and sent as-is. */

export const TRACKS = ['good_offices', 'mediation', 'facilitation', 'dialogue_support'] as const;
export type Track = (typeof TRACKS)[number];

export const LEADS = ['special_envoy', 'srsg', 'resident_coordinator', 'regional_organisation'] as const;
export type Lead = (typeof LEADS)[number];

export const STATUSES = ['proposed', 'active', 'suspended', 'concluded', 'closed'] as const;
export type ProcessStatus = (typeof STATUSES)[number];
/** Statuses in which a process still answers its country's situation. */
export const OPEN_STATUSES: readonly ProcessStatus[] = ['proposed', 'active', 'suspended'];
export const ENDED_STATUSES: readonly ProcessStatus[] = ['concluded', 'closed'];

/** How an active process ended (conclude). */
export const OUTCOMES = ['agreement', 'no_agreement', 'handed_over'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const PARTY_KINDS = [
  'government',
  'armed_group',
  'political_party',
  'civil_society',
  'womens_organisation',
  'youth_organisation',
] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const GENDERS = ['female', 'male', 'other', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

/** UNSCR 2250 bands: youth is 18 to 29. */
export const AGE_GROUPS = ['youth', 'adult', 'older', 'undisclosed'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const AGREEMENT_KINDS = ['ceasefire', 'framework', 'comprehensive', 'implementation'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export const SIGNATORY_ROLES = ['party', 'mediator', 'guarantor', 'witness'] as const;
export type SignatoryRole = (typeof SIGNATORY_ROLES)[number];

export const RISK_LEVELS = ['low', 'elevated', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface RiskDriver {
  readonly kind: string;
  readonly label: string;
  /**
   * The admin1 the driver is about; null when it covers the whole area escalated (no particular
   * admin1), as early-warning's API and the operations centre answer it. The contract (proto3, no
   * null strings) and histories stored before this rule spell that '': see driverAsHeld.
   */
  readonly area: string | null;
  readonly count: number;
  readonly weight: number;
}

/**
 * A driver as the domain holds and answers it: a blank area (proto3's '' for "none", in events
 * consumed or stored before) or one of no visible character (a zero-width space) is null, the one spelling of a whole-area driver across the services.
 */
export const driverAsHeld = (d: RiskDriver): RiskDriver => ({ ...d, area: typeof d.area === 'string' && !invisibleTextProblem(d.area) ? d.area : null });

/** The early-warning escalation a process answers. */
export interface EscalationRef {
  readonly escalationId: string;
  readonly level: RiskLevel;
  /** When early-warning escalated: the start of the time-to-response clock. */
  readonly escalatedAt: string;
}

export interface Party {
  readonly partyId: string;
  readonly name: string;
  readonly kind: PartyKind;
}

export interface Envoy {
  readonly envoyId: string;
  readonly name: string;
  /** E.g. "special envoy", "lead mediator". */
  readonly role: string;
  readonly organization: string;
  readonly gender: Gender;
  readonly appointedAt: string;
}

export interface ParticipantCount {
  readonly gender: Gender;
  readonly ageGroup: AgeGroup;
  readonly count: number;
}

export interface Session {
  readonly sessionId: string;
  /** 1 for the first session of the process. */
  readonly round: number;
  /** ISO date-time the session was held. */
  readonly heldAt: string;
  readonly place: string;
  readonly partyIds: readonly string[];
  readonly participants: readonly ParticipantCount[];
}

export interface Provision {
  readonly topic: string;
  readonly text: string;
  readonly addressesGender: boolean;
  readonly addressesYouth: boolean;
}

export interface Signatory {
  readonly name: string;
  readonly role: SignatoryRole;
  readonly organization: string;
}

export interface Agreement {
  readonly agreementId: string;
  readonly kind: AgreementKind;
  readonly title: string;
  readonly signedAt: string;
  readonly provisions: readonly Provision[];
  readonly signatories: readonly Signatory[];
}

export interface Deescalation {
  readonly escalationId: string;
  readonly level: RiskLevel;
  readonly at: string;
}
