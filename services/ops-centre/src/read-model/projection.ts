import {
  CE_ESCALATION_REFERRED,
  CE_MEDIATION_CONCLUDED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_RISK_ASSESSED,
  CE_RISK_DEESCALATED,
  CE_RISK_ESCALATED,
  mediationAnswersEscalation,
  riskTrendDeltaOf,
} from '@crisis-ops/contracts';
import { LEVEL_HIGH, levelOf } from './risk-level';
import { HISTORY_CAP, isOlderThan, levelChangedAtAfter, withPoint, type HistoryPoint } from './score-history';

export { HISTORY_CAP, type HistoryPoint };

/**
 * Pure read-model rules, kept apart from SQL so they can be unit-tested: what an event changes in
 * the risk board, when it opens an alert, and how time to response is counted.
 */


export interface Driver {
  kind: string;
  label: string;
  area: string;
  count: number;
  weight: number;
}

export interface RiskState {
  country: string;
  admin1: string;
  level: number;
  score: number;
  drivers: Driver[];
  /** When the level last changed (ISO), null while it never did. */
  levelChangedAt: string | null;
  /** Time of the newest event applied (ISO); older events are ignored. */
  updatedAt: string;
  history: HistoryPoint[];
  /**
   * The score change of the area's last RiskAssessed that had a previous score: early-warning's trend
   * (`riskTrendOf`), null while none came.
   */
  trendDelta: number | null;
}

/** A risk observation taken from RiskAssessed / RiskEscalated / RiskDeescalated. */
export interface RiskObservation {
  kind: 'assessed' | 'escalated' | 'deescalated';
  country: string;
  admin1: string;
  level: number;
  score: number;
  drivers: Driver[];
  at: string;
  escalationId?: string;
  /** RiskAssessed: the day the area entered its level, when the event says it. */
  levelSince?: string;
  /** RiskAssessed with a previous score: its change of score (`riskTrendDeltaOf`). */
  trendDelta?: number;
  /**
   * What the data the country's risk was built from owes (ACLED's attribution), as the event says it:
   * shown wherever that risk is. Empty when nothing is owed, or on an event from before the field.
   */
  attributions: string[];
}

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);

/** An event's `attributions`: its strings, each once, sorted; [] when it has none. */
export function attributionsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return [...new Set(v.filter((a): a is string => typeof a === 'string' && a.trim() !== ''))].sort();
}

function driversOf(v: unknown): Driver[] {
  if (!Array.isArray(v)) return [];
  return v.map((d: Json) => ({ kind: str(d.kind), label: str(d.label), area: str(d.area), count: num(d.count), weight: num(d.weight) }));
}

/** The risk observation an event carries (payload as proto JSON), or undefined for other events. */
export function riskObservationOf(ceType: string, payload: Json, eventTime: Date): RiskObservation | undefined {
  const base = { country: str(payload.country), admin1: str(payload.admin1), score: num(payload.score), drivers: driversOf(payload.drivers), attributions: attributionsOf(payload.attributions) };
  if (!/^[A-Z]{3}$/.test(base.country)) return undefined;
  const at = (v: unknown) => (typeof v === 'string' && v ? v : eventTime.toISOString());
  if (ceType === CE_RISK_ASSESSED) {
    const levelSince = str(payload.levelSince);
    const trendDelta = typeof payload.previousScore === 'number' ? riskTrendDeltaOf(base.score, payload.previousScore) : null;
    return {
      kind: 'assessed',
      ...base,
      level: levelOf(payload.level),
      at: at(payload.assessedAt),
      ...(levelSince ? { levelSince } : {}),
      ...(trendDelta === null ? {} : { trendDelta }),
    };
  }
  if (ceType === CE_RISK_ESCALATED || ceType === CE_RISK_DEESCALATED) {
    return {
      kind: ceType === CE_RISK_ESCALATED ? 'escalated' : 'deescalated',
      ...base,
      level: levelOf(payload.newLevel),
      at: at(payload.at),
      escalationId: str(payload.escalationId),
    };
  }
  return undefined;
}

/** The new state of an area after an observation; the current state when the observation is older. */
export function applyRisk(current: RiskState | undefined, o: RiskObservation): RiskState {
  if (current && isOlderThan(o.at, current.updatedAt)) return current;
  const point: HistoryPoint = { t: o.at, s: o.score, l: o.level, ...(o.kind === 'assessed' ? {} : { change: o.kind }) };
  return {
    country: o.country,
    admin1: o.admin1,
    level: o.level,
    score: o.score,
    drivers: o.drivers.length || !current ? o.drivers : current.drivers,
    levelChangedAt: levelChangedAtAfter(current, o),
    updatedAt: o.at,
    history: withPoint(current?.history ?? [], point),
    // As early-warning keeps it: an escalation, or an area's first assessment, leaves it as it was.
    trendDelta: o.trendDelta ?? current?.trendDelta ?? null,
  };
}


/** Every escalation to HIGH or CRITICAL opens an alert. */
export const opensAlert = (o: RiskObservation): boolean => o.kind === 'escalated' && o.level >= LEVEL_HIGH && !!o.escalationId;

/**
 * A RiskDeescalated as the alerts and response times read it: the area, the level it fell to, the
 * escalation it names, and when early-warning raised it (the event's time, as an escalation's).
 */
export interface Deescalation {
  escalationId: string;
  country: string;
  admin1: string;
  level: number;
  at: Date;
}

export function deescalationOf(ceType: string, payload: Json, eventTime: Date): Deescalation | undefined {
  if (ceType !== CE_RISK_DEESCALATED || !/^[A-Z]{3}$/.test(str(payload.country))) return undefined;
  const level = levelOf(payload.newLevel);
  // An unknown level would read as "fell below everything" and reverse every escalation of the area.
  if (level === 0) return undefined;
  return { escalationId: str(payload.escalationId), country: str(payload.country), admin1: str(payload.admin1), level, at: eventTime };
}

/** An escalation as its alert or response row knows it; level and raisedAt are null while only its de-escalation is known. */
export interface EscalationSeen {
  escalationId: string;
  country: string;
  admin1: string;
  level: number | null;
  raisedAt: Date | null;
}

/**
 * Whether a de-escalation reverses an escalation: it takes the area below the escalation's level, and
 * either names it or is of its area and raised after it. Early-warning names only the oldest
 * escalation it reverses: an area that rose low → high → critical over two days and fell back to low
 * names the first, and the critical one's alert stayed at the top of triage. Raised after: a
 * de-escalation redriven from the dead letters late must not reverse an escalation that came since.
 */
export function reverses(d: Deescalation, e: EscalationSeen): boolean {
  if (e.level !== null && d.level >= e.level) return false;
  if (d.escalationId && e.escalationId === d.escalationId) return true;
  return e.country === d.country && e.admin1 === d.admin1 && e.raisedAt !== null && e.raisedAt.getTime() <= d.at.getTime();
}

/** What an event tells about the response to an escalation. */
export type ResponseStep =
  | { step: 'escalated'; escalationId: string; country: string; admin1: string; level: number; at: string }
  | { step: 'proposed'; escalationId: string; processId: string; country: string; at: string }
  | { step: 'referred'; escalationId: string; processId: string; country: string; at: string; processOpened: boolean }
  | { step: 'opened'; processId: string; at: string }
  | { step: 'concluded'; processId: string; at: string };

export function responseStepOf(ceType: string, payload: Json, eventTime: Date): ResponseStep | undefined {
  const at = (v: unknown) => (typeof v === 'string' && v ? v : eventTime.toISOString());
  if (ceType === CE_RISK_ESCALATED && str(payload.escalationId)) {
    // When early-warning raised it: the event's own time. The payload's `at` is the day assessed
    // (midnight, or a day long past for a late report), which made every response look hours slow.
    return { step: 'escalated', escalationId: str(payload.escalationId), country: str(payload.country), admin1: str(payload.admin1), level: levelOf(payload.newLevel), at: eventTime.toISOString() };
  }
  if (ceType === CE_MEDIATION_PROPOSED && str(payload.triggeredByEscalationId)) {
    return { step: 'proposed', escalationId: str(payload.triggeredByEscalationId), processId: str(payload.processId), country: str(payload.country), at: at(payload.proposedAt) };
  }
  if (ceType === CE_ESCALATION_REFERRED && str(payload.escalationId) && str(payload.processId)) {
    return { step: 'referred', escalationId: str(payload.escalationId), processId: str(payload.processId), country: str(payload.country), at: at(payload.referredAt), processOpened: payload.processOpened === true };
  }
  if (ceType === CE_MEDIATION_OPENED && str(payload.processId)) return { step: 'opened', processId: str(payload.processId), at: at(payload.occurredAt) };
  if (ceType === CE_MEDIATION_CONCLUDED && str(payload.processId)) return { step: 'concluded', processId: str(payload.processId), at: at(payload.occurredAt) };
  return undefined;
}

/** What became of a mediation process, as far as its MediationOpened and MediationConcluded tell. */
export interface ProcessFate {
  openedAt: Date | null;
  concludedAt: Date | null;
}

/**
 * What a proposal or referral learns of its process from the process's events projected before it. A
 * process's events follow its proposal on one partition, but a referral staged while an approver
 * opened the process (mediation read it proposed; the opening committed first) follows the opening,
 * and a dead letter redriven late follows both: updated only by the opening and closing themselves,
 * such an escalation read awaiting-opening for ever. Opened no earlier than answered: the escalation
 * had no open process before its answer came.
 */
export function answerAfterFate(answeredAt: Date, fate: ProcessFate): { openedAt: Date | null; closedUnopenedAt: Date | null } {
  if (fate.openedAt) return { openedAt: fate.openedAt.getTime() > answeredAt.getTime() ? fate.openedAt : answeredAt, closedUnopenedAt: null };
  return { openedAt: null, closedUnopenedAt: fate.concludedAt };
}

export interface ResponseRow {
  escalationId: string;
  /** The escalation's level (RiskLevel number); null while only mediation's answer is known. */
  level: number | null;
  escalatedAt: Date | null;
  proposedAt: Date | null;
  openedAt: Date | null;
  /** When the process answering it ended (MediationConcluded) before it was ever opened. */
  closedUnopenedAt: Date | null;
  /** When a RiskDeescalated reversed it (took its area below its level), and to which level; null while not. */
  reversedAt: Date | null;
  reversedToLevel: number | null;
}

/**
 * Where the response to an escalation stands. Only the two awaiting states are pending: mediation
 * answers nothing below its level by design (not-warranted), a proposal closed before it was opened
 * will never open (closed-unopened), and an escalation its area fell back from before a process was
 * opened for it waits for nothing more (reversed).
 */
export type ResponseStatus = 'awaiting-proposal' | 'awaiting-opening' | 'opened' | 'closed-unopened' | 'not-warranted' | 'reversed';

export function responseStatus(r: ResponseRow): ResponseStatus {
  // A process opened is the response, whatever the area did since.
  if (r.openedAt) return 'opened';
  const reversed = isReversed(r);
  // Whichever ended the wait first tells what became of it.
  if (r.closedUnopenedAt && !(reversed && r.reversedAt && r.reversedAt.getTime() < r.closedUnopenedAt.getTime())) return 'closed-unopened';
  const warranted = r.proposedAt !== null || r.level === null || mediationAnswersEscalation(r.level);
  // No response was ever due to an escalation below mediation's level: reversed or not, it is not-warranted.
  if (!warranted) return 'not-warranted';
  if (reversed) return 'reversed';
  return r.proposedAt ? 'awaiting-opening' : 'awaiting-proposal';
}

/**
 * A row's reversal counts once its level is known and above the level the area fell to: a
 * de-escalation that came before its escalation (a redriven dead letter) is kept on a row of no level.
 */
const isReversed = (r: ResponseRow): boolean => r.reversedAt !== null && r.reversedToLevel !== null && r.level !== null && r.reversedToLevel < r.level;

/** Milliseconds from escalation to proposal, to opening, to a closing before opening and to its reversal; null until both ends are known. */
export function responseDurations(r: ResponseRow): { toProposedMs: number | null; toOpenedMs: number | null; toClosedUnopenedMs: number | null; toReversedMs: number | null } {
  const diff = (a: Date | null, b: Date | null) => (a && b ? Math.max(0, b.getTime() - a.getTime()) : null);
  return {
    toProposedMs: diff(r.escalatedAt, r.proposedAt),
    toOpenedMs: diff(r.escalatedAt, r.openedAt),
    toClosedUnopenedMs: diff(r.escalatedAt, r.closedUnopenedAt),
    toReversedMs: isReversed(r) ? diff(r.escalatedAt, r.reversedAt) : null,
  };
}

/** Alert workflow: which action is allowed from which status. */
export type AlertStatus = 'open' | 'acknowledged' | 'closed';
export type AlertAction = 'acknowledge' | 'assign' | 'comment' | 'close';

export function nextStatus(status: AlertStatus, action: AlertAction): AlertStatus | { error: string } {
  if (status === 'closed') return { error: `alert is closed; cannot ${action}` };
  if (action === 'acknowledge') return status === 'open' ? 'acknowledged' : { error: 'alert is already acknowledged' };
  if (action === 'close') return 'closed';
  return status;
}
