import { Controller, Get, HttpException, Logger, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Public, TokenVerifier } from '@crisis-ops/auth';
import { DomainError } from '@crisis-ops/domain-kernel';
import { ChecksQuery } from '@crisis-ops/service-kit';
import { admits, assertMayStream, scopeOf } from './stream-filter';
import { authenticateStream, authFailure, type StreamRequest } from './stream-auth';
import { endOnTokenExpiry } from './token-expiry';
import { SseConnection } from './sse-connection';
import { StreamAnswers, StreamFilterQuery } from './stream-filter.query';
import { StreamHub } from './stream-hub';
import { OpenStreams } from './open-streams';
import { CatchUpGate, catchUpSince, streamPosition } from './stream-catch-up';
import { isBadPosition, parseStreamQuery } from './stream-query';
import { itemFor } from '../access/mediation-content';

/** Writes an error as JSON on a raw response (the stream routes bypass Nest's response handling). */
export function answerError(res: ServerResponse, err: unknown): void {
  const auth = authFailure(err);
  // A query refused as the edge refuses one (REQUEST.INVALID, 400: `?lastEventId=`) keeps its answer.
  const http = err instanceof HttpException && err.getStatus() < 500 ? { status: err.getStatus(), body: err.getResponse() } : undefined;
  const status = auth?.status ?? http?.status ?? (err instanceof DomainError ? (err.kind === 'forbidden' ? 403 : 422) : 500);
  const body =
    auth?.body ?? http?.body ?? (err instanceof DomainError ? { code: err.code, message: err.message, ...(err.details ?? {}) } : { code: 'HTTP.INTERNAL_SERVER_ERROR', message: 'internal error' });
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The Last-Event-ID header, if sent: EventSource sends it when it reconnects by itself, but gives up
 * for good when a reconnect is refused (a 401, a proxy's 502), and the new EventSource a console then
 * opens starts without one, passing the id as `?lastEventId=` instead (see parseStreamQuery).
 */
function lastEventIdHeader(req: StreamRequest): string | undefined {
  const header = req.headers['last-event-id'];
  return typeof header === 'string' && header ? header : undefined;
}

@ApiTags('stream')
@Controller('stream')
export class StreamController {
  private readonly logger = new Logger('StreamController');

  constructor(
    private readonly hub: StreamHub,
    private readonly open: OpenStreams,
    private readonly verifier: TokenVerifier,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Live events as Server-Sent Events (`event: domain-event`, data = StreamItem JSON). Public to the
   * guard because EventSource cannot send headers: the token comes as Authorization header or
   * `?access_token=`, and is verified here.
   */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Live domain events (SSE), filtered server-side and limited to the caller\'s region' })
  @StreamFilterQuery()
  @StreamAnswers('Server-Sent Events: `hello`, then `position` or what was missed, then `domain-event`s as they are recorded (`dropped`, `expired` as they come)', 'OPS_CENTRE.STREAM_FILTER_INVALID: a filter it cannot take (`errors` names each, and lastEventId\'s faults too when both are wrong)')
  @ChecksQuery((q) => parseStreamQuery(q))
  @ApiQuery({ name: 'lastEventId', required: false, description: 'the last event id received, or the position the stream began at (the id of its `event: position`), as Last-Event-ID (which wins when both are sent): what was missed since comes first. A position (`at:` and an instant) that is no real instant, or more than a day ahead, is refused 400 naming lastEventId' })
  async stream(@Req() req: StreamRequest, @Res() res: ServerResponse): Promise<void> {
    // Listened for before anything is awaited: a client that leaves meanwhile has emitted 'close'
    // already, and a listener added after it never runs, keeping the hub subscription and the
    // heartbeat for the life of the process.
    const left = new AbortController();
    req.once('close', () => left.abort());
    let filter;
    let principal;
    let lastEventId;
    try {
      principal = await authenticateStream(req, this.verifier);
      const header = lastEventIdHeader(req);
      const asked = header ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
      // The filter and the last event id are checked together, every fault named in one answer.
      ({ filter, lastEventId } = parseStreamQuery(req.query, header, asked !== undefined && isBadPosition(asked) && (await this.timelineHolds(asked))));
      assertMayStream(principal, filter);
    } catch (err) {
      answerError(res, err);
      return;
    }
    if (left.signal.aborted) return;
    const conn = new SseConnection(res);
    conn.open();
    conn.sendNow('hello', { subject: principal.subject, region: principal.region, filter });
    const p = principal;
    const f = filter;
    // A console that reconnects says what it got last: what it missed comes first, then live events,
    // which wait meanwhile so the console's list keeps recording order. One that says nothing is told
    // where its stream begins before any live event, so that it has something to reconnect from.
    const gate = new CatchUpGate((item) => conn.send('domain-event', itemFor(principal, item), item.id));
    const unsubscribe = this.hub.subscribe((item) => {
      if (admits(p, f, item)) gate.live(item);
    });
    const end = () => {
      unsubscribe();
      conn.close();
      res.end();
    };
    const untrack = this.open.track(end);
    // The token was checked once, when the stream opened; it ends when the token does. The browser
    // then reconnects with the expired token, is refused, and the console asks for a new one.
    const stopExpiry = endOnTokenExpiry(req, conn, () => {
      untrack();
      end();
    });
    left.signal.addEventListener('abort', () => {
      stopExpiry();
      untrack();
      unsubscribe();
      conn.close();
    });
    const query = (sql: string, params: unknown[]) => this.db.query(sql, params);
    try {
      const missed = lastEventId ? await catchUpSince(query, lastEventId, (item) => admits(p, f, item), scopeOf(p, f)) : undefined;
      if (missed?.skipped) conn.countDropped(missed.skipped);
      for (const item of missed?.items ?? []) gate.missed(item);
      // Also when the id it sent is not on the timeline: that will not place a later reconnect either.
      if (!missed) {
        // Bounded: live events wait for it, and a pool busy with reconnecting consoles must not hold
        // a new stream's live events for as long as it stays busy. Without a position the console
        // reconnects as it did before there was one.
        const placed = await withinMs(streamPosition(query), POSITION_WAIT_MS);
        if (placed) conn.send('position', { at: placed.at }, placed.id);
        else this.logger.warn(`placing the stream took over ${POSITION_WAIT_MS} ms; it began without a position`);
      }
    } catch (err) {
      // The live stream goes on; the console can reload what it missed over the REST timeline.
      this.logger.warn(`${lastEventId ? `catch-up after ${lastEventId}` : 'placing the stream'} failed: ${(err as Error).message}`);
    } finally {
      gate.release();
    }
  }

  /**
   * Whether the timeline has an event of this very id, asked of an id that reads as an `at:` that is
   * no real instant in range (2026-02-30, 0, 9999-…), which is refused naming lastEventId unless it
   * has: a producer's ids are its own, and an id a browser resends (the server wrote it) must never be
   * refused, or EventSource gives up for good. A database failure here leaves it to the catch-up
   * (which logs and goes on live).
   */
  private async timelineHolds(id: string): Promise<boolean> {
    try {
      return (await this.db.query('SELECT 1 FROM timeline_entries WHERE event_id = $1', [id])).length > 0;
    } catch {
      return true;
    }
  }
}

/** How long a new stream's live events wait for its position before it begins without one. */
const POSITION_WAIT_MS = 2_000;

/** The promise's value if it settles within `ms`, else undefined (its later value is dropped). */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

