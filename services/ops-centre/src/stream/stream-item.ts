import { shownPayload } from '../timeline/event-payload';
import { levelOf } from '../read-model/risk-level';
import { admin1Of } from '../read-model/national-area';

/** One event as the live stream and replay send it to a browser. */
export interface StreamItem {
  readonly id: string;
  /** CloudEvents type, e.g. org.crisis-ops.early-warning.risk-escalated.v1 */
  readonly type: string;
  /** Short name, e.g. "risk-escalated". */
  readonly name: string;
  readonly source: string;
  readonly topic: string;
  readonly country: string | null;
  /** null for the national level, or an event of no area. */
  readonly admin1: string | null;
  readonly desk: string | null;
  /** Risk level (0..4) for risk events, null for others. */
  readonly level: number | null;
  readonly time: string;
  readonly traceId: string | null;
  readonly payload: Record<string, unknown>;
}

/** `org.crisis-ops.<source>.<name>.v1` → `<name>`. */
export const shortNameOf = (ceType: string): string => ceType.split('.').at(-2) ?? ceType;

/**
 * The risk level an event's payload carries (0..4), null when it carries none: a risk event's, or for
 * a MediationProposed the level of the escalation that prompted it.
 */
export function levelOfPayload(payload: Record<string, unknown>): number | null {
  const raw = payload.newLevel ?? payload.level;
  if (raw !== undefined) return levelOf(raw);
  // A proposal made by hand has none (RISK_LEVEL_UNSPECIFIED): it carries no level, as before the field.
  const prompted = payload.escalationLevel === undefined ? 0 : levelOf(payload.escalationLevel);
  return prompted > 0 ? prompted : null;
}

export function streamItemOf(
  e: { id: string; type: string; source: string; topic: string; time: Date; traceId: string | null },
  payload: Record<string, unknown>,
  deskOf: (country: string | null) => string | null,
): StreamItem {
  const country = typeof payload.country === 'string' && /^[A-Z]{3}$/.test(payload.country) ? payload.country : null;
  return {
    id: e.id,
    type: e.type,
    name: shortNameOf(e.type),
    source: e.source,
    topic: e.topic,
    country,
    admin1: admin1Of(payload.admin1),
    desk: deskOf(country),
    level: levelOfPayload(payload),
    time: e.time.toISOString(),
    traceId: e.traceId,
    payload: shownPayload(e.type, payload),
  };
}
