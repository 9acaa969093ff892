import type { DataSource } from 'typeorm';
import {
  CE_ESCALATION_REFERRED,
  CE_MEDIATION_CONCLUDED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_MEDIATION_RESUMED,
  CE_MEDIATION_SUSPENDED,
  TOPIC_MEDIATION,
} from '@crisis-ops/contracts';
import { shortNameOf } from '../stream/stream-item';

/** A mediation process's status, as mediation names it (its README's Status). */
export type ProcessStatus = 'proposed' | 'active' | 'suspended' | 'concluded' | 'closed';

/** The events that move a process's status; envoys, talks and agreements happen within one. */
const STATUS_EVENTS = [CE_MEDIATION_PROPOSED, CE_MEDIATION_OPENED, CE_MEDIATION_SUSPENDED, CE_MEDIATION_RESUMED, CE_MEDIATION_CONCLUDED];

/**
 * The status an event of STATUS_EVENTS leaves a process in. Mediation publishes a closing as
 * MediationConcluded with outcome WITHDRAWN (the contract's one "process ended" event), so that
 * outcome reads as closed.
 */
export function processStatusOf(ceType: string, payload: Record<string, unknown>): ProcessStatus | null {
  switch (ceType) {
    case CE_MEDIATION_PROPOSED:
      return 'proposed';
    case CE_MEDIATION_OPENED:
    case CE_MEDIATION_RESUMED:
      return 'active';
    case CE_MEDIATION_SUSPENDED:
      return 'suspended';
    case CE_MEDIATION_CONCLUDED:
      return payload.outcome === 'MEDIATION_OUTCOME_WITHDRAWN' ? 'closed' : 'concluded';
    default:
      return null;
  }
}

export interface CountryProcess {
  readonly id: string;
  /** The process's status (null when the timeline no longer holds the event that set it). */
  readonly state: ProcessStatus | null;
  /** When it entered that status (else its newest event's time). */
  readonly since: string;
  /** Its area: null for the whole country. */
  readonly admin1: string | null;
  readonly lead: string | null;
  /** Its newest event of any kind (an envoy appointed, talks convened), which need not move its status: the last received, at its own time. */
  readonly lastEvent: { readonly name: string; readonly at: string };
  /** The payload of the event that set its status (or of its newest event). */
  readonly payload: Record<string, unknown>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */

/**
 * Every mediation process of the country, newest status change first. The status is that of the
 * process's newest status event, not the name of its newest event of any kind: an envoy appointed
 * to a suspended process read as "envoy-appointed", and one appointed with the activation, at the
 * same instant, could hide it. A process's events share its country's key, so Kafka's offset orders
 * those of one instant. Read from all the country's events, however many (the newest 2,000 once).
 */
export async function countryProcesses(db: DataSource, country: string): Promise<CountryProcess[]> {
  const rows: any[] = await db.query(
    `WITH e AS (
       SELECT ce_type, occurred_at, received_at, kafka_offset, payload, payload->>'processId' AS process_id
         FROM timeline_entries WHERE country = $1 AND topic = $2 AND ce_type <> $3 AND payload->>'processId' <> ''),
     newest AS (SELECT DISTINCT ON (process_id) * FROM e ORDER BY process_id, received_at DESC, kafka_offset DESC),
     status AS (SELECT DISTINCT ON (process_id) * FROM e WHERE ce_type = ANY($4) ORDER BY process_id, occurred_at DESC, kafka_offset DESC),
     area AS (SELECT DISTINCT ON (process_id) process_id, payload->>'admin1' AS admin1, payload->>'lead' AS lead
                FROM e WHERE ce_type IN ($5, $6) ORDER BY process_id, occurred_at DESC, kafka_offset DESC)
     SELECT n.process_id, n.ce_type AS newest_type, n.occurred_at AS newest_at, n.payload AS newest_payload,
            s.ce_type AS status_type, s.occurred_at AS status_at, s.payload AS status_payload, a.admin1, a.lead
       FROM newest n LEFT JOIN status s USING (process_id) LEFT JOIN area a USING (process_id)
      ORDER BY coalesce(s.occurred_at, n.occurred_at) DESC, n.process_id`,
    [country, TOPIC_MEDIATION, CE_ESCALATION_REFERRED, STATUS_EVENTS, CE_MEDIATION_OPENED, CE_MEDIATION_PROPOSED],
  );
  return rows.map((r) => ({
    id: r.process_id,
    state: r.status_type ? processStatusOf(r.status_type, r.status_payload) : null,
    since: r.status_at ?? r.newest_at,
    admin1: r.admin1 || null,
    lead: r.lead || null,
    lastEvent: { name: shortNameOf(r.newest_type), at: r.newest_at },
    payload: r.status_payload ?? r.newest_payload,
  }));
}
