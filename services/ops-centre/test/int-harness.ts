import { afterAll, beforeAll } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { startServiceApp } from '@crisis-ops/service-kit';
import { devToken, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from './sse-client';
import { SERVICE } from '../src/service.definition';

/**
 * ops-centre booted in-process on the test infrastructure (INFRA_PROFILE=test) for one int suite:
 * migrations as the migrator, consumer group "ops-centre", an idempotent producer for the events the
 * suite publishes, a global officer's token, and the streams the suite opens, closed after it.
 */
export function useOpsCentre(producerName: string) {
  const h = {
    app: undefined as unknown as INestApplication,
    base: '',
    producer: undefined as unknown as Producer,
    globalToken: '',
    streams: [] as SseClient[],
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
    async api(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
      const res = await fetch(`${h.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    /** GET /stream; once open, after its hello. */
    async stream(query: string, token?: string, headers: Record<string, string> = {}): Promise<SseClient> {
      const s = await openSse(`${h.base}/stream?${query}${token ? `&access_token=${token}` : ''}`, headers);
      h.streams.push(s);
      if (s.status === 200) await s.waitFor((m) => m.event === 'hello');
      return s;
    },
  };

  beforeAll(async () => {
    h.app = await startServiceApp(SERVICE, inProcessServiceConfig('ops-centre'), { port: 0, host: '127.0.0.1', quiet: true });
    h.base = (await h.app.getUrl()).replace('[::1]', '127.0.0.1');
    h.producer = testKafka(producerName).producer({ idempotent: true });
    await h.producer.connect();
    h.globalToken = await devToken({ roles: ['global-watch-officer', 'ops-engineer'], subject: 'int-global' });
  });

  afterAll(async () => {
    for (const s of h.streams) s.close();
    await h.producer?.disconnect();
    await h.app?.close();
  });

  return h;
}
