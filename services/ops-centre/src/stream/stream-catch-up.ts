import type { ClientBase } from 'pg';
import { parseInstant } from '@crisis-ops/domain-kernel';
import { deskOf } from '../access/access-policy';
import { ceTypeMatchSql, shortNamesOf } from './stream-filter';
import { streamItemOf, type StreamItem } from './stream-item';

/**
 * `received_at` is the recording transaction's start (now()), not its commit: a long batch can commit
 * after a later-started one, with a smaller key. Catch-up starts this far before the newest key known
 * to have reached the streams, which must outlast the longest recording transaction.
 */
export const CATCH_UP_OVERLAP_MS = 5_000;

/**
 * Most events one catch-up streams, all at once: bounds the burst and the rows held for it. Each
 * console gets only what its filter admits, and drops what overflows its own queue (announced with
 * `event: dropped`) as in any burst; consoles reload older history over the REST timeline.
 */
export const CATCH_UP_MAX_EVENTS = 5_000;

/**
 * Ids remembered as already streamed. Must cover everything recorded in the overlap window at peak
 * rate (~4,000 events/s), or a catch-up would stream those again.
 */
export const RECENT_IDS = 20_000;

/** A bounded set of event ids: the oldest added is forgotten first. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity = RECENT_IDS) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    // A Set iterates in insertion order, so the first key is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }
}

export interface CatchUpPlan {
  /** Ids to stream, oldest first. */
  readonly ids: string[];
  /** Missed events left out by the cap (the oldest ones). */
  readonly skipped: number;
}

/**
 * What a catch-up streams, given the ids recorded since the catch-up key, newest first: those not
 * already streamed, at most `cap`, keeping the newest (a console cares about now, and can reload
 * older history), in the order they were recorded.
 */
export function planCatchUp(newestFirst: readonly string[], seen: RecentIds, cap = CATCH_UP_MAX_EVENTS): CatchUpPlan {
  const missed = newestFirst.filter((id) => !seen.has(id));
  return { ids: missed.slice(0, cap).reverse(), skipped: Math.max(0, missed.length - cap) };
}

export interface TimelineRow {
  event_id: string;
  ce_type: string;
  ce_source: string;
  topic: string;
  occurred_at: Date;
  trace_id: string | null;
  payload: Record<string, unknown>;
  received_at: Date;
}

export const TIMELINE_COLUMNS = 'event_id, ce_type, ce_source, topic, occurred_at, trace_id, payload, received_at';

export const itemOfRow = (r: TimelineRow): StreamItem =>
  streamItemOf({ id: r.event_id, type: r.ce_type, source: r.ce_source, topic: r.topic, time: r.occurred_at, traceId: r.trace_id }, r.payload, deskOf);

export interface MissedEvents {
  /** Oldest first. */
  readonly rows: TimelineRow[];
  readonly skipped: number;
  /** The scan stopped at its limit: even more were skipped. */
  readonly skippedMore: boolean;
}

/**
 * Timeline rows recorded since `since` that this replica has not streamed. Ids are scanned first, so
 * the cap applies to missed events rather than to ones the overlap re-reads, and only the rows
 * actually streamed are read whole.
 */
export async function readMissed(client: Pick<ClientBase, 'query'>, since: Date, seen: RecentIds, cap = CATCH_UP_MAX_EVENTS): Promise<MissedEvents> {
  const scanLimit = cap + seen.capacity;
  const { rows: keys } = await client.query<{ event_id: string }>(
    // Within one transaction (one partition's batch) received_at ties; the offset keeps Kafka's order.
    'SELECT event_id FROM timeline_entries WHERE received_at >= $1 ORDER BY received_at DESC, kafka_partition DESC, kafka_offset DESC LIMIT $2',
    [since, scanLimit],
  );
  const plan = planCatchUp(keys.map((k) => k.event_id), seen, cap);
  const skippedMore = keys.length === scanLimit;
  if (!plan.ids.length) return { rows: [], skipped: plan.skipped, skippedMore };
  const { rows } = await client.query<TimelineRow>(
    `SELECT ${TIMELINE_COLUMNS} FROM timeline_entries WHERE event_id = ANY($1::text[]) ORDER BY received_at, kafka_partition, kafka_offset`,
    [plan.ids],
  );
  return { rows, skipped: plan.skipped, skippedMore };
}

/** Most events a reconnecting console is sent: more than it keeps (500); older ones it reloads over REST. */
export const RECONNECT_MAX_EVENTS = 1_000;
/** Rows a reconnect looks through for those the console's filter and desk admit. */
export const RECONNECT_SCAN_ROWS = 5_000;

export interface ReconnectCatchUp {
  /** Oldest first. */
  readonly items: StreamItem[];
  /** Admitted events recorded after the last one the console got that are left out: beyond the cap, or (at least one) beyond the scan. */
  readonly skipped: number;
}

/** What the database can narrow a catch-up to before the exact filter runs (undefined: no narrowing). */
export interface CatchUpScope {
  readonly countries?: readonly string[];
  /** Short names or CloudEvents types, as the stream filter takes them. */
  readonly types?: readonly string[];
}

type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * Where a stream begins, as an SSE id a console can reconnect from like an event's: the database's
 * time (received_at is the database's time too) when the stream opened. A console that had received
 * nothing before its stream failed reconnected with no id, and so caught up on nothing. A position
 * rather than the newest event's id: that event may be another desk's, and finding the newest one the
 * console may see can mean scanning the whole timeline.
 */
export async function streamPosition(query: Query): Promise<{ id: string; at: string }> {
  const [row] = await query<{ at: Date }>('SELECT now() AS at', []);
  const at = new Date(row.at).toISOString();
  return { id: `${POSITION_PREFIX}${at}`, at };
}

const POSITION_PREFIX = 'at:';

/** A position's time as streamPosition writes it (toISOString), or with an offset: a date-time, never a bare day. */
const POSITION_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** The earliest position taken: none was written before the platform existed. */
export const EARLIEST_POSITION = new Date('2000-01-01T00:00:00Z');

/**
 * How far after this replica's clock a position may be: the database's clock wrote it, and a
 * position the server wrote must never be refused for a clock a little ahead of the replica's.
 */
export const POSITION_CLOCK_SKEW_MS = 24 * 3_600_000;

/** What a position must be, for the refusal of one that is not. */
export const POSITION_RULE = 'must be an event id or a position the stream sent: at:<ISO 8601 date-time>, an instant that exists, from 2000 on and not in the future';

/**
 * The time of a position streamPosition made, undefined for anything else: an event id, or an `at:`
 * that is no real instant in range (see isPosition). `new Date` read at:2026-02-30 as 2 March,
 * at:0 as 2000 and at:-1 as year -1, catching up from then (thousands of rows), and at:9999 or
 * at:2026-11-31 (1 December) as a future that caught up on nothing and sent no position either.
 */
export function positionTime(id: string, now = new Date()): Date | undefined {
  if (!isPosition(id)) return undefined;
  const text = id.slice(POSITION_PREFIX.length);
  if (!POSITION_TIME.test(text)) return undefined;
  const at = parseInstant(text);
  if (!at || at < EARLIEST_POSITION || at.getTime() > now.getTime() + POSITION_CLOCK_SKEW_MS) return undefined;
  return at;
}

/** Whether an id claims to be a position (its form is positionTime's question). */
export const isPosition = (id: string): boolean => id.startsWith(POSITION_PREFIX);

/**
 * What a console missed while its stream was down, given the last event id it received (the
 * `Last-Event-ID` its EventSource sends on reconnecting), or the position its stream began at (a
 * streamPosition, when it received none): the admitted events recorded since,
 * starting CATCH_UP_OVERLAP_MS before it, as recording order is transaction-start order. The overlap
 * re-sends a few events the console already has; it drops those by id, and they are not counted as
 * skipped. The scan is narrowed in the database to the console's countries and event types first,
 * so a regional console is not crowded out of its own catch-up by other regions' traffic. Undefined
 * when the id is not on the timeline (then nothing can say what was missed).
 */
export async function catchUpSince(query: Query, lastEventId: string, admitted: (item: StreamItem) => boolean, scope: CatchUpScope = {}): Promise<ReconnectCatchUp | undefined> {
  let from = positionTime(lastEventId);
  if (!from) {
    const [last] = await query<{ received_at: Date }>('SELECT received_at FROM timeline_entries WHERE event_id = $1', [lastEventId]);
    if (!last) return undefined;
    from = new Date(last.received_at);
  }
  const since = new Date(from.getTime() - CATCH_UP_OVERLAP_MS);
  const params: unknown[] = [since];
  const where = ['received_at >= $1'];
  if (scope.countries) where.push(`country = ANY($${params.push(scope.countries)}::text[])`);
  if (scope.types) {
    where.push(ceTypeMatchSql('ce_type', `$${params.push(shortNamesOf(scope.types))}::text[]`, `$${params.push(scope.types)}::text[]`));
  }
  const rows = await query<TimelineRow>(
    `SELECT ${TIMELINE_COLUMNS} FROM timeline_entries WHERE ${where.join(' AND ')}
      ORDER BY received_at DESC, kafka_partition DESC, kafka_offset DESC LIMIT $${params.push(RECONNECT_SCAN_ROWS)}`,
    params,
  );
  const items = rows.map(itemOfRow).filter(admitted);
  const kept = items.slice(0, RECONNECT_MAX_EVENTS).reverse();
  // Newest first, the console's last event marks where what it already has begins.
  const lastAt = items.findIndex((item) => item.id === lastEventId);
  const newer = lastAt === -1 ? items.length : lastAt;
  const skipped = Math.max(0, newer - RECONNECT_MAX_EVENTS) + (rows.length === RECONNECT_SCAN_ROWS && lastAt === -1 ? 1 : 0);
  return { items: kept, skipped };
}
/**
 * Orders a reconnecting console's stream: live events wait while what it missed is sent, then
 * follow it; a live event the catch-up already sent is dropped, whether it came while waiting or
 * after (recorded before the catch-up read it, but handed to the streams by the fan-out only later).
 * Remembers at most the catch-up's ids (RECONNECT_MAX_EVENTS), each until its live copy comes.
 */
export class CatchUpGate {
  private held: StreamItem[] | undefined = [];
  private readonly caughtUp = new Set<string>();

  constructor(private readonly send: (item: StreamItem) => void) {}

  /** A live event admitted to this stream. */
  live(item: StreamItem): void {
    if (this.held) this.held.push(item);
    else if (!this.caughtUp.delete(item.id)) this.send(item);
  }

  /** A missed event, oldest first. */
  missed(item: StreamItem): void {
    this.send(item);
    this.caughtUp.add(item.id);
  }

  /** The catch-up is over (or failed): what waited goes out, then live events as they come. */
  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const item of waiting) this.live(item);
  }
}
