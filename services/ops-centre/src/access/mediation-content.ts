import type { PlatformRole, Principal } from '@crisis-ops/auth';
import { TOPIC_MEDIATION } from '@crisis-ops/contracts';
import type { StreamItem } from '../stream/stream-item';
import { ROLE } from './access-policy';

/**
 * Who reads what a mediation process says (its situation, mandate, envoy, talks, agreement texts,
 * signatories, reasons) in the operations centre: mediation's own readers, and the watch officers the
 * operations centre is for. Everyone else of the desk (an analyst, an ops engineer, an auditor) sees
 * that there was such an event, of which process, where and when, and not its content: mediation
 * refuses them the process itself, and the operations centre must not be the way around that.
 */
const CONTENT_READERS: readonly PlatformRole[] = ['viewer', 'mediation-officer', 'approver', 'global-viewer', ROLE.watchOfficer, ROLE.globalWatchOfficer];

/** What of a mediation event anyone of its desk sees: ids, area, levels, kinds, outcomes and times. */
const OPEN_FIELDS = new Set([
  'processId',
  'country',
  'admin1',
  'track',
  'lead',
  'triggeredByEscalationId',
  'escalationId',
  'escalationLevel',
  'level',
  'drivers',
  'proposedAt',
  'occurredAt',
  'referredAt',
  'processOpened',
  'agreementId',
  'kind',
  'outcome',
  'round',
]);

export const mayReadMediationContent = (p: Pick<Principal, 'roles'>): boolean => p.roles.some((r) => CONTENT_READERS.includes(r as PlatformRole));

/** An event's payload as this principal may read it: a mediation event's content withheld from those who may not. */
export function payloadFor(p: Pick<Principal, 'roles'>, topic: string, payload: Record<string, unknown>): Record<string, unknown> {
  if (topic !== TOPIC_MEDIATION || mayReadMediationContent(p)) return payload;
  const open = Object.fromEntries(Object.entries(payload).filter(([key]) => OPEN_FIELDS.has(key)));
  return { ...open, contentWithheld: 'what the process says is shown to mediation and watch roles' };
}

export const itemFor = (p: Pick<Principal, 'roles'>, item: StreamItem): StreamItem =>
  item.topic === TOPIC_MEDIATION && !mayReadMediationContent(p) ? { ...item, payload: payloadFor(p, item.topic, item.payload) } : item;
