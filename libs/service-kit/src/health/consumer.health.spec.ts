import { describe, expect, it } from 'vitest';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Consumer } from 'kafkajs';
import { ConsumerHealthIndicator } from './consumer.health';

const EVENTS = { STOP: 'consumer.stop', CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };

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

describe('consumer health', () => {
  const statusOf = (h: ConsumerHealthIndicator) => (h.check('consumer') as { consumer: { status: string; message?: string } }).consumer;

  it('given a crash kafkajs restarts from (a database outage), then not ready meanwhile, and ready again once the group is rejoined', () => {
    const health = new ConsumerHealthIndicator(new HealthIndicatorService());
    const { consumer, emit } = fakeConsumer();
    health.watch(consumer);
    expect(statusOf(health).status).toBe('up');
    emit(EVENTS.STOP);
    emit(EVENTS.CRASH, { restart: true, error: new Error('connect ECONNREFUSED') });
    expect(statusOf(health)).toMatchObject({ status: 'down', message: 'the consumer is restarting after: connect ECONNREFUSED' });
    expect(health.givenUp).toBeUndefined();
    emit(EVENTS.GROUP_JOIN);
    expect(statusOf(health).status).toBe('up');
  });

  it('given a crash kafkajs does not restart from, then neither ready nor live, whatever follows', () => {
    const health = new ConsumerHealthIndicator(new HealthIndicatorService());
    const { consumer, emit } = fakeConsumer();
    health.watch(consumer);
    emit(EVENTS.STOP);
    emit(EVENTS.CRASH, { restart: false, error: new Error('not authorized') });
    emit(EVENTS.GROUP_JOIN);
    expect(statusOf(health).status).toBe('down');
    expect(health.givenUp).toBe('the consumer stopped for good after an error it does not retry: not authorized');
  });

  it('does not count the stop of a shutdown against the replica', () => {
    const health = new ConsumerHealthIndicator(new HealthIndicatorService());
    const { consumer, emit } = fakeConsumer();
    health.watch(consumer);
    health.beforeApplicationShutdown();
    emit(EVENTS.STOP);
    expect(statusOf(health).status).toBe('up');
  });
});
