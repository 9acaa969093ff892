import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Consumer } from 'kafkajs';
import { eventually, ReadPositions, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import { appendToOutbox } from './outbox-writer';
import { OutboxRelay } from './outbox-relay';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { parseCloudEvent } from '../cloud-event';

const text = (s: string) => new TextEncoder().encode(s);

/** Backends waiting for the advisory lock appendToOutbox takes for a key (pg_advisory_xact_lock(hashtext(key))). */
const WAITING_FOR_KEY_LOCK = `
  SELECT count(*)::int AS n FROM pg_locks
   WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND classid::bigint = ((hashtext($1)::bigint >> 32) & 4294967295) AND objid::bigint = (hashtext($1)::bigint & 4294967295)`;

describe('outbox relay on real Postgres and Kafka', () => {
  let scratch: MessagingScratch;
  let database: MessagingScratch['database'];
  let dataSource: DataSource;
  const topic = `test.outbox.${uniqueSuffix()}`;
  const received: Array<{ key: string; value: string; type: string; partition: number; data: Buffer; time: Date }> = [];
  let consumer: Consumer;
  const producer = createIdempotentProducer(testKafka('relay'));
  let relay: OutboxRelay;
  const positions = new ReadPositions();

  beforeAll(async () => {
    scratch = await messagingScratch('outbox', [topic], { poolSize: 8 });
    ({ dataSource, database } = scratch);
    await producer.connect();
    consumer = testKafka('relay-reader').consumer({ groupId: `reader-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const event = parseCloudEvent(topic, partition, message);
        received.push({ key: String(event.key), value: new TextDecoder().decode(event.data), type: event.type, partition, data: Buffer.from(event.data), time: event.time });
        positions.record(topic, partition, message.offset);
      },
    });
    relay = await activeRelay(producer);
  });

  const activeRelay = async (via: typeof producer) => {
    const started = new OutboxRelay({ database, producer: via, pollMs: 200 });
    await started.start();
    await eventually(async () => started.isLeader);
    return started;
  };

  afterAll(async () => {
    await relay?.stop();
    await consumer?.disconnect();
    await producer.disconnect();
    await scratch?.close();
  });

  const append = (key: string, value: string) =>
    dataSource.transaction((m) => appendToOutbox(m, 'test', [{ topic, key, type: 'org.crisis-ops.test.thing-happened.v1', payload: text(value) }]));

  it('publishes exactly the committed events, in commit order per key, and nothing rolled back', async () => {
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      for (const key of ['BFA', 'MLI', 'NER']) work.push(append(key, `${key}-${i}`));
    }
    work.push(
      dataSource
        .transaction(async (m) => {
          await appendToOutbox(m, 'test', [{ topic, key: 'BFA', type: 'org.crisis-ops.test.thing-happened.v1', payload: text('rolled-back') }]);
          throw new Error('business rule failed after the event was staged');
        })
        .catch(() => 'rolled back'),
    );
    await Promise.all(work);

    // A transaction that staged its event first but commits last must still come first for its key:
    // the second writer of the key waits for it, so sequence order is commit order.
    let releaseSlow!: () => void;
    const slowStaged = new Promise<void>((staged) => {
      work.push(
        dataSource.transaction(async (m) => {
          await appendToOutbox(m, 'test', [{ topic, key: 'TCD', type: 'org.crisis-ops.test.thing-happened.v1', payload: text('TCD-slow-first') }]);
          staged();
          await new Promise<void>((r) => (releaseSlow = r));
        }),
      );
    });
    await slowStaged;
    const fast = append('TCD', 'TCD-fast-second');
    // Released only once the second writer is waiting for the key's lock: released earlier, the
    // slow one would commit first anyway, and the order would be right without the lock.
    await eventually(async () => (await dataSource.query(WAITING_FOR_KEY_LOCK, ['outbox:TCD']))[0].n > 0, 10_000, 20);
    releaseSlow();
    await Promise.all([fast, ...work]);

    // Everything committed is sent, and the reader has read all the topic holds: nothing more can come.
    await relay.flush();
    await positions.readToEnd(topic);

    expect(received).toHaveLength(62);
    expect(received.map((r) => r.value)).not.toContain('rolled-back');
    for (const key of ['BFA', 'MLI', 'NER']) {
      const values = received.filter((r) => r.key === key).map((r) => r.value);
      expect(new Set(values).size).toBe(20);
      expect(new Set(received.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
    }
    expect(received.filter((r) => r.key === 'TCD').map((r) => r.value)).toEqual(['TCD-slow-first', 'TCD-fast-second']);
    await relay.flush();
    expect(relay.backlog).toBe(0);
    // What went is deleted: the outbox holds only what is still to be published.
    expect((await dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n).toBe(0);
  });

  it('keeps per-key order across many transactions for one key', async () => {
    const before = received.length;
    for (let i = 0; i < 30; i++) await append('SDN', `SDN-${String(i).padStart(2, '0')}`);
    await eventually(async () => received.length >= before + 30, 30_000);
    const sdn = received.filter((r) => r.key === 'SDN').map((r) => r.value);
    expect(sdn).toEqual([...sdn].sort());
  });

  it('splits a large backlog into sends the broker accepts (1 MiB per record batch)', async () => {
    const before = received.length;
    const big = 'x'.repeat(20_000);
    // 200 events of 20 kB for one key: 4 MB that must not go out as one record batch.
    await dataSource.transaction((m) =>
      appendToOutbox(
        m,
        'test',
        Array.from({ length: 200 }, (_, i) => ({ topic, key: 'LBY', type: 'org.crisis-ops.test.thing-happened.v1', payload: text(`LBY-${String(i).padStart(3, '0')}-${big}`) })),
      ),
    );
    await eventually(async () => received.length >= before + 200, 30_000);
    const lby = received.filter((r) => r.key === 'LBY').map((r) => r.value.slice(0, 7));
    expect(lby).toEqual([...lby].sort());
    expect(lby).toHaveLength(200);
  });

  it('publishes each event with the time it was staged with, to the millisecond', async () => {
    const before = received.length;
    const times = ['2024-02-29T23:59:59.999Z', '1969-07-20T20:17:40.001Z', '2026-01-01T00:00:00.000Z'].map((t) => new Date(t));
    await dataSource.transaction((m) =>
      appendToOutbox(m, 'test', times.map((time, i) => ({ topic, key: 'CAF', type: 'org.crisis-ops.test.thing-happened.v1', payload: text(`CAF-time-${i}`), time }))),
    );
    await eventually(async () => received.slice(before).filter((r) => r.key === 'CAF').length === times.length, 30_000);
    expect(received.slice(before).filter((r) => r.key === 'CAF').map((r) => r.time.toISOString())).toEqual(times.map((t) => t.toISOString()));
  });

  it('keeps every payload byte, in the outbox and on Kafka, however the payloads of a batch are cut', async () => {
    const before = received.length;
    const random = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff));
    const payloads = [
      Buffer.alloc(0),
      Buffer.from([0x00]),
      Buffer.from([0xff]),
      Buffer.from([0x00, 0xff, 0x5c, 0x78, 0x27, 0x22, 0x2c, 0x7b, 0x7d, 0x00]),
      Buffer.alloc(0),
      random,
      Buffer.alloc(300, 0xff),
      Buffer.alloc(0),
    ];
    // Views into a larger buffer, as protobuf-es and callers hand them over, must be cut by their own offsets.
    const framed = Buffer.concat([Buffer.from('junk-before'), payloads[3], Buffer.from('junk-after')]);
    payloads.push(framed.subarray(11, 11 + payloads[3].length));
    const keys = payloads.map((_, i) => `BYT${i}`);
    // Read back inside the writing transaction: once committed, the relay may have published (and
    // so deleted) the rows before any other reader gets to them.
    const { ids, stored } = await dataSource.transaction(async (m) => {
      const ids = await appendToOutbox(m, 'test', payloads.map((p, i) => ({ topic, key: keys[i], type: 'org.crisis-ops.test.thing-happened.v1', payload: new Uint8Array(p.buffer, p.byteOffset, p.byteLength) })));
      const stored: Array<{ event_id: string; payload: Buffer }> = await m.query('SELECT event_id, payload FROM outbox WHERE event_id = ANY($1::uuid[]) ORDER BY seq', [ids]);
      return { ids, stored };
    });
    expect(stored.map((r) => r.event_id)).toEqual(ids);
    stored.forEach((row, i) => expect(row.payload.equals(payloads[i]), `payload ${i}`).toBe(true));

    await eventually(async () => received.length >= before + payloads.length, 30_000);
    for (const [i, key] of keys.entries()) {
      const [event] = received.filter((r) => r.key === key);
      expect(event.data.equals(payloads[i]), `payload ${i} from Kafka`).toBe(true);
    }
  });

  it('refuses to stage an event too large to ever publish', async () => {
    await expect(
      dataSource.transaction((m) =>
        appendToOutbox(m, 'test', [{ topic, key: 'LBY', type: 'org.crisis-ops.test.thing-happened.v1', payload: new Uint8Array(600 * 1024) }]),
      ),
    ).rejects.toThrow(/the limit is 524288/);
  });

  it('lets only one relay of a service be active', async () => {
    const standby = new OutboxRelay({ database: { ...database }, producer, pollMs: 200, standbyRetryMs: 200 });
    await standby.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(relay.isLeader).toBe(true);
    expect(standby.isLeader).toBe(false);
    await relay.stop();
    await eventually(async () => standby.isLeader, 10_000);
    relay = standby;
  });

  it('prunes inbox rows older than the retention, a statement of a few at a time, and keeps the others', async () => {
    const consumer = `pruning-${uniqueSuffix()}`;
    const insert = (n: number, age: string) =>
      dataSource.query(
        `INSERT INTO inbox (consumer, event_id, ce_type, topic, kafka_partition, kafka_offset, processed_at)
         SELECT $1, $2 || g, 't', 'topic', 0, g, now() - $3::interval FROM generate_series(1, $4) g`,
        [consumer, `${age}-`, age, n],
      );
    await insert(120, '50 days');
    await insert(3, '10 days');
    await relay.stop();
    relay = new OutboxRelay({ database: { ...database }, producer, pollMs: 100, inboxRetentionMs: 45 * 86_400_000, inboxPruneEveryMs: 3_600_000, inboxPruneBatch: 50 });
    await relay.start();
    const left = async () => (await dataSource.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [consumer]))[0].n as number;
    // 50 per drain, drain after drain while a batch comes back full, long before the hour is up.
    await eventually(async () => (await left()) === 3, 10_000, 100);
    expect((await dataSource.query('SELECT min(processed_at) > now() - interval \'11 days\' AS fresh FROM inbox WHERE consumer = $1', [consumer]))[0].fresh).toBe(true);
  });

  it('campaigns again when its database connection drops in the middle of a drain, and publishes what waits', async () => {
    await relay.stop();
    let sending!: () => void;
    let release!: () => void;
    const inSend = new Promise<void>((r) => (sending = r));
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    // The first send waits until the test has cut the relay's connection: the drain is mid-way.
    const gated = {
      sendBatch: async (batch: Parameters<typeof producer.sendBatch>[0]) => {
        if (first) {
          first = false;
          sending();
          await gate;
        }
        return producer.sendBatch(batch);
      },
    } as unknown as typeof producer;
    relay = new OutboxRelay({ database: { ...database }, producer: gated, pollMs: 200, standbyRetryMs: 200 });
    await relay.start();
    await eventually(async () => relay.isLeader);
    const before = received.length;
    await append('SSD', 'SSD-during-outage');
    await inSend;
    await dataSource.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`${database.schema}-outbox-relay`]);
    await eventually(async () => !relay.isLeader, 5_000, 20);
    release();
    await append('SSD', 'SSD-after-outage');
    await eventually(async () => received.slice(before).some((r) => r.value === 'SSD-after-outage'), 30_000);
    expect(relay.isLeader).toBe(true);
    // Published again after the outage (the delete of its row failed): the inboxes absorb that.
    expect(received.slice(before).map((r) => r.value)).toEqual(expect.arrayContaining(['SSD-during-outage', 'SSD-after-outage']));
  });

  it('counts the backlog while a send waits on a broker that does not answer, where it read 0 for the whole outage', async () => {
    await relay.stop();
    // A send that hangs, as kafkajs's does while the broker is stopped: it retries for minutes.
    let sending!: () => void;
    let release!: (err: Error) => void;
    const inSend = new Promise<void>((r) => (sending = r));
    const hung = {
      sendBatch: () => {
        sending();
        return new Promise((_, reject) => (release = reject));
      },
    } as unknown as typeof producer;
    const stalled = new OutboxRelay({ database: { ...database }, producer: hung, pollMs: 60_000, backlogEveryMs: 100 });
    try {
      await stalled.start();
      await eventually(async () => stalled.isLeader);
      for (let i = 0; i < 3; i++) await append('SDN', `SDN-hung-${i}`);
      await inSend;
      await eventually(async () => stalled.backlog === 3, 5_000, 20);
      // Accepted while the send still hangs: the backlog grows with them.
      for (let i = 3; i < 8; i++) await append('SDN', `SDN-hung-${i}`);
      await eventually(async () => stalled.backlog === 8, 5_000, 20);
    } finally {
      release?.(new Error('broker unreachable'));
      await stalled.stop();
    }
    relay = await activeRelay(producer);
    await relay.flush();
    expect(relay.backlog).toBe(0);
    // All of them read back (one key, one partition: the last comes last), before the next test counts what it receives.
    await eventually(async () => received.some((r) => r.value === 'SDN-hung-7'), 30_000);
  });

  it('counts the backlog while it cannot publish, and reports none once all of it is out', async () => {
    await relay.stop();
    // A producer that never connected: every send fails, as while the brokers are out of reach.
    const offline = await activeRelay(createIdempotentProducer(testKafka('relay-offline')));
    const before = received.length;
    try {
      for (let i = 0; i < 5; i++) await append('ETH', `ETH-offline-${i}`);
      await eventually(async () => offline.backlog === 5, 10_000);
    } finally {
      await offline.stop();
    }
    relay = await activeRelay(producer);
    await relay.flush();
    expect(relay.backlog).toBe(0);
    await eventually(async () => received.length >= before + 5, 30_000);
    expect(received.slice(before).map((r) => r.value)).toEqual([0, 1, 2, 3, 4].map((i) => `ETH-offline-${i}`));
  });
});
