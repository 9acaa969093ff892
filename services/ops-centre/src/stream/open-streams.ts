import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * The SSE responses (live streams, replays) this replica holds open. They never end by themselves,
 * and Node's server.close() waits for every open response: left open, one console kept a shutting
 * down replica from closing its HTTP server, and so from leaving its consumer group and stopping its
 * relay, until it was killed. They are ended before shutdown; a console reconnects (to another
 * replica) and catches up from its last event.
 */
@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly enders = new Set<() => void>();
  private closing = false;

  /** Registers how to end one stream; returns how to forget it once it has ended on its own. */
  track(end: () => void): () => void {
    if (this.closing) {
      end();
      return () => undefined;
    }
    this.enders.add(end);
    return () => this.enders.delete(end);
  }

  get size(): number {
    return this.enders.size;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const end of [...this.enders]) end();
    this.enders.clear();
  }
}
