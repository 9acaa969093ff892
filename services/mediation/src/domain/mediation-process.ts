import type { MediationEvent } from './mediation.events';
import type {
  Agreement,
  Deescalation,
  Envoy,
  EscalationRef,
  Lead,
  Outcome,
  Party,
  ProcessStatus,
  RiskDriver,
  Session,
  Track,
} from './mediation.types';
import { driverAsHeld, ENDED_STATUSES, OPEN_STATUSES } from './mediation.types';

/** A process as its history says it is now. */
export interface ProcessState {
  readonly processId: string;
  readonly country: string;
  readonly admin1: string | null;
  readonly situation: string | null;
  readonly region: string;
  readonly track: Track;
  readonly lead: Lead;
  readonly status: ProcessStatus;
  readonly outcome: Outcome | null;
  /** Why the process is in its status: suspension, resumption, conclusion or closure reason. */
  readonly statusReason: string | null;
  readonly mandate: string | null;
  readonly drivers: readonly RiskDriver[];
  readonly escalation: EscalationRef | null;
  readonly parties: readonly Party[];
  readonly envoys: readonly Envoy[];
  /** In the order they were held, numbered so (roundHeldAt). */
  readonly sessions: readonly Session[];
  readonly agreements: readonly Agreement[];
  readonly deescalations: readonly Deescalation[];
  readonly proposedAt: string;
  readonly activatedAt: string | null;
  /** Earliest date a session was held. */
  readonly firstSessionAt: string | null;
  readonly endedAt: string | null;
  /** Number of events in the history: the optimistic-concurrency version. */
  readonly version: number;
}

export const isOpen = (s: ProcessState): boolean => OPEN_STATUSES.includes(s.status);
export const isEnded = (s: ProcessState): boolean => ENDED_STATUSES.includes(s.status);

const heldTime = (s: Pick<Session, 'heldAt'>): number => new Date(s.heldAt).getTime();

/**
 * The round a session held at `heldAt` takes among those recorded: rounds count the talks in the
 * order they were held, a session recorded late (or pre-talks recorded after the process's first
 * rounds) taking its place among them; one held at the same time as another follows it, as recorded.
 */
export const roundHeldAt = (sessions: readonly Session[], heldAt: string): number => sessions.filter((s) => heldTime(s) <= heldTime({ heldAt })).length + 1;

/** Sessions in round order (see roundHeldAt), numbered so whatever round their event recorded. */
function inRoundOrder(sessions: readonly Session[]): Session[] {
  return [...sessions].sort((a, b) => heldTime(a) - heldTime(b)).map((s, i) => (s.round === i + 1 ? s : { ...s, round: i + 1 }));
}

const earliest = (a: string | null, b: string): string => (a === null || new Date(b).getTime() < new Date(a).getTime() ? b : a);

/** Applies one event. Events are facts: evolve never rejects, decide already did. */
export function evolve(state: ProcessState | null, event: MediationEvent): ProcessState {
  if (event.type === 'MediationProposed') {
    return {
      processId: event.processId,
      country: event.country,
      admin1: event.admin1,
      situation: event.situation,
      region: event.region,
      track: event.track,
      lead: event.lead,
      status: 'proposed',
      outcome: null,
      statusReason: null,
      mandate: null,
      // A history stored before drivers held null for the whole area holds '' (driverAsHeld).
      drivers: event.drivers.map(driverAsHeld),
      escalation: event.escalation,
      parties: event.parties,
      envoys: [],
      sessions: [],
      agreements: [],
      deescalations: [],
      proposedAt: event.at,
      activatedAt: null,
      firstSessionAt: null,
      endedAt: null,
      version: 1,
    };
  }
  if (!state) throw new Error(`${event.type} before MediationProposed in process ${event.processId}`);
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'MediationOpened':
      return { ...next, status: 'active', mandate: event.mandate, activatedAt: event.at, statusReason: null };
    case 'EnvoyAppointed':
      return { ...next, envoys: [...state.envoys, event.envoy] };
    case 'PartyAdded':
      return { ...next, parties: [...state.parties, event.party] };
    case 'TalksConvened':
      return { ...next, sessions: inRoundOrder([...state.sessions, event.session]), firstSessionAt: earliest(state.firstSessionAt, event.session.heldAt) };
    case 'AgreementReached':
      return { ...next, agreements: [...state.agreements, event.agreement] };
    case 'MediationSuspended':
      return { ...next, status: 'suspended', statusReason: event.reason };
    case 'MediationResumed':
      return { ...next, status: 'active', statusReason: event.reason };
    case 'MediationConcluded':
      return { ...next, status: 'concluded', outcome: event.outcome, statusReason: event.reason, endedAt: event.at };
    case 'MediationClosed':
      return { ...next, status: 'closed', statusReason: event.reason, endedAt: event.at };
    case 'DeescalationRecorded':
      return {
        ...next,
        deescalations: [...state.deescalations, { escalationId: event.escalationId, level: event.level, at: event.deescalatedAt }],
      };
  }
}

/** Rebuilds a process from its history; null for an empty history. */
export function rehydrate(history: readonly MediationEvent[]): ProcessState | null {
  return history.reduce<ProcessState | null>(evolve, null);
}

/*
 * Stored records are never rewritten: what an earlier version stored is read as this one holds it.
 * A MediationProposed or a current-state snapshot stored before drivers held null for the whole area
 * holds '' there, which would answer a client with two spellings of "no particular area".
 */

/** A stored event as the domain holds it now. */
export function eventAsHeld(event: MediationEvent): MediationEvent {
  return event.type === 'MediationProposed' ? { ...event, drivers: event.drivers.map(driverAsHeld) } : event;
}

/** A stored current-state snapshot (or an answer stored with an idempotency key) as the domain holds it now. */
export function stateAsHeld(state: ProcessState): ProcessState {
  return { ...state, drivers: state.drivers.map(driverAsHeld) };
}
