import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { TOPIC_RISK } from '@crisis-ops/contracts';
import { startServiceApp } from '@crisis-ops/service-kit';
import { devToken, inProcessServiceConfig } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../../test/sse-client';
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

  beforeAll(async () => {
    app = await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.close();
  });

  it('ends its live streams and replays, so it closes instead of waiting for them', async () => {
    const base = (await (app as INestApplication).getUrl()).replace('[::1]', '127.0.0.1');
    const token = await devToken({ roles: ['global-watch-officer'], subject: 'int-shutdown' });
    const live = await openSse(`${base}/stream?access_token=${token}`);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${from}&speed=real&access_token=${token}`);
    clients.push(live, replay);
    await live.waitFor((m) => m.event === 'hello');
    await replay.waitFor((m) => m.event === 'hello');

    await within(10_000, 'closing the app', (app as INestApplication).close());
    app = undefined;
    await within(5_000, 'the live stream ending', live.ended);
    await within(5_000, 'the replay ending', replay.ended);
    const end = replay.messages.find((m) => m.event === 'end');
    // A replay cut short says so; one that had already read everything says it ended.
    expect(end?.data).toMatchObject({ reason: expect.stringMatching(/^(shutdown|end)$/) });
  });
});
