import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplayFeed } from '../../web/src/replay-feed';

/** EventSource as the browser hands it to the feed: listeners by event name, onerror, close. */
class ServerSentEvents {
  static last: ServerSentEvents;
  readonly listeners = new Map<string, (e: { data: string }) => void>();
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    ServerSentEvents.last = this;
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.closed = true;
  }
  send(name: string, data: unknown) {
    this.listeners.get(name)?.({ data: JSON.stringify(data) });
  }
}

describe('the console replay feed', () => {
  afterEach(() => vi.unstubAllGlobals());

  const started = () => {
    vi.stubGlobal('EventSource', ServerSentEvents);
    const delivered: unknown[] = [];
    const feed = new ReplayFeed((item) => delivered.push(item), () => undefined);
    feed.start('token', '2026-11-28T05:00:00Z', 'real', {});
    return { feed, delivered, server: ServerSentEvents.last };
  };

  it('says the session expired when the server ends the replay for its token, and closes it', () => {
    const { feed, delivered, server } = started();
    server.send('domain-event', { eventId: 'e1' });
    server.send('domain-event', { eventId: 'e2' });
    server.send('expired', { message: 'token expired' });
    // The closed response then reads as an error to EventSource: it must not overwrite the reason.
    server.onerror?.();
    expect(delivered).toHaveLength(2);
    expect(feed.status).toBe('replay stopped after 2 events: the session expired');
    expect(server.closed).toBe(true);
  });

  it('says it finished, with the reason the server gave, at the end', () => {
    const { feed, server } = started();
    server.send('domain-event', { eventId: 'e1' });
    server.send('end', { reason: 'end' });
    expect(feed.status).toBe('replay finished (end): 1 events');
  });
});
