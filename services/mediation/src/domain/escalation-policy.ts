import type { ProposeProcess } from './mediation.commands';
import type { RiskDriver, RiskLevel } from './mediation.types';

/** Only high and critical escalations call for a diplomatic response on their own. */
export const escalationWarrantsProcess = (level: RiskLevel): boolean => level === 'high' || level === 'critical';

export interface Escalation {
  readonly escalationId: string;
  readonly country: string;
  readonly admin1: string | null;
  readonly level: RiskLevel;
  readonly drivers: readonly RiskDriver[];
  readonly at: string;
}

/**
 * The proposal an escalation triggers: good offices led by a special envoy, the usual first
 * diplomatic answer, to be refined by the approver on activation.
 */
export function proposalFor(escalation: Escalation, region: string): ProposeProcess {
  const labels = escalation.drivers.map((d) => d.label || d.kind).filter(Boolean);
  return {
    type: 'Propose',
    country: escalation.country,
    admin1: escalation.admin1,
    situation: `Risk escalated to ${escalation.level}${labels.length ? `: ${labels.join(', ')}` : ''}`.slice(0, 2000),
    region,
    track: 'good_offices',
    lead: 'special_envoy',
    drivers: escalation.drivers,
    escalation: { escalationId: escalation.escalationId, level: escalation.level, escalatedAt: escalation.at },
  };
}
