import { messagingMigrations } from '@crisis-ops/messaging';
import { CreateTimeline1764115400000 } from './1764115400000-create-timeline.migration';
import { CreateConsoleReadModel1764288000000 } from './1764288000000-create-console-read-model.migration';
import { EscalationReferrals1764547200000 } from './1764547200000-escalation-referrals.migration';
import { EscalationClosedUnopened1764892800000 } from './1764892800000-escalation-closed-unopened.migration';
import { EscalationReversals1765152000000 } from './1765152000000-escalation-reversals.migration';
import { EscalationProcessFate1765238400000 } from './1765238400000-escalation-process-fate.migration';
import { RiskTrend1765324800000 } from './1765324800000-risk-trend.migration';
import { AuditEffectTime1765427400000 } from './1765427400000-audit-effect-time.migration';
import { IdempotentRequests1765497600000 } from './1765497600000-idempotent-requests.migration';
import { TimelineShortType1765600000000 } from './1765600000000-timeline-short-type.migration';
import { RiskAttributions1765700000000 } from './1765700000000-risk-attributions.migration';

export const migrations = [
  ...messagingMigrations,
  CreateTimeline1764115400000,
  CreateConsoleReadModel1764288000000,
  EscalationReferrals1764547200000,
  EscalationClosedUnopened1764892800000,
  EscalationReversals1765152000000,
  EscalationProcessFate1765238400000,
  RiskTrend1765324800000,
  AuditEffectTime1765427400000,
  IdempotentRequests1765497600000,
  TimelineShortType1765600000000,
  RiskAttributions1765700000000,
];
