import type { ProcessState } from './mediation-process';
import type { ParticipantCount, Session } from './mediation.types';

/** Participation of women and youth, counted, not assumed. Shares are 0..1, null when nothing was counted. */
export interface Participation {
  readonly delegates: number;
  readonly women: number;
  readonly youth: number;
  readonly womenShare: number | null;
  readonly youthShare: number | null;
}

export interface ProcessInclusion extends Participation {
  readonly processId: string;
  readonly country: string;
  readonly sessions: ReadonlyArray<Participation & { readonly sessionId: string; readonly round: number }>;
  readonly agreements: number;
  readonly agreementsWithGenderProvisions: number;
  readonly agreementsWithYouthProvisions: number;
  readonly genderProvisionShare: number | null;
  readonly youthProvisionShare: number | null;
}

export interface InclusionSummary extends Participation {
  readonly processes: number;
  readonly sessions: number;
  readonly agreements: number;
  readonly agreementsWithGenderProvisions: number;
  readonly agreementsWithYouthProvisions: number;
  readonly genderProvisionShare: number | null;
  readonly youthProvisionShare: number | null;
  readonly byProcess: readonly ProcessInclusion[];
}

const share = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** Delegates whose gender or age was not disclosed still count in the denominator: they were there. */
export function participationOf(counts: readonly ParticipantCount[]): Participation {
  const delegates = counts.reduce((n, c) => n + c.count, 0);
  const women = counts.filter((c) => c.gender === 'female').reduce((n, c) => n + c.count, 0);
  const youth = counts.filter((c) => c.ageGroup === 'youth').reduce((n, c) => n + c.count, 0);
  return { delegates, women, youth, womenShare: share(women, delegates), youthShare: share(youth, delegates) };
}

const sessionParticipation = (s: Session) => ({ sessionId: s.sessionId, round: s.round, ...participationOf(s.participants) });

export function processInclusion(state: ProcessState): ProcessInclusion {
  const all = participationOf(state.sessions.flatMap((s) => s.participants));
  const withGender = state.agreements.filter((a) => a.provisions.some((p) => p.addressesGender)).length;
  const withYouth = state.agreements.filter((a) => a.provisions.some((p) => p.addressesYouth)).length;
  return {
    processId: state.processId,
    country: state.country,
    ...all,
    sessions: state.sessions.map(sessionParticipation),
    agreements: state.agreements.length,
    agreementsWithGenderProvisions: withGender,
    agreementsWithYouthProvisions: withYouth,
    genderProvisionShare: share(withGender, state.agreements.length),
    youthProvisionShare: share(withYouth, state.agreements.length),
  };
}

/** Across processes: shares of all delegates and all agreements, not averages of per-process shares. */
export function inclusionSummary(states: readonly ProcessState[]): InclusionSummary {
  const byProcess = states.map(processInclusion);
  const delegates = byProcess.reduce((n, p) => n + p.delegates, 0);
  const women = byProcess.reduce((n, p) => n + p.women, 0);
  const youth = byProcess.reduce((n, p) => n + p.youth, 0);
  const agreements = byProcess.reduce((n, p) => n + p.agreements, 0);
  const withGender = byProcess.reduce((n, p) => n + p.agreementsWithGenderProvisions, 0);
  const withYouth = byProcess.reduce((n, p) => n + p.agreementsWithYouthProvisions, 0);
  return {
    processes: states.length,
    sessions: byProcess.reduce((n, p) => n + p.sessions.length, 0),
    delegates,
    women,
    youth,
    womenShare: share(women, delegates),
    youthShare: share(youth, delegates),
    agreements,
    agreementsWithGenderProvisions: withGender,
    agreementsWithYouthProvisions: withYouth,
    genderProvisionShare: share(withGender, agreements),
    youthProvisionShare: share(withYouth, agreements),
    byProcess,
  };
}
