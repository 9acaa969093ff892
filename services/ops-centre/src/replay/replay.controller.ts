import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { Public, TokenVerifier } from '@crisis-ops/auth';
import { ChecksQuery } from '@crisis-ops/service-kit';
import { admits, assertMayStream } from '../stream/stream-filter';
import { authenticateStream, type StreamRequest } from '../stream/stream-auth';
import { SseConnection } from '../stream/sse-connection';
import { StreamAnswers, StreamFilterQuery } from '../stream/stream-filter.query';
import { OpenStreams } from '../stream/open-streams';
import { answerError } from '../stream/stream.controller';
import { endOnTokenExpiry } from '../stream/token-expiry';
import { parseReplayQuery } from './replay-plan';
import { ReplayService } from './replay.service';
import { itemFor } from '../access/mediation-content';

@ApiTags('stream')
@Controller('replay')
export class ReplayController {
  private readonly logger = new Logger('Replay');

  constructor(
    private readonly replay: ReplayService,
    private readonly verifier: TokenVerifier,
    private readonly open: OpenStreams,
  ) {}

  /**
   * Historical events as SSE (`event: domain-event`, then `event: end` with the count and why it
   * ended). Same authentication, region rule and filters as /stream, and, as a stream does, it ends
   * with `event: expired` instead when its token expires.
   */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Replay topics from a point in time (SSE), at real speed or as fast as possible' })
  @ApiQuery({ name: 'topics', required: false, description: 'comma list of domain topics (default: all)' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO 8601 date or date-time (UTC when no offset is given)' })
  @ApiQuery({ name: 'speed', required: false, description: 'real | max (default)' })
  @ApiQuery({ name: 'limit', required: false })
  @StreamFilterQuery()
  @StreamAnswers('Server-Sent Events: `hello`, the `domain-event`s replayed, then `end` (or `error`)', 'OPS_CENTRE.REPLAY_INVALID: `topics`, `from`, `speed` or `limit` it cannot take (with the filters\' faults, when both are wrong), or OPS_CENTRE.STREAM_FILTER_INVALID: a filter alone; `errors` names each')
  @ChecksQuery((q) => parseReplayQuery(q))
  async run(@Req() req: StreamRequest, @Res() res: ServerResponse): Promise<void> {
    // Listened for before the token check is awaited: a client gone meanwhile has emitted 'close' already.
    const aborter = new AbortController();
    req.once('close', () => aborter.abort());
    let principal;
    let plan;
    let filter;
    try {
      principal = await authenticateStream(req, this.verifier);
      ({ plan, filter } = parseReplayQuery(req.query));
      assertMayStream(principal, filter);
    } catch (err) {
      answerError(res, err);
      return;
    }
    if (aborter.signal.aborted) return;
    // Events are fewer than the queue cap because the replay waits on the backlog instead of dropping.
    const conn = new SseConnection(res, { maxQueued: 2_000 });
    conn.open();
    const untrack = this.open.track(() => aborter.abort());
    // As /stream: the token was checked once, at the start, and a replay at real speed outlives it
    // (it kept sending history long after its token expired). Ended at once, what is queued dropped
    // (closed, not ended): nothing more is sent on that token, not even `end`.
    const stopExpiry = endOnTokenExpiry(req, conn, () => {
      aborter.abort();
      conn.close();
      res.end();
    });
    const p = principal;
    const f = filter;
    conn.sendNow('hello', { replay: { topics: plan.topics, from: plan.from.toISOString(), speed: plan.speed, limit: plan.limit } });
    try {
      const { sent, reason } = await this.replay.run(
        plan,
        {
          event: (item) => {
            if (conn.isClosed) return 'closed';
            if (!admits(p, f, item)) return 'skipped';
            conn.send('domain-event', itemFor(p, item), item.id);
            return 'sent';
          },
          backlog: () => conn.queued,
        },
        aborter.signal,
      );
      conn.send('end', { sent, reason: this.open.shuttingDown ? 'shutdown' : reason });
    } catch (err) {
      // The detail (broker, database) is for the log; the console needs to know the replay failed.
      this.logger.error(`replay from ${plan.from.toISOString()} failed: ${(err as Error).message}`, (err as Error).stack);
      conn.send('error', { code: 'OPS_CENTRE.REPLAY_FAILED', message: 'the replay stopped on an internal error; try again, or a later start' });
    }
    stopExpiry();
    untrack();
    await conn.end();
    if (!res.writableEnded) res.end();
  }
}
