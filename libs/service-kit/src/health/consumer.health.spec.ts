import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Consumer } from 'kafkajs';
import { ConsumerHealthIndicator, FETCH_UNANSWERED_MS } from './consumer.health';

const EVENTS = {
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  REBALANCING: 'consumer.rebalancing',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
};

/** A consumer whose lifecycle events the test emits, in the order kafkajs does. */
function fakeConsumer() {
  const listeners = new Map<string, Array<(e: unknown) => void>>();
  const consumer = {
    events: EVENTS,
    on: (event: string, listener: (e: unknown) => void) => void listeners.set(event, [...(listeners.get(event) ?? []), listener]),
  } as unknown as Pick<Consumer, 'on' | 'events'>;
  const emit = (event: string, payload: unknown = {}) => listeners.get(event)?.forEach((l) => l({ payload }));
  return { consumer, emit };
}

/** An indicator watching a fake consumer. */
function watching() {
  const health = new ConsumerHealthIndicator(new HealthIndicatorService());
  const { consumer, emit } = fakeConsumer();
  health.watch(consumer);
  return { health, emit };
}

describe('consumer health', () => {
  const statusOf = (h: ConsumerHealthIndicator) => (h.check('consumer') as { consumer: { status: string; consuming?: boolean; message?: string } }).consumer;

  it('given a crash kafkajs restarts from (a database outage), then not ready meanwhile, and ready again once the group is rejoined', () => {
    const { health, emit } = watching();
    expect(statusOf(health).status).toBe('up');
    emit(EVENTS.STOP);
    emit(EVENTS.CRASH, { restart: true, error: new Error('connect ECONNREFUSED') });
    expect(statusOf(health)).toMatchObject({ status: 'down', message: 'the consumer is restarting after: connect ECONNREFUSED' });
    expect(health.givenUp).toBeUndefined();
    emit(EVENTS.GROUP_JOIN);
    expect(statusOf(health).status).toBe('up');
  });

  it('given a crash kafkajs does not restart from, then neither ready nor live, whatever follows', () => {
    const { health, emit } = watching();
    emit(EVENTS.STOP);
    emit(EVENTS.CRASH, { restart: false, error: new Error('not authorized') });
    emit(EVENTS.GROUP_JOIN);
    expect(statusOf(health).status).toBe('down');
    expect(health.givenUp).toBe('the consumer stopped for good after an error it does not retry: not authorized');
  });

  it('does not count the stop of a shutdown against the replica', () => {
    const { health, emit } = watching();
    health.beforeApplicationShutdown();
    emit(EVENTS.STOP);
    expect(statusOf(health).status).toBe('up');
  });

  describe('while kafkajs retries a broker it has lost, before it crashes the consumer', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    const watched = () => {
      vi.useFakeTimers({ now: new Date('2026-11-27T10:00:00Z') });
      const { health, emit } = watching();
      emit(EVENTS.GROUP_JOIN);
      return { health, emit };
    };

    it('given fetches begun and failing for longer than the bound, then not ready, saying which broker and since when; ready again once a fetch is answered', () => {
      const { health, emit } = watched();
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      emit(EVENTS.FETCH, { nodeId: 1 });
      // The broker gone: each fetch fails without a FETCH, and kafkajs begins another.
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      vi.advanceTimersByTime(FETCH_UNANSWERED_MS - 1);
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      expect(statusOf(health).status).toBe('up');
      vi.advanceTimersByTime(1_000);
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      expect(statusOf(health)).toMatchObject({
        status: 'down',
        consuming: false,
        message: `broker 1 has not answered the consumer's fetches for ${Math.round((FETCH_UNANSWERED_MS + 999) / 1000)} s (since 2026-11-27T10:00:00.000Z)`,
      });
      expect(health.givenUp).toBeUndefined();
      emit(EVENTS.FETCH, { nodeId: 1 });
      expect(statusOf(health)).toMatchObject({ status: 'up', consuming: true });
    });

    it('given one broker of several that hangs on a fetch while the others answer theirs, then not ready past the bound, naming the one that hangs', () => {
      const { health, emit } = watched();
      // kafkajs fetches from each broker on its own: broker 2 hangs, brokers 1 and 3 answer every fetch.
      emit(EVENTS.FETCH_START, { nodeId: 2 });
      for (let t = 0; t <= FETCH_UNANSWERED_MS; t += 250) {
        for (const nodeId of [1, 3]) {
          emit(EVENTS.FETCH_START, { nodeId });
          emit(EVENTS.FETCH, { nodeId });
        }
        vi.advanceTimersByTime(250);
      }
      expect(statusOf(health)).toMatchObject({
        status: 'down',
        consuming: false,
        message: expect.stringMatching(/^broker 2 has not answered the consumer's fetches for 10 s \(since 2026-11-27T10:00:00\.000Z\)$/),
      });
      // Its answer, and only its, ends it.
      emit(EVENTS.FETCH, { nodeId: 2 });
      expect(statusOf(health)).toMatchObject({ status: 'up', consuming: true });
    });

    it('given a handler that runs far longer than the bound, then still ready: the consumer fetches nothing meanwhile', () => {
      const { health, emit } = watched();
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      emit(EVENTS.FETCH, { nodeId: 1 });
      emit(EVENTS.START_BATCH_PROCESS);
      vi.advanceTimersByTime(FETCH_UNANSWERED_MS * 10);
      expect(statusOf(health)).toMatchObject({ status: 'up', consuming: true });
      emit(EVENTS.END_BATCH_PROCESS);
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      expect(statusOf(health).status).toBe('up');
    });

    it('given a fetch given up on for a rebalance that lasts longer than the bound, then still ready', () => {
      const { health, emit } = watched();
      emit(EVENTS.FETCH_START, { nodeId: 1 });
      emit(EVENTS.FETCH_START, { nodeId: 2 });
      emit(EVENTS.REBALANCING);
      vi.advanceTimersByTime(FETCH_UNANSWERED_MS * 3);
      expect(statusOf(health).status).toBe('up');
      emit(EVENTS.GROUP_JOIN);
      expect(statusOf(health).status).toBe('up');
    });
  });
});
