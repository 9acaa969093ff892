import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_RISK_ASSESSED, CE_RISK_DEESCALATED, CE_RISK_ESCALATED, RiskLevel as PbRiskLevel } from '@crisis-ops/contracts';
import type { PublishedEvent } from '@crisis-ops/service-kit';
import { dayOf, type RiskEvent, type RiskLevel } from '../domain';

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
 * Whether risk events about the day of `at` go to Kafka (the engine applies it as its Announcing:
 * see LiveRisk). Events about the day of a live (API) input, or a later one, do: that is news,
 * however old the day (a late report is still a report). Everything else is published only when
 * about the last `alertDays` days (EARLY_WARNING_IMPORT_ALERT_DAYS, by the wall clock at processing
 * time):
 * - after a bulk import: a historical file replays years of escalations that are news to nobody;
 * - events about days before the input's own: an input dated day C cannot change a score of a day
 *   before C, so those days were decided by earlier inputs and merely closed late by this one
 *   (typically imported monthly aggregates leave a country's days queued, and its first live signal
 *   closes weeks of them). History closed late is not news, whatever the origin of the input that
 *   happened to close it; the event keeps that origin in storage.
 * Mediation must not open processes for such history. Either way the assessment is stored and
 * queryable, and the model's scores and levels are the same: the wall clock decides what is told
 * (and so which assessments are emitted), never a score or a level. `inputDay` is the event-time day
 * of the input that produced the event (a signal's occurredAt, an observation's period start), and
 * `reported` the days its intake request reported while the engine had them open
 * (RequestInProgress), which are news too; days are compared as whole UTC days, as the engine dates
 * them. A live input's de-escalation that is not news is told all the same when it corrects the
 * level subscribers were told (correctsAnnouncedLevel, in the domain).
 */
export function publishesDay(at: Date, origin: RiskOrigin, now: Date, alertDays: number, inputDay: Date, reported?: ReadonlySet<number>): boolean {
  const day = dayOf(at);
  if (origin === 'api' && (day >= dayOf(inputDay) || reported?.has(day))) return true;
  return at.getTime() >= now.getTime() - alertDays * DAY_MS;
}

/**
 * The contract event of a domain risk event. `attributions` is what the data of the event's country
 * owes (attributionsOf): subscribers that show the risk show it with them (ACLED's terms).
 */
export function toPublished(
  e: RiskEvent,
  origin: RiskOrigin,
  provisional: boolean,
  attributions: readonly string[] = [],
): PublishedEvent<typeof CE_RISK_ASSESSED | typeof CE_RISK_ESCALATED | typeof CE_RISK_DEESCALATED> {
  const common = {
    country: e.country,
    admin1: e.admin1 ?? '',
    score: e.score,
    drivers: e.drivers.map((d) => ({ kind: d.kind, label: d.label, area: d.area ?? '', count: d.count, weight: d.weight })),
    windowStart: timestampFromDate(e.windowStart),
    windowEnd: timestampFromDate(e.windowEnd),
    origin,
    provisional,
    attributions: [...attributions],
  };
  const subject = `${e.country}/${e.admin1 ?? '-'}`;
  if (e.type === 'RiskAssessed') {
    return {
      type: CE_RISK_ASSESSED,
      subject,
      data: { ...common, level: PB_LEVEL[e.level], previousScore: e.previousScore ?? undefined, assessedAt: timestampFromDate(e.assessedAt), levelSince: timestampFromDate(e.levelSince) },
    };
  }
  return {
    type: e.type === 'RiskEscalated' ? CE_RISK_ESCALATED : CE_RISK_DEESCALATED,
    subject,
    data: { ...common, escalationId: e.escalationId, previousLevel: PB_LEVEL[e.previousLevel], newLevel: PB_LEVEL[e.newLevel], at: timestampFromDate(e.at) },
  } as PublishedEvent<typeof CE_RISK_ESCALATED>;
}
