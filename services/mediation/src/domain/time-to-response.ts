import type { ProcessState } from './mediation-process';

const HOUR = 3_600_000;

/** Hours between two instants, null if either is unknown. */
const hoursBetween = (from: string | null, to: string | null): number | null =>
  from && to ? Math.round(((new Date(to).getTime() - new Date(from).getTime()) / HOUR) * 100) / 100 : null;

/** How fast diplomacy answered an escalation, step by step, in hours. */
export interface ProcessResponseTimes {
  readonly processId: string;
  readonly country: string;
  readonly region: string;
  readonly escalatedAt: string | null;
  readonly proposedAt: string;
  readonly activatedAt: string | null;
  /** The earliest session on record, talks before the activation included. */
  readonly firstSessionAt: string | null;
  /** The first session held at or after the activation: what activationToFirstSessionHours counts to. */
  readonly firstSessionSinceActivationAt: string | null;
  readonly escalationToProposalHours: number | null;
  readonly proposalToActivationHours: number | null;
  readonly activationToFirstSessionHours: number | null;
  readonly escalationToFirstSessionHours: number | null;
}

/**
 * The first session held at or after an instant. A session may be entered with the date it was held,
 * talks before the process was activated included (back-entry is honest record keeping), but such
 * talks are no response to the activation or the escalation: counted, they made the median time
 * from activation to first session negative (a typo year of 1800 made it -994,505 h).
 */
function firstSessionFrom(state: ProcessState, from: string | null): string | null {
  if (!from) return null;
  const since = new Date(from).getTime();
  const held = state.sessions.map((s) => s.heldAt).filter((at) => new Date(at).getTime() >= since);
  return held.length ? held.reduce((a, b) => (new Date(b).getTime() < new Date(a).getTime() ? b : a)) : null;
}

export function responseTimes(state: ProcessState): ProcessResponseTimes {
  const escalatedAt = state.escalation?.escalatedAt ?? null;
  const sinceActivation = firstSessionFrom(state, state.activatedAt);
  return {
    processId: state.processId,
    country: state.country,
    region: state.region,
    escalatedAt,
    proposedAt: state.proposedAt,
    activatedAt: state.activatedAt,
    firstSessionAt: state.firstSessionAt,
    firstSessionSinceActivationAt: sinceActivation,
    escalationToProposalHours: hoursBetween(escalatedAt, state.proposedAt),
    proposalToActivationHours: hoursBetween(state.proposedAt, state.activatedAt),
    activationToFirstSessionHours: hoursBetween(state.activatedAt, sinceActivation),
    escalationToFirstSessionHours: hoursBetween(escalatedAt, firstSessionFrom(state, escalatedAt)),
  };
}

export interface StepSummary {
  /** Processes that went through the step. */
  readonly count: number;
  readonly medianHours: number | null;
  readonly meanHours: number | null;
  readonly maxHours: number | null;
}

export interface ResponseTimeSummary {
  readonly processes: number;
  readonly escalationToProposal: StepSummary;
  readonly proposalToActivation: StepSummary;
  readonly activationToFirstSession: StepSummary;
  readonly escalationToFirstSession: StepSummary;
  readonly byProcess: readonly ProcessResponseTimes[];
}

export function summarise(values: ReadonlyArray<number | null>): StepSummary {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return { count: 0, medianHours: null, meanHours: null, maxHours: null };
  const mid = Math.floor(known.length / 2);
  const median = known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { count: known.length, medianHours: round(median), meanHours: round(mean), maxHours: known[known.length - 1] };
}

export function responseTimeSummary(states: readonly ProcessState[]): ResponseTimeSummary {
  const byProcess = states.map(responseTimes);
  return {
    processes: states.length,
    escalationToProposal: summarise(byProcess.map((p) => p.escalationToProposalHours)),
    proposalToActivation: summarise(byProcess.map((p) => p.proposalToActivationHours)),
    activationToFirstSession: summarise(byProcess.map((p) => p.activationToFirstSessionHours)),
    escalationToFirstSession: summarise(byProcess.map((p) => p.escalationToFirstSessionHours)),
    byProcess,
  };
}
