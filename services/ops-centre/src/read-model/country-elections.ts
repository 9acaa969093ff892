import type { DataSource } from 'typeorm';
import { CE_ELECTION_POSTPONED, CE_ELECTION_SCHEDULED, TOPIC_ELECTIONS, TOPIC_PARTNERSHIPS } from '@crisis-ops/contracts';
import { shortNameOf } from '../stream/stream-item';

/**
 * An election of the country as the country page lists it: its newest event (electoral support
 * publishes no status events yet, so that is all there is to go by) and what its scheduling said.
 */
export interface CountryElection {
  /** electoral support's own id: free text, shown whole (`TCD-PRES-2026`, not cut to 8 characters). */
  readonly id: string;
  /** Its newest event's name: election-scheduled or election-postponed. */
  readonly state: string;
  /** When that happened, as the event says it (`occurredAt`), else when it was published. */
  readonly since: string;
  /** presidential, parliamentary, general, local or referendum; null when unspecified or its ElectionScheduled is not on the timeline. */
  readonly kind: string | null;
  /** Its area: null for a national election (or when its ElectionScheduled is not on the timeline). */
  readonly admin1: string | null;
  /** The polling day as it stands ("YYYY-MM-DD"): the scheduled one, or a postponement's new one; null when postponed without one. */
  readonly scheduledFor: string | null;
  /** Postponed: the polling day it was postponed from, and why (null when no reason was given); else null. */
  readonly postponedFrom: string | null;
  readonly reason: string | null;
  /** Its newest event's payload. */
  readonly payload: Record<string, unknown>;
}

/** A partner engagement of the country as the country page lists it: its newest PartnerEngaged. */
export interface CountryEngagement {
  /** partnerships' own id: free text, shown whole (`UNDP-TCD-2026-01` and `-02` are two engagements). */
  readonly id: string;
  /** Its newest event's name: partner-engaged. */
  readonly state: string;
  /** When the engagement started, as the event says it (`at`), else when it was published. */
  readonly since: string;
  /** The partner organisation, e.g. "UNDP"; null when none is named. */
  readonly partner: string | null;
  /** funding, technical, political or logistical; null when unspecified. */
  readonly kind: string | null;
  /** What the partner engages to do; null when not said. */
  readonly description: string | null;
  readonly payload: Record<string, unknown>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */

/**
 * The country's elections and partner engagements, each by its newest event (the newest published,
 * Kafka's offset ordering one instant), newest `since` first. `since` is the aggregate's own time
 * from the payload: an engagement published today that started on 15 January read "since" today.
 * An election's kind and area are its ElectionScheduled's, which a postponement does not repeat.
 * Read from all the country's events of the two topics, however many.
 */
export async function countryElectionsAndEngagements(db: DataSource, country: string): Promise<{ elections: CountryElection[]; partnerships: CountryEngagement[] }> {
  const rows: any[] = await db.query(
    `WITH e AS (
       SELECT topic, ce_type, occurred_at, kafka_offset, payload, CASE topic WHEN $2 THEN payload->>'electionId' ELSE payload->>'engagementId' END AS aggregate_id
         FROM timeline_entries WHERE country = $1 AND topic IN ($2, $3)),
     newest AS (SELECT DISTINCT ON (topic, aggregate_id) * FROM e WHERE aggregate_id <> '' ORDER BY topic, aggregate_id, occurred_at DESC, kafka_offset DESC),
     scheduled AS (SELECT DISTINCT ON (aggregate_id) aggregate_id, payload FROM e WHERE ce_type = $4 AND aggregate_id <> '' ORDER BY aggregate_id, occurred_at DESC, kafka_offset DESC)
     SELECT n.topic, n.aggregate_id, n.ce_type, n.occurred_at, n.payload, s.payload AS scheduled
       FROM newest n LEFT JOIN scheduled s ON n.topic = $2 AND s.aggregate_id = n.aggregate_id`,
    [country, TOPIC_ELECTIONS, TOPIC_PARTNERSHIPS, CE_ELECTION_SCHEDULED],
  );
  const elections = rows.filter((r) => r.topic === TOPIC_ELECTIONS).map(electionOf);
  const partnerships = rows.filter((r) => r.topic === TOPIC_PARTNERSHIPS).map(engagementOf);
  return { elections: newestFirst(elections), partnerships: newestFirst(partnerships) };
}

function electionOf(r: any): CountryElection {
  const p: Record<string, unknown> = r.payload;
  const postponed = r.ce_type === CE_ELECTION_POSTPONED;
  const scheduled: Record<string, unknown> | null = r.scheduled ?? null;
  return {
    id: r.aggregate_id,
    state: shortNameOf(r.ce_type),
    since: ownTime(p.occurredAt, r.occurred_at),
    kind: scheduled ? enumWord(scheduled.kind, 'ELECTION_KIND_') : null,
    admin1: textOrNull(scheduled?.admin1),
    scheduledFor: textOrNull(postponed ? p.newDate : p.scheduledFor),
    postponedFrom: postponed ? textOrNull(p.previousDate) : null,
    reason: postponed ? textOrNull(p.reason) : null,
    payload: p,
  };
}

function engagementOf(r: any): CountryEngagement {
  const p: Record<string, unknown> = r.payload;
  return {
    id: r.aggregate_id,
    state: shortNameOf(r.ce_type),
    since: ownTime(p.at, r.occurred_at),
    partner: textOrNull(p.partner),
    kind: enumWord(p.kind, 'ENGAGEMENT_KIND_'),
    description: textOrNull(p.description),
    payload: p,
  };
}

const newestFirst = <T extends { since: string; id: string }>(rows: T[]): T[] =>
  rows.sort((a, b) => (a.since === b.since ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.since < b.since ? 1 : -1));

/** The payload's own time (proto3 JSON: RFC 3339), as ISO 8601 UTC; the event's when it has none. */
function ownTime(payloadTime: unknown, eventTime: Date): string {
  const own = typeof payloadTime === 'string' ? new Date(payloadTime) : null;
  return own && !Number.isNaN(own.getTime()) ? own.toISOString() : new Date(eventTime).toISOString();
}

/** proto3's '' is no value. */
const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** An enum as proto3 JSON names it, as the word after its prefix (`ENGAGEMENT_KIND_FUNDING` → funding); null for UNSPECIFIED or a value this build does not know. */
function enumWord(v: unknown, prefix: string): string | null {
  if (typeof v !== 'string' || !v.startsWith(prefix)) return null;
  const word = v.slice(prefix.length).toLowerCase();
  return word === 'unspecified' ? null : word;
}
