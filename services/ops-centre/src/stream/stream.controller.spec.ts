import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '@crisis-ops/auth';
import { OpenStreams } from './open-streams';
import { StreamController, withinMs } from './stream.controller';
import { StreamHub } from './stream-hub';

class FakeRequest extends EventEmitter {
  headers: Record<string, string> = {};
  query: Record<string, unknown> = { access_token: 'a-token' };
}

class FakeResponse extends EventEmitter {
  writableEnded = false;
  destroyed = false;
  writeHead() {
    return this;
  }
  write() {
    return true;
  }
  end() {
    this.writableEnded = true;
    return this;
  }
}

const officer: Principal = { subject: 'officer', roles: ['global-watch-officer'], region: null };

/** A controller whose token check resolves only once `during` has run. */
function controllerVerifying(hub: StreamHub, during: () => void = () => undefined) {
  const verifier = {
    verify: async () => {
      during();
      return officer;
    },
  };
  return new StreamController(hub, new OpenStreams(), verifier as never, {} as never);
}

afterEach(() => vi.useRealTimers());

describe('StreamController', () => {
  it('leaves nothing behind for a client that went away while its token was being verified', async () => {
    vi.useFakeTimers();
    const hub = new StreamHub();
    const req = new FakeRequest();
    // Its 'close' has come and gone before the stream could listen for it.
    await controllerVerifying(hub, () => req.emit('close')).stream(req as never, new FakeResponse() as never);
    expect(hub.size).toBe(0);
    // No heartbeat either, ticking for the life of the process.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('subscribes a client that stays, until it goes', async () => {
    vi.useFakeTimers();
    const hub = new StreamHub();
    const req = new FakeRequest();
    await controllerVerifying(hub).stream(req as never, new FakeResponse() as never);
    expect(hub.size).toBe(1);
    req.emit('close');
    expect(hub.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('placing a new stream', () => {
  it('waits for its position a bounded time: a pool busy with reconnecting consoles must not hold its live events for as long as it stays busy', async () => {
    expect(await withinMs(Promise.resolve('placed'), 50)).toBe('placed');
    // Never settles: without the bound this would wait for ever (and the test time out).
    expect(await withinMs(new Promise<string>(() => undefined), 50)).toBeUndefined();
    await expect(withinMs(Promise.reject(new Error('pool closed')), 50)).rejects.toThrow('pool closed');
  });
});
