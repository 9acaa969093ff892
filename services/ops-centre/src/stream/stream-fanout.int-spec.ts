import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Producer } from 'kafkajs';
import { startServiceApp } from '@crisis-ops/service-kit';
import { devToken, eventually, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../../test/sse-client';
import { publishSignals, testCountry } from '../../test/events';
import { SERVICE } from '../service.definition';

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

  it('streams to a client of one replica the events the other replica recorded', async () => {
    // Both replicas hold partitions, so neither consumes everything itself.
    await eventually(async () => {
      const [group] = (await admin.describeGroups(['ops-centre'])).groups;
      return group.state === 'Stable' && group.members.length >= 2 && group.members.every((m) => m.memberAssignment.length > 0);
    }, 60_000, 500);

    const base = (await replicas[1].getUrl()).replace('[::1]', '127.0.0.1');
    const token = await devToken({ roles: ['global-watch-officer'], subject: 'int-fanout' });
    const client = await openSse(`${base}/stream?type=signal-recorded&access_token=${token}`);
    stream = client;
    expect(client.status).toBe(200);
    await client.waitFor((m) => m.event === 'hello');

    // Twelve countries, keyed over (very likely) all six partitions.
    const countries = Array.from({ length: 12 }, () => testCountry());
    for (const country of countries) await publishSignals(producer, country, 1);
    const seen = () => new Set(client.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { country: string }).country));
    await eventually(async () => countries.every((c) => seen().has(c)), 30_000, 200).catch(() => undefined);
    expect(countries.filter((c) => !seen().has(c))).toEqual([]);
  });
});
