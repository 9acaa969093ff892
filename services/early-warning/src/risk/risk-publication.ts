import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_RISK_ASSESSED, CE_RISK_DEESCALATED, CE_RISK_ESCALATED, RiskLevel as PbRiskLevel } from '@crisis-ops/contracts';
import type { PublishedEvent } from '@crisis-ops/service-kit';
import type { RiskEvent, RiskLevel } from '../domain';

export type RiskOrigin = 'api' | 'import';

const DAY_MS = 86_400_000;

export const PB_LEVEL: Record<RiskLevel, PbRiskLevel> = {
  low: PbRiskLevel.LOW,
  elevated: PbRiskLevel.ELEVATED,
  high: PbRiskLevel.HIGH,
  critical: PbRiskLevel.CRITICAL,
};

/** The event-time day a risk event is about. */
export const dayOfEvent = (e: RiskEvent): Date => (e.type === 'RiskAssessed' ? e.assessedAt : e.at);

/**
 * Whether a risk event goes to Kafka. Everything that follows live (API) signals does. After a bulk
 * import only events about the last `importAlertDays` days (by the wall clock at processing time) do:
 * a historical file replays years of escalations that are news to nobody, and mediation must not open
 * processes for them. Either way the assessment is stored (with its origin) and queryable, and the
 * model's state is the same: the wall clock decides publication only, never a score or a level.
 */
export function shouldPublish(e: RiskEvent, origin: RiskOrigin, now: Date, importAlertDays: number): boolean {
  if (origin === 'api') return true;
  return dayOfEvent(e).getTime() >= now.getTime() - importAlertDays * DAY_MS;
}

/** The contract event of a domain risk event. */
export function toPublished(e: RiskEvent, origin: RiskOrigin, provisional: boolean): PublishedEvent<typeof CE_RISK_ASSESSED | typeof CE_RISK_ESCALATED | typeof CE_RISK_DEESCALATED> {
  const common = {
    country: e.country,
    admin1: e.admin1 ?? '',
    score: e.score,
    drivers: e.drivers.map((d) => ({ kind: d.kind, label: d.label, area: d.area ?? '', count: d.count, weight: d.weight })),
    windowStart: timestampFromDate(e.windowStart),
    windowEnd: timestampFromDate(e.windowEnd),
    origin,
    provisional,
  };
  const subject = `${e.country}/${e.admin1 ?? '-'}`;
  if (e.type === 'RiskAssessed') {
    return {
      type: CE_RISK_ASSESSED,
      subject,
      data: { ...common, level: PB_LEVEL[e.level], previousScore: e.previousScore ?? undefined, assessedAt: timestampFromDate(e.assessedAt) },
    };
  }
  return {
    type: e.type === 'RiskEscalated' ? CE_RISK_ESCALATED : CE_RISK_DEESCALATED,
    subject,
    data: { ...common, escalationId: e.escalationId, previousLevel: PB_LEVEL[e.previousLevel], newLevel: PB_LEVEL[e.newLevel], at: timestampFromDate(e.at) },
  } as PublishedEvent<typeof CE_RISK_ESCALATED>;
}
