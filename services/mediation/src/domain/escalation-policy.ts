import { mediationAnswersEscalation, RiskLevel as PbRiskLevel } from '@crisis-ops/contracts';
import { admin1Key } from '@crisis-ops/geo';
import type { MediationCommand, ProposeProcess } from './mediation.commands';
import type { RiskDriver, RiskLevel } from './mediation.types';
import { Violations } from './mediation.validation';

const PB_LEVEL: Record<RiskLevel, PbRiskLevel> = { low: PbRiskLevel.LOW, elevated: PbRiskLevel.ELEVATED, high: PbRiskLevel.HIGH, critical: PbRiskLevel.CRITICAL };

/**
 * Only high and critical escalations call for a diplomatic response on their own. The rule is the
 * contract's, which the operations centre reads too to tell an escalation left unanswered by design
 * from one still waiting for its answer.
 */
export const escalationWarrantsProcess = (level: RiskLevel): boolean => mediationAnswersEscalation(PB_LEVEL[level]);

export interface Escalation {
  readonly escalationId: string;
  readonly country: string;
  readonly admin1: string | null;
  readonly level: RiskLevel;
  readonly drivers: readonly RiskDriver[];
  /** When early-warning raised it (the event's time), which time to response counts from. */
  readonly at: string;
}

/** Whether a proposal may carry this driver: one it would refuse must not cost the escalation its process. */
export function isUsableDriver(d: RiskDriver): boolean {
  const v = new Violations();
  v.driver('driver', d);
  return v.empty;
}

/** A process of the escalation's country not yet concluded or closed, as far as answering an escalation goes. */
export interface OpenProcess {
  readonly id: string;
  /** The area it was proposed for: null covers the whole country. */
  readonly admin1: string | null;
  /** Whether it has been opened (activated) yet. */
  readonly opened: boolean;
}

/** The admin1 a process or an escalation is about, as early-warning tells it; null (or blank) is the country. */
const areaKey = (admin1: string | null): string | null => admin1Key(admin1) || null;

/**
 * Whether a process answers an escalation of this area: a national process the whole country, an
 * admin1's process that admin1 alone. A process for Tillabéri is no answer to Diffa nor to the country
 * as a whole: referred to it, their escalation counted as handled and left them with no process at
 * all once it ended.
 */
export const processCovers = (process: Pick<OpenProcess, 'admin1'>, area: Pick<Escalation, 'admin1'>): boolean => {
  const scope = areaKey(process.admin1);
  return scope === null || scope === areaKey(area.admin1);
};

/**
 * The open process an escalation is referred to, if any covers its area (else it gets a proposal of
 * its own, scoped to its area by proposalFor). An opened process first: one referred to a proposal
 * never taken up would wait on it while an active process answers the area. Then the admin1's own
 * process before a national one, as the closer answer; then `open`'s order (the oldest first).
 */
export function processAnswering<P extends OpenProcess>(open: readonly P[], escalation: Pick<Escalation, 'admin1'>): P | undefined {
  const rank = (p: P) => (p.opened ? 0 : 2) + (areaKey(p.admin1) === null ? 1 : 0);
  return open.filter((p) => processCovers(p, escalation)).reduce<P | undefined>((best, p) => (best === undefined || rank(p) < rank(best) ? p : best), undefined);
}

/**
 * The proposal an escalation triggers: good offices led by a special envoy, the usual first
 * diplomatic answer; the approver gives it a mandate and an envoy on activation (its track and lead
 * stay as proposed). Drivers are evidence, not the
 * reason to answer: an unusable one is left out rather than the escalation dead-lettered.
 */
export function proposalFor(escalation: Escalation, region: string): ProposeProcess {
  const drivers = escalation.drivers.filter(isUsableDriver);
  const labels = drivers.map((d) => d.label || d.kind).filter(Boolean);
  return {
    type: 'Propose',
    country: escalation.country,
    // An admin1 with no letter or digit is the country's, as processCovers reads it: held as such, not
    // refused (the proposal refuses an admin1 of no visible character) at the cost of the escalation.
    admin1: areaKey(escalation.admin1) === null ? null : escalation.admin1,
    situation: `Risk escalated to ${escalation.level}${labels.length ? `: ${labels.join(', ')}` : ''}`.slice(0, 2000),
    region,
    track: 'good_offices',
    lead: 'special_envoy',
    drivers,
    escalation: { escalationId: escalation.escalationId, level: escalation.level, escalatedAt: escalation.at },
  };
}

/**
 * The commands that change what a referral says of a process: those that end it (take it out of the
 * open statuses) and the one that opens a proposed process. An escalation is referred to an open
 * process of its country under the country's lock, and the referral says whether that process is
 * opened yet. A command that ends a process takes the same lock, or an escalation that read the
 * process open before the end committed is referred to a process then ended, and answered by none;
 * so does the opening, or a referral that read the process proposed while it was being opened says
 * "not opened" of an opened process, after its MediationOpened, and subscribers wait for an opening
 * that has already happened. Commands that keep a process where it is need no lock, nor does a
 * hand-made proposal: it only adds an open process, so whichever commits first the outcome is that
 * of one running after the other.
 */
export const PROCESS_ENDING_COMMANDS: ReadonlyArray<MediationCommand['type']> = ['Conclude', 'Close'];
export const PROCESS_OPENING_COMMANDS: ReadonlyArray<MediationCommand['type']> = ['Activate'];

export const mayEndProcess = (command: Pick<MediationCommand, 'type'>): boolean => PROCESS_ENDING_COMMANDS.includes(command.type);
export const mayOpenProcess = (command: Pick<MediationCommand, 'type'>): boolean => PROCESS_OPENING_COMMANDS.includes(command.type);
