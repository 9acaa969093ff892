import { describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { cloudEventHeaders } from '../cloud-event';
import { isRefusedForGood, isStoreUnavailable, PermanentEventError, ReliableHandler, StoreUnavailableError, type RawKafkaRecord } from './reliable-handler';

const record = (id: string, offset: number): RawKafkaRecord => ({
  topic: 'test.things',
  partition: 0,
  message: { key: 'BFA', value: Buffer.from(id), offset: String(offset), headers: cloudEventHeaders({ id, type: 'org.crisis-ops.test.thing-happened.v1', source: 'test', time: new Date() }) },
});

/** Records what would have gone to a dead-letter topic. */
function handlerWithDlq() {
  const sent: string[] = [];
  const producer = { send: async ({ topic }: { topic: string }) => void sent.push(topic) } as unknown as Producer;
  return { sent, handler: new ReliableHandler({ consumer: 'test', producer, maxAttempts: 2, baseDelayMs: 1 }) };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('a consumer whose database is out of reach', () => {
  it('tells an outage from a bad event: connection errors and shutdown states, also wrapped by TypeORM', () => {
    expect(isStoreUnavailable(refused)).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('terminating connection'), { code: '57P01' }) }))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    // A store that takes no write for now, whatever the event: disk full, out of memory, read-only after a failover.
    for (const code of ['53100', '53200', '25006', '58030']) expect(isStoreUnavailable(Object.assign(new Error(code), { code })), code).toBe(true);
    expect(isStoreUnavailable(new Error('downstream rejected the event'))).toBe(false);
  });

  it('throws rather than dead-letter a batch, or any event of it: the partition waits for the database', async () => {
    const { sent, handler } = handlerWithDlq();
    await expect(handler.handleBatch([record('a', 1), record('b', 2)], async () => Promise.reject(refused))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(handler.handle(record('c', 3), async () => Promise.reject(refused))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sent).toEqual([]);
  });

  it('still dead-letters an event that fails for a reason of its own', async () => {
    const { sent, handler } = handlerWithDlq();
    expect(await handler.handle(record('d', 4), async () => Promise.reject(new Error('downstream rejected the event')))).toBe('dead-lettered');
    expect(sent).toEqual(['test.things.dlq']);
  });

  it("sends a batch's dead letters once, after its other events are applied, not again on each redelivery of an outage", async () => {
    const { sent, handler } = handlerWithDlq();
    const unreadable: RawKafkaRecord = { topic: 'test.things', partition: 0, message: { key: 'BFA', value: Buffer.from('?'), offset: '5', headers: {} } };
    const batch = [record('e', 4), unreadable, record('f', 6)];
    let databaseUp = false;
    const apply = async () => (databaseUp ? undefined : Promise.reject(refused));
    // Each throw is a redelivery of the whole batch by kafkajs.
    for (let redelivery = 0; redelivery < 3; redelivery++) await expect(handler.handleBatch(batch, apply)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sent).toEqual([]);
    databaseUp = true;
    await handler.handleBatch(batch, apply);
    expect(sent).toEqual(['test.things.dlq']);
  });

  it('holds an event at fault, met one by one, until the events after it are applied too', async () => {
    const { sent, handler } = handlerWithDlq();
    let databaseUp = false;
    const apply = async (events: Array<{ id: string }>) => {
      if (events.some((e) => e.id === 'g')) throw new PermanentEventError('TEST.BAD', 'g is at fault');
      if (!databaseUp) throw refused;
    };
    const batch = [record('g', 7), record('h', 8)];
    await expect(handler.handleBatch(batch, apply)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sent).toEqual([]);
    databaseUp = true;
    await handler.handleBatch(batch, apply);
    expect(sent).toEqual(['test.things.dlq']);
  });

  it("does not take a failing dead-letter send for a failing batch: the batch is applied once, and the send's error goes to kafkajs", async () => {
    let calls = 0;
    const producer = { send: async () => Promise.reject(new Error('broker not available')) } as unknown as Producer;
    const handler = new ReliableHandler({ consumer: 'test', producer, maxAttempts: 3, baseDelayMs: 1 });
    const unreadable: RawKafkaRecord = { topic: 'test.things', partition: 0, message: { key: 'BFA', value: Buffer.from('?'), offset: '9', headers: {} } };
    await expect(handler.handleBatch([record('i', 8), unreadable, record('j', 10)], async () => void calls++)).rejects.toThrow('broker not available');
    expect(calls).toBe(1);
  });
});

describe('an event the database refuses for what it holds', () => {
  // As node-postgres throws them, and as TypeORM wraps them (QueryFailedError.driverError).
  const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  const escape = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }) });
  const duplicate = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });

  it('takes data exceptions and program limits as for good; constraint violations, deadlocks and outages not', () => {
    for (const err of [nul, escape, { code: '22003' }, { code: '54000' }]) expect(isRefusedForGood(err), JSON.stringify(err)).toBe(true);
    for (const err of [duplicate, { code: '23503' }, { code: '40P01' }, { code: '40001' }, refused, { code: '57P01' }, new Error('downstream rejected the event')]) {
      expect(isRefusedForGood(err), JSON.stringify(err)).toBe(false);
    }
  });

  it('dead-letters such an event after its one attempt, not after every retry', async () => {
    const { sent, handler } = handlerWithDlq();
    let calls = 0;
    for (const err of [nul, escape]) {
      expect(await handler.handle(record('k', 11), async () => {
        calls++;
        throw err;
      })).toBe('dead-lettered');
    }
    expect(calls).toBe(2);
    expect(sent).toEqual(['test.things.dlq', 'test.things.dlq']);
    // A constraint violation is still retried (handlerWithDlq allows 2 attempts).
    calls = 0;
    expect(await handler.handle(record('l', 12), async () => {
      calls++;
      throw duplicate;
    })).toBe('dead-lettered');
    expect(calls).toBe(2);
  });

  it('in a batch, dead-letters the event at fault after one attempt of the batch and one of its own, and applies the others', async () => {
    const { sent, handler } = handlerWithDlq();
    const calls: string[][] = [];
    const applied: string[] = [];
    await handler.handleBatch([record('m', 13), record('n', 14), record('o', 15)], async (events) => {
      calls.push(events.map((e) => e.id));
      if (events.some((e) => e.id === 'n')) throw nul;
      applied.push(...events.map((e) => e.id));
    });
    expect(calls).toEqual([['m', 'n', 'o'], ['m'], ['n'], ['o']]);
    expect(applied).toEqual(['m', 'o']);
    expect(sent).toEqual(['test.things.dlq']);
  });
});
