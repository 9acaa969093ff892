import { CE_SIGNAL_RECORDED, eventToJson, isEventType } from '@crisis-ops/contracts';
import { storableJson } from '@crisis-ops/persistence';

/**
 * An event's payload as the operations centre shows it (timeline, stream, replay, country page):
 * proto3 JSON with every field at its zero value too (fatalities: 0 is information), but for what
 * zero cannot mean. SignalRecorded's `severity` is a plain int32 (not `optional`), so a signal sent
 * without one carries proto3's default, 0; the reporter's scale is 1 to 5, so 0 can only mean "none
 * given", and it is shown null, as early-warning's `GET /signals` answers it, not as a severity 0.
 *
 * A type this build does not know yet (its producer was deployed first: contracts grow additively)
 * is kept with its type and country (the record key) instead of being dead-lettered; a known type
 * whose payload does not decode is a poison event and still is.
 *
 * Its text as Postgres can store it (storableJson): a proto3 string may hold U+0000 (a description
 * pasted from a PDF), which the payload's jsonb refuses (22P05), as it does an unpaired surrogate.
 * Such an event failed every attempt and was dead-lettered, and no redrive could deliver it: it is
 * recorded with U+FFFD where each such character was. Any other event is as it came.
 */
export function eventPayloadOf(event: { type: string; data: Uint8Array; key?: string | null }): Record<string, unknown> {
  if (!isEventType(event.type)) return storableJson({ country: event.key, undecoded: `type ${event.type} is not known to this ops-centre` });
  return shownPayload(event.type, storableJson(eventToJson(event.type, event.data) as Record<string, unknown>));
}

/**
 * A payload as shown, also one the timeline stored before this rule (read back for the timeline, the
 * country page and the stream's catch-up): applied where it is read rather than by a migration,
 * which would rewrite every signal of a timeline that keeps every event, millions of rows, at boot.
 */
export function shownPayload(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  return type === CE_SIGNAL_RECORDED && payload.severity === 0 ? { ...payload, severity: null } : payload;
}
