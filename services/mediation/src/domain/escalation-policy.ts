import { mediationAnswersEscalation, RiskLevel as PbRiskLevel } from '@crisis-ops/contracts';
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
    admin1: escalation.admin1,
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
