import type {
  AgeGroup,
  AgreementKind,
  EscalationRef,
  Gender,
  Lead,
  Outcome,
  PartyKind,
  RiskDriver,
  RiskLevel,
  SignatoryRole,
  Track,
} from './mediation.types';

/** What a caller asks of a process. Ids of new things come from the injected id source. */
export interface ProposeProcess {
  readonly type: 'Propose';
  readonly country: string;
  readonly admin1?: string | null;
  readonly situation?: string | null;
  readonly region: string;
  readonly track: Track;
  readonly lead: Lead;
  readonly drivers?: readonly RiskDriver[];
  readonly escalation?: EscalationRef | null;
  readonly parties?: ReadonlyArray<{ readonly name: string; readonly kind: PartyKind }>;
}

export interface EnvoyInput {
  readonly name: string;
  readonly role: string;
  readonly organization: string;
  readonly gender: Gender;
}

/** Activation is the approver's act; it appoints the first envoy. */
export interface ActivateProcess {
  readonly type: 'Activate';
  readonly mandate: string;
  readonly envoy: EnvoyInput;
}

export interface AppointEnvoy {
  readonly type: 'AppointEnvoy';
  readonly envoy: EnvoyInput;
}

export interface AddParty {
  readonly type: 'AddParty';
  readonly name: string;
  readonly kind: PartyKind;
}

export interface RecordSession {
  readonly type: 'RecordSession';
  readonly heldAt: string;
  readonly place: string;
  readonly partyIds?: readonly string[];
  readonly participants: ReadonlyArray<{ readonly gender: Gender; readonly ageGroup: AgeGroup; readonly count: number }>;
}

export interface RecordAgreement {
  readonly type: 'RecordAgreement';
  readonly kind: AgreementKind;
  readonly title: string;
  readonly signedAt: string;
  readonly provisions: ReadonlyArray<{ readonly topic: string; readonly text: string; readonly addressesGender: boolean; readonly addressesYouth: boolean }>;
  readonly signatories: ReadonlyArray<{ readonly name: string; readonly role: SignatoryRole; readonly organization: string }>;
}

export interface SuspendProcess {
  readonly type: 'Suspend';
  readonly reason: string;
}

export interface ResumeProcess {
  readonly type: 'Resume';
  readonly reason: string;
}

export interface ConcludeProcess {
  readonly type: 'Conclude';
  readonly outcome: Outcome;
  readonly reason: string;
}

export interface CloseProcess {
  readonly type: 'Close';
  readonly reason: string;
}

export interface RecordDeescalation {
  readonly type: 'RecordDeescalation';
  readonly escalationId: string;
  readonly level: RiskLevel;
  readonly deescalatedAt: string;
}

export type MediationCommand =
  | ProposeProcess
  | ActivateProcess
  | AppointEnvoy
  | AddParty
  | RecordSession
  | RecordAgreement
  | SuspendProcess
  | ResumeProcess
  | ConcludeProcess
  | CloseProcess
  | RecordDeescalation;
