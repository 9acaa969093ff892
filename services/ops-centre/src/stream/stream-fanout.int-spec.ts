import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Producer } from 'kafkajs';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, devToken, eventually, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../../test/sse-client';
import { freshTestCountries, publishSignals } from '../../test/events';
import { SERVICE } from '../service.definition';
import { StreamFanout } from './stream-fanout';

/**
 * Two ops-centre replicas in one consumer group, each consuming its share of the partitions: a
 * console connected to either one still sees every committed event.
 */
describe('live streams across ops-centre replicas', () => {
  const replicas: INestApplication[] = [];
  let producer: Producer;
  let admin: Admin;
  let stream: SseClient | undefined;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) replicas.push(await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true }));
    producer = testKafka('ops-centre-fanout-producer').producer({ idempotent: true });
    await producer.connect();
    admin = testKafka('ops-centre-fanout-admin').admin();
    await admin.connect();
  });

  afterAll(async () => {
    stream?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    for (const app of replicas) await app.close();
  });

  // Both replicas hold partitions, so neither consumes everything itself.
  const bothConsuming = () =>
    eventually(async () => {
      const [group] = (await admin.describeGroups(['ops-centre'])).groups;
      return group.state === 'Stable' && group.members.length >= 2 && group.members.every((m) => m.memberAssignment.length > 0);
    }, 60_000, 500);

  it('streams to a client of one replica the events the other replica recorded', async () => {
    await bothConsuming();

    const base = (await replicas[1].getUrl()).replace('[::1]', '127.0.0.1');
    const token = await devToken({ roles: ['global-watch-officer'], subject: 'int-fanout' });
    const client = await openSse(`${base}/stream?type=signal-recorded&access_token=${token}`);
    stream = client;
    expect(client.status).toBe(200);
    await client.waitFor((m) => m.event === 'hello');

    // Twelve countries, keyed over (very likely) all six partitions.
    const countries = await freshTestCountries(12);
    for (const country of countries) await publishSignals(producer, country, 1);
    const seen = () => new Set(client.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { country: string }).country));
    await eventually(async () => countries.every((c) => seen().has(c)), 30_000, 200).catch(() => undefined);
    expect(countries.filter((c) => !seen().has(c))).toEqual([]);
  });

  it('catches up, once each, the events recorded while a replica was not listening', async () => {
    await bothConsuming();
    const schema = inProcessServiceConfig('ops-centre').database.schema;
    const fanout = replicas[1].get(StreamFanout);
    // No reconnect on its own (setTimeout's longest delay, 24 days): the test reconnects it once the
    // events below are recorded, however long recording them takes.
    fanout.reconnectDelayMs = 2 ** 31 - 1;
    // The test broker is shared: others' events recorded during the gap must not push these past the cap.
    fanout.catchUpMaxEvents = 1_000_000;
    const [later, ...countries] = await freshTestCountries(13);
    const base = (await replicas[1].getUrl()).replace('[::1]', '127.0.0.1');
    const token = await devToken({ roles: ['global-watch-officer'], subject: 'int-fanout-catch-up' });
    const client = await openSse(`${base}/stream?type=signal-recorded&country=${[...countries, later].join(',')}&access_token=${token}`);
    const db = adminClient();
    await db.connect();
    try {
      await client.waitFor((m) => m.event === 'hello');
      const listening = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [fanout.applicationName])).rows[0].n;
      expect(await listening()).toBe(1);
      const { rows: since } = await db.query<{ at: Date }>('SELECT now() AS at');
      const killed = await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [fanout.applicationName]);
      expect(killed.rowCount).toBe(1);

      for (const country of countries) await publishSignals(producer, country, 3);
      const recorded = await eventually(async () => {
        const { rows } = await db.query<{ event_id: string }>(`SELECT event_id FROM "${schema}".timeline_entries WHERE country = ANY($1::bpchar[]) AND received_at >= $2`, [countries, since[0].at]);
        return rows.length === countries.length * 3 && rows.map((r) => r.event_id);
      }, 30_000, 100);
      // Otherwise the events would simply have been notified live, and this would prove nothing.
      expect(await listening(), 'the replica reconnected before the events were recorded').toBe(0);

      fanout.reconnectNow();
      await eventually(async () => (await listening()) === 1, 30_000, 200);
      const received = () =>
        client.messages
          .filter((m) => m.event === 'domain-event' && countries.includes((m.data as { country: string }).country))
          .map((m) => (m.data as { id: string }).id);
      await eventually(async () => received().length >= recorded.length, 30_000, 200).catch(() => undefined);
      expect(received().sort()).toEqual([...recorded].sort());

      // Live again after the catch-up; and by the time this arrives, a duplicate would have too.
      await publishSignals(producer, later, 1);
      await client.waitFor((m) => m.event === 'domain-event' && (m.data as { country: string }).country === later, 30_000);
      expect(received().sort()).toEqual([...recorded].sort());
      expect(client.messages.filter((m) => m.event === 'dropped')).toEqual([]);
    } finally {
      client.close();
      await db.end();
    }
  }, 120_000);
});
