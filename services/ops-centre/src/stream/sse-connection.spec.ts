import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SseConnection } from './sse-connection';

class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableEnded = false;
  destroyed = false;
  accept = true;
  write(chunk: string) {
    this.chunks.push(chunk);
    return this.accept;
  }
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

afterEach(() => vi.useRealTimers());

describe('SseConnection', () => {
  it('coalesces events into one write per tick', () => {
    vi.useFakeTimers();
    const res = new FakeResponse();
    const c = new SseConnection(res as never, { flushEveryMs: 50, heartbeatMs: 0 });
    for (let i = 0; i < 100; i++) c.send('domain-event', { i }, String(i));
    expect(res.chunks).toHaveLength(0);
    vi.advanceTimersByTime(50);
    expect(res.chunks).toHaveLength(1);
    expect(res.chunks[0].match(/event: domain-event/g)).toHaveLength(100);
    c.close();
  });

  it('writes the greeting at once, so a burst that overflows the queue right after cannot drop it', () => {
    vi.useFakeTimers();
    const res = new FakeResponse();
    const c = new SseConnection(res as never, { maxQueued: 10, flushEveryMs: 50, heartbeatMs: 0 });
    c.sendNow('hello', { subject: 's' });
    for (let i = 0; i < 100; i++) c.send('domain-event', { i });
    vi.advanceTimersByTime(50);
    expect(res.chunks[0]).toBe('event: hello\ndata: {"subject":"s"}\n\n');
    expect(res.chunks[1]).toMatch(/^event: dropped\ndata: \{"count":90\}/);
    c.close();
  });

  it('holds at most maxQueued events for a slow client and says how many it dropped', () => {
    vi.useFakeTimers();
    const res = new FakeResponse();
    res.accept = false; // the socket pushes back
    const c = new SseConnection(res as never, { maxQueued: 10, flushEveryMs: 10, heartbeatMs: 0 });
    c.send('domain-event', { i: -1 });
    vi.advanceTimersByTime(10);
    expect(res.chunks).toHaveLength(1);
    for (let i = 0; i < 1_000; i++) c.send('domain-event', { i });
    vi.advanceTimersByTime(100);
    expect(res.chunks).toHaveLength(1); // nothing written until drain
    expect(c.queued).toBe(10);
    res.accept = true;
    res.emit('drain');
    vi.advanceTimersByTime(10);
    const last = res.chunks.at(-1) as string;
    expect(last).toContain('event: dropped\ndata: {"count":990}');
    expect(last).toContain('"i":999');
    expect(last).not.toContain('"i":989');
    c.close();
  });

  it('begins its next write with one dropped notice counting what a catch-up left out and what the queue then dropped', () => {
    vi.useFakeTimers();
    const res = new FakeResponse();
    const c = new SseConnection(res as never, { maxQueued: 10, flushEveryMs: 10, heartbeatMs: 0 });
    c.countDropped(25);
    for (let i = 0; i < 12; i++) c.send('domain-event', { i });
    vi.advanceTimersByTime(10);
    expect(res.chunks).toHaveLength(1);
    expect(res.chunks[0]).toMatch(/^event: dropped\ndata: \{"count":27\}\n\nevent: domain-event\ndata: \{"i":2\}/);
    expect(res.chunks[0].match(/event: /g)).toHaveLength(11);
    c.close();
  });

  /** A connection whose socket pushes back after the first event, with a second one queued behind it. */
  const pushedBack = () => {
    const res = new FakeResponse();
    const c = new SseConnection(res as never, { flushEveryMs: 50, heartbeatMs: 0 });
    res.accept = false;
    c.send('domain-event', { i: 1 });
    c.flush();
    c.send('domain-event', { i: 2 });
    return { res, c };
  };

  it('ends a stream only once everything queued is written, waiting while the socket pushes back', async () => {
    const { res, c } = pushedBack();
    c.send('end', { sent: 2 });
    const ending = c.end();
    expect(await settled(ending)).toBe(false);
    res.accept = true;
    res.emit('drain');
    await ending;
    expect(res.chunks.join('')).toMatch(/"i":1[\s\S]*"i":2[\s\S]*event: end/);
    expect(c.isClosed).toBe(true);
  });

  it('stops waiting to end when the client goes away', async () => {
    const { res, c } = pushedBack();
    const ending = c.end();
    res.destroyed = true;
    res.emit('close');
    await ending;
    expect(res.chunks.join('')).not.toContain('"i":2');
  });
});
