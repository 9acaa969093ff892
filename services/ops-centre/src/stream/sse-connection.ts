import type { ServerResponse } from 'node:http';

/** What an SSE connection needs of a response; node's ServerResponse has it. */
export type SseResponse = Pick<ServerResponse, 'write' | 'once' | 'removeListener' | 'writableEnded' | 'destroyed'> & {
  writeHead?: ServerResponse['writeHead'];
  flushHeaders?: () => void;
};

export interface SseConnectionOptions {
  /** Most events held for a slow client; beyond it the oldest are dropped and counted. */
  readonly maxQueued?: number;
  /** Events are written at most this often, together (one write per tick, not one per event). */
  readonly flushEveryMs?: number;
  readonly heartbeatMs?: number;
}

/**
 * One browser's Server-Sent Events connection. Events are coalesced into one write per tick; when
 * the socket pushes back (write returns false) nothing more is written until it drains, and the
 * queue is capped, so a slow browser costs at most `maxQueued` events of memory. Dropped events are
 * announced with an `event: dropped` message so the client knows its view has a gap.
 */
export class SseConnection {
  private queue: string[] = [];
  private dropped = 0;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private waitingForDrain = false;
  private closed = false;
  private readonly maxQueued: number;
  private readonly flushEveryMs: number;
  sent = 0;

  constructor(
    private readonly res: SseResponse,
    options: SseConnectionOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 1_000;
    this.flushEveryMs = options.flushEveryMs ?? 50;
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    // A comment line keeps proxies from closing an idle stream.
    if (heartbeatMs > 0) this.heartbeat = setInterval(() => this.enqueueRaw(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat?.unref();
  }

  /** Sends the SSE response head and an opening comment. */
  open(): void {
    this.res.writeHead?.(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders?.();
    this.res.write(': connected\n\n');
  }

  get isClosed(): boolean {
    return this.closed || this.res.writableEnded || this.res.destroyed;
  }

  get queued(): number {
    return this.queue.length;
  }

  send(event: string, data: unknown, id?: string): void {
    this.enqueueRaw(format(event, data, id));
  }

  /**
   * Writes a control message at once, ahead of anything queued and never dropped: the greeting a
   * client waits for must not be the oldest item discarded when a burst overflows the queue.
   */
  sendNow(event: string, data: unknown): void {
    if (this.isClosed) return;
    this.res.write(format(event, data));
  }

  /**
   * Counts events this client will not get (a reconnect's catch-up left them out) into the `dropped`
   * notice the next write begins with, beside any the queue drops. Queued as a message of its own, the
   * notice was the oldest item, the first one a full catch-up behind it pushed out: a console was told
   * of one event missing where hundreds were.
   */
  countDropped(count: number): void {
    if (this.isClosed || count <= 0) return;
    this.dropped += count;
    this.schedule();
  }

  private enqueueRaw(chunk: string): void {
    if (this.isClosed) return;
    this.queue.push(chunk);
    if (this.queue.length > this.maxQueued) {
      const over = this.queue.length - this.maxQueued;
      this.queue.splice(0, over);
      this.dropped += over;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.waitingForDrain || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.flushEveryMs);
  }

  /** Writes everything queued in one chunk, unless the socket is still pushing back. */
  flush(): void {
    if (this.isClosed || this.waitingForDrain) return;
    if (this.dropped > 0) {
      this.queue.unshift(`event: dropped\ndata: ${JSON.stringify({ count: this.dropped })}\n\n`);
      this.dropped = 0;
    }
    if (!this.queue.length) return;
    const chunk = this.queue.join('');
    this.sent += this.queue.length;
    this.queue = [];
    if (!this.res.write(chunk)) {
      this.waitingForDrain = true;
      this.res.once('drain', () => {
        this.waitingForDrain = false;
        this.schedule();
      });
    }
  }

  /**
   * Writes everything still queued, waiting on the socket whenever it pushes back, then closes: a
   * stream with an end (a replay) must not lose its last events and its closing message to a slow
   * reader, as close() would. Resolves early if the client goes away.
   */
  async end(): Promise<void> {
    while (!this.isClosed) {
      if (this.waitingForDrain) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.res.removeListener('drain', done);
            this.res.removeListener('close', done);
            resolve();
          };
          this.res.once('drain', done);
          this.res.once('close', done);
        });
        continue;
      }
      if (!this.queue.length && !this.dropped) break;
      this.flush();
    }
    this.close();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.queue = [];
  }
}

function format(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
