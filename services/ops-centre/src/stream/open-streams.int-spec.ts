import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { RiskLevel, TOPIC_RISK } from '@crisis-ops/contracts';
import { startServiceApp } from '@crisis-ops/service-kit';
import { devToken, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../../test/sse-client';
import { freshTestCountry, publishEscalation } from '../../test/events';
import { SERVICE } from '../service.definition';

const within = <T>(ms: number, what: string, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);

/**
 * A replica shutting down (a deploy, a scale-in) with consoles connected: Node's server.close()
 * waits for every open response, and a live stream never ends by itself.
 */
describe('ops-centre shutting down with consoles connected', () => {
  let app: INestApplication | undefined;
  const clients: SseClient[] = [];

  let producer: Producer;

  beforeAll(async () => {
    app = await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true });
    producer = testKafka('ops-centre-shutdown-producer').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await producer?.disconnect();
    await app?.close();
  });

  it('ends its live streams and replays, so it closes instead of waiting for them', async () => {
    const base = (await (app as INestApplication).getUrl()).replace('[::1]', '127.0.0.1');
    const token = await devToken({ roles: ['global-watch-officer'], subject: 'int-shutdown' });
    const live = await openSse(`${base}/stream?access_token=${token}`);
    // Two events three seconds apart: at real speed the replay is waiting for the second when the app closes.
    const country = await freshTestCountry();
    const from = new Date(Date.now() - 1_000).toISOString();
    const first = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    await new Promise((r) => setTimeout(r, 3_000));
    const second = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${from}&speed=real&country=${country}&access_token=${token}`);
    clients.push(live, replay);
    await live.waitFor((m) => m.event === 'hello');
    await replay.waitFor((m) => (m.data as { id?: string }).id === first.eventId);

    await within(10_000, 'closing the app', (app as INestApplication).close());
    app = undefined;
    await within(5_000, 'the live stream ending', live.ended);
    await within(5_000, 'the replay ending', replay.ended);
    expect(replay.messages.find((m) => m.event === 'end')?.data).toMatchObject({ reason: 'shutdown' });
    expect(replay.messages.map((m) => (m.data as { id?: string }).id)).not.toContain(second.eventId);
  });
});
