import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { QueryCheck } from '../read-model/query-check';
import { isPosition, POSITION_RULE, positionTime } from './stream-catch-up';
import { parseStreamFilter, type StreamFilter } from './stream-filter';

/** Whether a last event id reads as a position (`at:`) that is no real instant in range. */
export const isBadPosition = (id: string): boolean => isPosition(id) && !positionTime(id);

/**
 * The query of GET /stream, every fault named in one answer: the filter's, and the last event id's
 * (given empty or more than once, or a position that is no real instant). The last event id was
 * checked only once the filter had passed, so `?contry=x&lastEventId=at:0` named `contry` alone,
 * and the corrected request was refused again for the other. A filter fault keeps the filter's 422
 * OPS_CENTRE.STREAM_FILTER_INVALID, its `errors` naming lastEventId's faults too (as /replay's 422
 * names the filter's); lastEventId's alone stay 400 REQUEST.INVALID.
 *
 * The last event id is the Last-Event-ID `header` when one is sent (what the browser itself kept
 * wins), else `?lastEventId=`. `held`: the timeline has an event of that very id, so it is taken even
 * though it reads as a position that is none (a producer's ids are its own, and an id the browser
 * resends must never be refused, or EventSource gives up for good). Only the route can ask the
 * timeline; the edge's check (ChecksQuery, for a request refused anyway for a parameter the route
 * does not take) names such an id as the position it reads as.
 */
export function parseStreamQuery(query: Record<string, unknown>, header?: string, held = false): { filter: StreamFilter; lastEventId: string | undefined } {
  const q = new QueryCheck();
  let lastEventId: string | undefined = header || undefined;
  if (lastEventId === undefined) {
    const param = query.lastEventId;
    // Repeated, it is an array: refused as not one id rather than taken as its first.
    lastEventId = q.eventId('lastEventId', param === undefined || typeof param === 'string' ? param : '');
  }
  if (lastEventId && isBadPosition(lastEventId) && !held) q.invalid('lastEventId', POSITION_RULE);
  let filter: StreamFilter;
  try {
    filter = parseStreamFilter(query);
  } catch (err) {
    if (err instanceof ValidationFailed) throw new ValidationFailed(err.code, [...err.violations, ...q.faults]);
    throw err;
  }
  q.done();
  return { filter, lastEventId };
}
