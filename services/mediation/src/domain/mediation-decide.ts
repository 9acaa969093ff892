import type { Clock } from '@crisis-ops/domain-kernel';
import type { EnvoyInput, MediationCommand, ProposeProcess, RecordAgreement, RecordSession } from './mediation.commands';
import { conflict, MEDIATION_ERRORS, processNotFound } from './mediation.errors';
import type { MediationEvent } from './mediation.events';
import { isEnded, roundHeldAt, type ProcessState } from './mediation-process';
import { provisionsSizeProblem, signatoriesSizeProblem } from './agreement.limits';
import {
  AGE_GROUPS,
  AGREEMENT_KINDS,
  driverAsHeld,
  GENDERS,
  LEADS,
  OUTCOMES,
  PARTY_KINDS,
  RISK_LEVELS,
  SIGNATORY_ROLES,
  TRACKS,
  type ProcessStatus,
} from './mediation.types';
import { COUNTRY_PATTERN, instantProblem, optionalText, readingOf, sameReading, Violations } from './mediation.validation';

/**
 * early-warning's escalation ids are `<country>/<admin1>/<day>/<level>` with an admin1 of up to 200
 * characters (up to 224 in all): refused here, an escalation would be dead-lettered and never answered.
 */
const ESCALATION_ID_MAX = 300;

/**
 * How long before its proposal a process may have held talks. Exploratory talks often come before a
 * process is formally proposed, and are its record (counted in its rounds, left out of time to
 * response); a year covers them generously. A session held earlier is another process's, or a typo
 * year (2020 for 2026): accepted, it took the first round and the first session date of a process
 * that did not exist then.
 */
export const PRE_TALKS_MARGIN_DAYS = 365;
const DAY_MS = 86_400_000;

/** What deciding needs from outside: time, new ids, and who is asking. */
export interface DecisionContext {
  readonly clock: Clock;
  readonly newId: () => string;
  readonly actor: string;
}

/**
 * Turns a command into the events it causes, or throws: DomainError kind 'conflict' when the
 * process's status forbids it, ValidationFailed (kind 'invalid') for bad input, kind 'not-found'
 * for a command to a process that does not exist.
 */
export function decide(state: ProcessState | null, command: MediationCommand, ctx: DecisionContext): MediationEvent[] {
  if (command.type === 'Propose') {
    if (state) throw conflict(MEDIATION_ERRORS.PROCESS_ALREADY_EXISTS, `process ${state.processId} already exists`);
    return propose(command, ctx);
  }
  if (!state) throw processNotFound('(none)');
  const now = ctx.clock.now();
  const base = { processId: state.processId, at: now.toISOString(), actor: ctx.actor };
  const v = new Violations();
  switch (command.type) {
    case 'Activate': {
      requireStatus(state, ['proposed'], MEDIATION_ERRORS.PROCESS_NOT_PROPOSED, 'only a proposed process can be activated');
      v.text('mandate', command.mandate, { max: 2000 });
      validateEnvoy(v, 'envoy', command.envoy);
      v.throwIfAny();
      return [
        { ...base, type: 'MediationOpened', mandate: command.mandate.trim() },
        { ...base, type: 'EnvoyAppointed', envoy: envoyOf(command.envoy, ctx.newId(), base.at) },
      ];
    }
    case 'AppointEnvoy':
      requireStatus(state, ['active', 'suspended'], MEDIATION_ERRORS.PROCESS_NOT_ACTIVE, 'envoys are appointed to an active or suspended process');
      validateEnvoy(v, 'envoy', command.envoy);
      v.throwIfAny();
      refuseRepeatedEnvoy(state, command.envoy);
      return [{ ...base, type: 'EnvoyAppointed', envoy: envoyOf(command.envoy, ctx.newId(), base.at) }];
    case 'AddParty': {
      requireStatus(state, ['proposed', 'active', 'suspended'], MEDIATION_ERRORS.PROCESS_ALREADY_CLOSED, 'the process has ended');
      v.text('name', command.name);
      v.oneOf('kind', command.kind, PARTY_KINDS);
      v.throwIfAny();
      const name = command.name.trim();
      // The same party whatever its case, spaces or Unicode composition (readingOf), as a proposal keys them.
      if (state.parties.some((p) => p.kind === command.kind && sameReading(p.name, name))) {
        throw conflict(MEDIATION_ERRORS.PARTY_ALREADY_ADDED, `${name} (${command.kind}) is already a party`);
      }
      return [{ ...base, type: 'PartyAdded', party: { partyId: ctx.newId(), name, kind: command.kind } }];
    }
    case 'RecordSession':
      requireStatus(state, ['active'], MEDIATION_ERRORS.PROCESS_NOT_ACTIVE, 'sessions are recorded on an active process');
      validateSession(v, state, command, now);
      v.throwIfAny();
      refuseRepeatedSession(state, command);
      return [
        {
          ...base,
          type: 'TalksConvened',
          session: {
            sessionId: ctx.newId(),
            round: roundHeldAt(state.sessions, new Date(command.heldAt).toISOString()),
            heldAt: new Date(command.heldAt).toISOString(),
            place: command.place.trim(),
            // As the process holds its party ids: in lower case (a UUID in either case is one id).
            partyIds: (command.partyIds ?? []).map((id) => id.toLowerCase()),
            participants: command.participants.filter((p) => p.count > 0).map((p) => ({ ...p })),
          },
        },
      ];
    case 'RecordAgreement':
      requireStatus(state, ['active'], MEDIATION_ERRORS.PROCESS_NOT_ACTIVE, 'agreements are recorded on an active process');
      validateAgreement(v, state, command, now);
      v.throwIfAny();
      refuseRepeatedAgreement(state, command);
      return [
        {
          ...base,
          type: 'AgreementReached',
          agreement: {
            agreementId: ctx.newId(),
            kind: command.kind,
            title: command.title.trim(),
            signedAt: new Date(command.signedAt).toISOString(),
            provisions: command.provisions.map((p) => ({ ...p, topic: p.topic.trim(), text: p.text.trim() })),
            signatories: command.signatories.map((s) => ({ ...s, name: s.name.trim(), organization: s.organization.trim() })),
          },
        },
      ];
    case 'Suspend':
      requireStatus(state, ['active'], MEDIATION_ERRORS.PROCESS_NOT_ACTIVE, 'only an active process can be suspended');
      v.text('reason', command.reason, { max: 2000 });
      v.throwIfAny();
      return [{ ...base, type: 'MediationSuspended', reason: command.reason.trim() }];
    case 'Resume':
      requireStatus(state, ['suspended'], MEDIATION_ERRORS.PROCESS_NOT_SUSPENDED, 'only a suspended process can resume');
      v.text('reason', command.reason, { max: 2000 });
      v.throwIfAny();
      return [{ ...base, type: 'MediationResumed', reason: command.reason.trim() }];
    case 'Conclude':
      requireStatus(state, ['active'], MEDIATION_ERRORS.PROCESS_NOT_ACTIVE, 'only an active process can be concluded');
      v.oneOf('outcome', command.outcome, OUTCOMES);
      v.text('reason', command.reason, { max: 2000 });
      if (command.outcome === 'agreement' && state.agreements.length === 0) v.add('outcome', 'is "agreement" but no agreement was recorded');
      v.throwIfAny();
      return [{ ...base, type: 'MediationConcluded', outcome: command.outcome, reason: command.reason.trim() }];
    case 'Close':
      requireStatus(state, ['proposed', 'active', 'suspended'], MEDIATION_ERRORS.PROCESS_ALREADY_CLOSED, 'the process has ended');
      v.text('reason', command.reason, { max: 2000 });
      v.throwIfAny();
      return [{ ...base, type: 'MediationClosed', reason: command.reason.trim() }];
    case 'RecordDeescalation':
      requireStatus(state, ['proposed', 'active', 'suspended'], MEDIATION_ERRORS.PROCESS_ALREADY_CLOSED, 'the process has ended');
      v.text('escalationId', command.escalationId, { max: ESCALATION_ID_MAX });
      v.oneOf('level', command.level, RISK_LEVELS);
      v.instant('deescalatedAt', command.deescalatedAt);
      v.throwIfAny();
      return [
        {
          ...base,
          type: 'DeescalationRecorded',
          escalationId: command.escalationId,
          level: command.level,
          deescalatedAt: new Date(command.deescalatedAt).toISOString(),
        },
      ];
  }
}

/** An ended process refuses everything with PROCESS_ALREADY_CLOSED; otherwise `code` if not in `allowed`. */
function requireStatus(state: ProcessState, allowed: readonly ProcessStatus[], code: string, why: string): void {
  if (isEnded(state)) {
    throw conflict(MEDIATION_ERRORS.PROCESS_ALREADY_CLOSED, `process ${state.processId} is ${state.status}`, { status: state.status });
  }
  if (!allowed.includes(state.status)) {
    throw conflict(code, `process ${state.processId} is ${state.status}: ${why}`, { status: state.status });
  }
}

function propose(c: ProposeProcess, ctx: DecisionContext): MediationEvent[] {
  const v = new Violations();
  if (typeof c.country !== 'string' || !COUNTRY_PATTERN.test(c.country)) v.add('country', 'must be an ISO 3166-1 alpha-3 code');
  v.text('admin1', c.admin1, { required: false });
  v.text('situation', c.situation, { required: false, max: 2000 });
  v.text('region', c.region, { max: 50 });
  v.oneOf('track', c.track, TRACKS);
  v.oneOf('lead', c.lead, LEADS);
  (c.drivers ?? []).forEach((d, i) => v.driver(`drivers[${i}]`, d));
  const seen = new Set<string>();
  (c.parties ?? []).forEach((p, i) => {
    v.text(`parties[${i}].name`, p.name);
    v.oneOf(`parties[${i}].kind`, p.kind, PARTY_KINDS);
    const key = `${p.kind}:${readingOf(String(p.name))}`;
    if (seen.has(key)) v.add(`parties[${i}]`, 'is listed twice');
    seen.add(key);
  });
  if (c.escalation) {
    v.text('escalation.escalationId', c.escalation.escalationId, { max: ESCALATION_ID_MAX });
    v.oneOf('escalation.level', c.escalation.level, RISK_LEVELS);
    v.instant('escalation.escalatedAt', c.escalation.escalatedAt);
  }
  v.throwIfAny();
  return [
    {
      type: 'MediationProposed',
      processId: ctx.newId(),
      at: ctx.clock.now().toISOString(),
      actor: ctx.actor,
      country: c.country,
      admin1: optionalText(c.admin1),
      situation: optionalText(c.situation),
      region: c.region.trim(),
      track: c.track,
      lead: c.lead,
      drivers: (c.drivers ?? []).map(driverAsHeld),
      escalation: c.escalation ? { ...c.escalation, escalatedAt: new Date(c.escalation.escalatedAt).toISOString() } : null,
      parties: (c.parties ?? []).map((p) => ({ partyId: ctx.newId(), name: p.name.trim(), kind: p.kind })),
    },
  ];
}

function validateEnvoy(v: Violations, field: string, envoy: EnvoyInput | undefined): void {
  if (!envoy) return v.add(field, 'is required');
  v.text(`${field}.name`, envoy.name);
  v.text(`${field}.role`, envoy.role);
  v.text(`${field}.organization`, envoy.organization);
  v.oneOf(`${field}.gender`, envoy.gender, GENDERS);
}

const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

/*
 * A record the process already holds, sent again: two officers recording the same talks at once (a
 * command that loses the race is decided again on the state the other left, MediationService), or one
 * resending after a lost answer without an Idempotency-Key. Recorded twice, a session doubles the
 * participation counted and renumbers rounds, an agreement counts twice as an outcome. Refused like a
 * party added twice; what differs in any of these fields is another record.
 */
function refuseRepeatedSession(state: ProcessState, c: RecordSession): void {
  const same = state.sessions.find((s) => sameInstant(s.heldAt, c.heldAt) && sameReading(s.place, c.place));
  if (same) throw conflict(MEDIATION_ERRORS.SESSION_ALREADY_RECORDED, `a session held at ${same.heldAt} in ${same.place} is already recorded (round ${same.round})`, { sessionId: same.sessionId });
}

function refuseRepeatedAgreement(state: ProcessState, c: RecordAgreement): void {
  const same = state.agreements.find((a) => a.kind === c.kind && sameInstant(a.signedAt, c.signedAt) && sameReading(a.title, c.title));
  if (same) throw conflict(MEDIATION_ERRORS.AGREEMENT_ALREADY_RECORDED, `${same.title} (${same.kind}) signed at ${same.signedAt} is already recorded`, { agreementId: same.agreementId });
}

function refuseRepeatedEnvoy(state: ProcessState, e: EnvoyInput): void {
  const same = state.envoys.find((x) => sameReading(x.name, e.name) && sameReading(x.role, e.role) && sameReading(x.organization, e.organization));
  if (same) throw conflict(MEDIATION_ERRORS.ENVOY_ALREADY_APPOINTED, `${same.name} (${same.role}, ${same.organization}) is already an envoy of this process`, { envoyId: same.envoyId });
}

const envoyOf = (e: EnvoyInput, envoyId: string, at: string) => ({
  envoyId,
  name: e.name.trim(),
  role: e.role.trim(),
  organization: e.organization.trim(),
  gender: e.gender,
  appointedAt: at,
});

/**
 * Talks, and what they sign, may precede the proposal (the good offices began before the platform
 * knew of them), but not by more than the margin: an earlier date is another process's, or a typo year.
 */
function withinPreTalksMargin(v: Violations, state: ProcessState, field: string, at: string): void {
  if (!instantProblem(at) && new Date(at).getTime() < new Date(state.proposedAt).getTime() - PRE_TALKS_MARGIN_DAYS * DAY_MS) {
    v.add(field, `must be no more than ${PRE_TALKS_MARGIN_DAYS} days before the process was proposed (${state.proposedAt})`);
  }
}

function validateSession(v: Violations, state: ProcessState, c: RecordSession, now: Date): void {
  v.instant('heldAt', c.heldAt, now);
  withinPreTalksMargin(v, state, 'heldAt', c.heldAt);
  v.text('place', c.place);
  // A UUID in upper case is the same id (as the edge's check for one listed twice takes it): compared
  // case-sensitively, a party's id sent in capitals was 'not a party of this process'.
  const known = new Set(state.parties.map((p) => p.partyId.toLowerCase()));
  // A party listed twice was stored as present twice: refused as a party listed twice in a proposal.
  const listed = new Set<string>();
  (c.partyIds ?? []).forEach((given, i) => {
    const id = String(given).toLowerCase();
    if (!known.has(id)) v.add(`partyIds[${i}]`, 'is not a party of this process');
    else if (listed.has(id)) v.add(`partyIds[${i}]`, 'is listed twice');
    listed.add(id);
  });
  if (!Array.isArray(c.participants) || c.participants.length === 0) return v.add('participants', 'must count at least one group');
  const groups = new Set<string>();
  c.participants.forEach((p, i) => {
    v.oneOf(`participants[${i}].gender`, p.gender, GENDERS);
    v.oneOf(`participants[${i}].ageGroup`, p.ageGroup, AGE_GROUPS);
    v.count(`participants[${i}].count`, p.count);
    const key = `${p.gender}/${p.ageGroup}`;
    if (groups.has(key)) v.add(`participants[${i}]`, `counts ${key} twice`);
    groups.add(key);
  });
  if (c.participants.every((p) => !(p.count > 0))) v.add('participants', 'must count at least one participant');
}

function validateAgreement(v: Violations, state: ProcessState, c: RecordAgreement, now: Date): void {
  v.oneOf('kind', c.kind, AGREEMENT_KINDS);
  v.text('title', c.title, { max: 500 });
  v.instant('signedAt', c.signedAt, now);
  withinPreTalksMargin(v, state, 'signedAt', c.signedAt);
  if (!Array.isArray(c.provisions) || c.provisions.length === 0) v.add('provisions', 'must list at least one provision');
  const provisionsSize = provisionsSizeProblem(c.provisions);
  if (provisionsSize) v.add('provisions', provisionsSize);
  (c.provisions ?? []).forEach((p, i) => {
    v.text(`provisions[${i}].topic`, p.topic);
    v.text(`provisions[${i}].text`, p.text, { max: 10_000 });
  });
  if (!Array.isArray(c.signatories) || c.signatories.length === 0) v.add('signatories', 'must list at least one signatory');
  const signatoriesSize = signatoriesSizeProblem(c.signatories);
  if (signatoriesSize) v.add('signatories', signatoriesSize);
  (c.signatories ?? []).forEach((s, i) => {
    v.text(`signatories[${i}].name`, s.name);
    v.oneOf(`signatories[${i}].role`, s.role, SIGNATORY_ROLES);
    v.text(`signatories[${i}].organization`, s.organization);
  });
}
