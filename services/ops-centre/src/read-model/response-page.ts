import type { DataSource } from 'typeorm';
import { MEDIATION_ANSWERS_FROM_LEVEL } from '@crisis-ops/contracts';
import { encodeResponseCursor, type ResponseCursor } from './response-cursor';

/**
 * projection.ts `responseStatus` is awaiting-proposal or awaiting-opening, in SQL, so that the
 * database can list pending responses first and alone: not opened, not closed unopened, due (answered
 * already, of no known level yet, or at a level mediation answers) and not reversed. The one place
 * the listing's pending rule is written in SQL; response-times-paging.int-spec.ts checks it agrees
 * with responseStatus on every status and the edges between.
 */
export const PENDING_RESPONSE = `(opened_at IS NULL AND closed_unopened_at IS NULL
  AND (proposed_at IS NOT NULL OR level IS NULL OR level >= ${Number(MEDIATION_ANSWERS_FROM_LEVEL)})
  AND NOT (reversed_at IS NOT NULL AND reversed_to_level IS NOT NULL AND level IS NOT NULL AND reversed_to_level < level))`;

export interface ResponseFilter {
  desks?: readonly string[];
  country?: string;
  pendingOnly: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */
/**
 * One page of escalations, pending first, then the rest, each newest escalation first (then by id),
 * every row as it stands now; and the cursor of the next page when there is one. Plain keyset on
 * (pending now, escalated_at, escalation_id): the next page is the rows that sort after the last one.
 * A row only ever leaves the pending part for the settled one, which sorts later, so a row listed
 * when paging began is never skipped; one answered after it was shown may come again further on,
 * with its new status. See README "Paging through responses".
 */
export async function responsePage(db: DataSource, filter: ResponseFilter, limit: number, after?: ResponseCursor): Promise<{ rows: any[]; next?: string }> {
  const args: unknown[] = [];
  const where = ['escalated_at IS NOT NULL'];
  if (filter.desks) where.push(`desk = ANY($${args.push(filter.desks)})`);
  if (filter.country) where.push(`country = $${args.push(filter.country)}`);
  if (filter.pendingOnly) where.push(PENDING_RESPONSE);
  if (after) where.push(`(${PENDING_RESPONSE}, escalated_at, escalation_id) < ($${args.push(after.pending)}::boolean, $${args.push(after.escalatedAt)}::timestamptz, $${args.push(after.escalationId)}::text)`);
  const rows: any[] = await db.query(
    `SELECT r.*, ${PENDING_RESPONSE} AS pending_now,
            to_char(escalated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS escalated_key
       FROM escalation_responses r
      WHERE ${where.join(' AND ')}
      ORDER BY ${PENDING_RESPONSE} DESC, escalated_at DESC, escalation_id DESC
      LIMIT $${args.push(limit + 1)}`,
    args,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeResponseCursor({ pending: last.pending_now === true, escalatedAt: last.escalated_key, escalationId: last.escalation_id }) : undefined;
  return { rows: page, next };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
