import type {
  Agreement,
  Envoy,
  EscalationRef,
  Lead,
  Outcome,
  Party,
  RiskDriver,
  RiskLevel,
  Session,
  Track,
} from './mediation.types';

/**
 * What happened to a process. The history of these is the process: state is rebuilt by folding
 * them (see evolve). Timestamps are ISO strings so that a stored history reads back unchanged.
 */
interface Base<T extends string> {
  readonly type: T;
  readonly processId: string;
  /** When it happened, by the injected clock. */
  readonly at: string;
  /** Subject of the caller, or `system:<reason>` for reactions to events. */
  readonly actor: string;
}

export interface MediationProposed extends Base<'MediationProposed'> {
  readonly country: string;
  readonly admin1: string | null;
  readonly situation: string | null;
  readonly region: string;
  readonly track: Track;
  readonly lead: Lead;
  readonly drivers: readonly RiskDriver[];
  readonly escalation: EscalationRef | null;
  readonly parties: readonly Party[];
}

export interface MediationOpened extends Base<'MediationOpened'> {
  readonly mandate: string;
}

export interface EnvoyAppointed extends Base<'EnvoyAppointed'> {
  readonly envoy: Envoy;
}

export interface PartyAdded extends Base<'PartyAdded'> {
  readonly party: Party;
}

export interface TalksConvened extends Base<'TalksConvened'> {
  readonly session: Session;
}

export interface AgreementReached extends Base<'AgreementReached'> {
  readonly agreement: Agreement;
}

export interface MediationSuspended extends Base<'MediationSuspended'> {
  readonly reason: string;
}

export interface MediationResumed extends Base<'MediationResumed'> {
  readonly reason: string;
}

export interface MediationConcluded extends Base<'MediationConcluded'> {
  readonly outcome: Outcome;
  readonly reason: string;
}

/** Ended without conclusion: a proposal not taken up, or a process abandoned. */
export interface MediationClosed extends Base<'MediationClosed'> {
  readonly reason: string;
}

/** Early-warning lowered the country's risk while the process was open. */
export interface DeescalationRecorded extends Base<'DeescalationRecorded'> {
  readonly escalationId: string;
  readonly level: RiskLevel;
  readonly deescalatedAt: string;
}

export type MediationEvent =
  | MediationProposed
  | MediationOpened
  | EnvoyAppointed
  | PartyAdded
  | TalksConvened
  | AgreementReached
  | MediationSuspended
  | MediationResumed
  | MediationConcluded
  | MediationClosed
  | DeescalationRecorded;

export type MediationEventType = MediationEvent['type'];
