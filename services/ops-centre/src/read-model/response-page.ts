import type { DataSource } from 'typeorm';
import { MEDIATION_ANSWERS_FROM_LEVEL } from '@crisis-ops/contracts';
import { encodeResponseCursor, type ResponseCursor } from './response-cursor';

/**
 * projection.ts `responseStatus` is awaiting-proposal or awaiting-opening, in SQL, so that the
 * database can list pending responses first and alone: not opened, not closed unopened, due (answered
 * already, of no known level yet, or at a level mediation answers) and not reversed.
 * response-times.int-spec.ts checks the two agree; the trigger of migration
 * 1765411200000-escalation-response-paging writes the same rule out: a change here changes it too.
 */
const PENDING_RESPONSE = `(opened_at IS NULL AND closed_unopened_at IS NULL
  AND (proposed_at IS NOT NULL OR level IS NULL OR level >= ${Number(MEDIATION_ANSWERS_FROM_LEVEL)})
  AND NOT (reversed_at IS NOT NULL AND reversed_to_level IS NOT NULL AND level IS NOT NULL AND reversed_to_level < level))`;

/** The snapshot the listing is read as of: a first page's own ($1 unset: the statement's), or its cursor's. */
const SNAPSHOT = 'snap.s';
// A row whose last regrouping the snapshot does not see stood then as the trigger recorded it.
const SEEN = `(grouped_xid IS NULL OR pg_visible_in_snapshot(grouped_xid, ${SNAPSHOT}))`;
const LISTED_THEN = `(CASE WHEN ${SEEN} THEN escalated_at IS NOT NULL ELSE coalesce(was_listed, false) END)`;
const PENDING_THEN = `(CASE WHEN ${SEEN} THEN ${PENDING_RESPONSE} ELSE coalesce(was_pending, false) END)`;

export interface ResponseFilter {
  desks?: readonly string[];
  country?: string;
  pendingOnly: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */
/**
 * One page of escalations: pending first, then the rest, each newest escalation first (then by id),
 * as the listing stood at the first page's snapshot, each row as it stands now; and the cursor of the
 * next page when there is one. Keyset on (pending then, escalated_at, escalation_id): an escalation
 * recorded since the first page, or one answered since, neither shows twice nor moves a row past the
 * cursor (see the migration 1765411200000-escalation-response-paging).
 */
export async function responsePage(db: DataSource, filter: ResponseFilter, limit: number, after?: ResponseCursor): Promise<{ rows: any[]; next?: string }> {
  const args: unknown[] = [after?.snapshot ?? null];
  const where = ['escalated_at IS NOT NULL', LISTED_THEN];
  if (filter.desks) where.push(`desk = ANY($${args.push(filter.desks)})`);
  if (filter.country) where.push(`country = $${args.push(filter.country)}`);
  if (filter.pendingOnly) where.push(PENDING_THEN);
  if (after) where.push(`(${PENDING_THEN}, escalated_at, escalation_id) < ($${args.push(after.pending)}::boolean, $${args.push(after.escalatedAt)}::timestamptz, $${args.push(after.escalationId)}::text)`);
  const rows: any[] = await db.query(
    `SELECT r.*, ${PENDING_THEN} AS pending_then, snap.s::text AS snapshot,
            to_char(escalated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS escalated_key
       FROM escalation_responses r, (SELECT coalesce($1::pg_snapshot, pg_current_snapshot()) AS s) snap
      WHERE ${where.join(' AND ')}
      ORDER BY ${PENDING_THEN} DESC, escalated_at DESC, escalation_id DESC
      LIMIT $${args.push(limit + 1)}`,
    args,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? encodeResponseCursor({ snapshot: last.snapshot, pending: last.pending_then === true, escalatedAt: last.escalated_key, escalationId: last.escalation_id })
      : undefined;
  return { rows: page, next };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
