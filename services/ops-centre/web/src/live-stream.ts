import type { StreamItem } from './api';
import type { StreamFilter } from './live-store';
import { probeStream } from './stream-probe';

/** Wait before the first new stream after the browser gave one up; doubled each time up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export type StreamStatus = 'idle' | 'connecting' | 'open' | 'error';

/** What the live stream hands to the store it feeds. */
export interface LiveStreamSink {
  item(item: StreamItem): void;
  /** The server left out `count` events this stream's client was too slow to take. */
  dropped(count: number): void;
  /** /me says the token is no longer valid. */
  expired(): void;
  /** What the stream says of itself (status, refusal, streamDownSince) changed. */
  changed(): void;
}

/**
 * The live stream (`/stream`, server-sent events) the console's list is fed from, kept open: the
 * browser reconnects by itself (sending Last-Event-ID), but gives up for good on a refused
 * reconnect, and then a new stream is opened here with capped backoff, catching up from the
 * newest event received.
 */
export class LiveStream {
  status: StreamStatus = 'idle';
  /** Why the service refuses the stream as asked (a filter it cannot take), until the filter changes. */
  refusal: string | null = null;
  /** When the stream failed (ms), until it is open again: what is shown may be missing events since. */
  streamDownSince: number | null = null;
  /** Whether the current stream said hello: one refused before may be refused for what it asks. */
  private opened = false;
  private source?: EventSource;
  private token = '';
  private filter: StreamFilter = {};
  /** The newest live event received, else where the stream began (its `position`), for a new stream to catch up from. */
  private lastEventId?: string;
  private retryMs = RETRY_MIN_MS;
  private retryTimer?: ReturnType<typeof setTimeout>;
  /** Bumped by connect and disconnect, so a retry planned for an earlier stream does nothing. */
  private generation = 0;

  constructor(private readonly sink: LiveStreamSink) {}

  connect(token: string, filter: StreamFilter): void {
    this.disconnect();
    this.token = token;
    this.filter = filter;
    this.open();
  }

  disconnect(): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryMs = RETRY_MIN_MS;
    this.source?.close();
    this.source = undefined;
    this.status = 'idle';
    this.streamDownSince = null;
  }

  /** A stream opened after this catches up from nothing: what it would catch up on was someone else's. */
  forgetLastEvent(): void {
    this.lastEventId = undefined;
  }

  private streamUrl(lastEventId?: string): string {
    const q = new URLSearchParams({ access_token: this.token });
    for (const [k, v] of Object.entries(this.filter)) if (v) q.set(k, v);
    if (lastEventId) q.set('lastEventId', lastEventId);
    return `/stream?${q}`;
  }

  private open(lastEventId?: string): void {
    this.status = 'connecting';
    this.refusal = null;
    this.opened = false;
    const es = new EventSource(this.streamUrl(lastEventId));
    this.source = es;
    es.addEventListener('hello', () => {
      this.opened = true;
      this.retryMs = RETRY_MIN_MS;
      this.streamDownSince = null;
      this.setStatus('open');
    });
    // Sent only before any event of this stream: a console that had received none before its stream
    // failed caught up on nothing, missing what was recorded meanwhile.
    es.addEventListener('position', (e) => {
      this.lastEventId = (e as MessageEvent).lastEventId || this.lastEventId;
    });
    es.addEventListener('domain-event', (e) => {
      const item = JSON.parse((e as MessageEvent).data) as StreamItem;
      this.lastEventId = item.id;
      this.sink.item(item);
    });
    es.addEventListener('dropped', (e) => {
      this.sink.dropped(JSON.parse((e as MessageEvent).data).count);
    });
    es.onerror = () => {
      this.streamDownSince ??= Date.now();
      // Still CONNECTING: the browser reconnects by itself, sending Last-Event-ID.
      if (es.readyState !== EventSource.CLOSED) {
        this.setStatus('connecting');
        return;
      }
      // CLOSED: a reconnect was refused (an expired token's 401, a proxy's 502 during a redeploy) and
      // the browser has given up for good; without a new stream the console would go quietly stale.
      this.source = undefined;
      this.setStatus('error');
      this.retryLater();
    };
    this.sink.changed();
  }

  private retryLater(): void {
    const generation = this.generation;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => void this.retry(generation), wait);
  }

  /**
   * A refused stream says nothing of why: /me tells an expired token from a server that is down, and
   * a stream refused before it ever opened is asked again (stream-probe.ts), since the service may
   * refuse what it asks for (a filter it cannot take), which retrying would show as an outage for ever.
   */
  private async retry(generation: number): Promise<void> {
    const status = await fetch('/me', { headers: { authorization: `Bearer ${this.token}` } }).then((r) => r.status, () => 0);
    if (generation !== this.generation) return;
    if (status === 401) return this.sink.expired();
    if (status !== 200) return this.retryLater();
    if (!this.opened) {
      const probe = await probeStream(this.streamUrl(this.lastEventId));
      if (generation !== this.generation) return;
      if (probe.kind === 'refused') {
        this.refusal = probe.reason;
        this.streamDownSince = null;
        return this.setStatus('error');
      }
    }
    this.open(this.lastEventId);
  }

  private setStatus(s: StreamStatus) {
    this.status = s;
    this.sink.changed();
  }
}
