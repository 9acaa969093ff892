import { afterAll, beforeAll } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Role } from '@crisis-ops/auth';
import { SignJWT } from 'jose';
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, LOCAL_DEV_SECRET } from '@crisis-ops/auth';
import { startServiceApp } from '@crisis-ops/service-kit';
import { devToken, inProcessServiceConfig, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from './sse-client';
import { SERVICE } from '../src/service.definition';

export interface OpsCentreHarnessOptions {
  /**
   * Who `globalToken` is: by default a global watch officer who is also an ops engineer. A suite
   * whose requests must be only a global watch officer's (what the other roles would add or hide)
   * names its own roles and subject.
   */
  readonly globalToken?: { readonly roles: Role[]; readonly subject: string };
}

/**
 * ops-centre booted in-process on the test infrastructure (INFRA_PROFILE=test) for one int suite:
 * migrations as the migrator, consumer group "ops-centre", an idempotent producer for the events the
 * suite publishes, a global officer's token, and the streams the suite opens, closed after it.
 * Its fields are set in a beforeAll: read them in the suite's own beforeAll or in its tests.
 */
export function useOpsCentre(producerName: string, options: OpsCentreHarnessOptions = {}) {
  const tokenOf: { readonly roles: Role[]; readonly subject: string } = options.globalToken ?? { roles: ['global-watch-officer', 'ops-engineer'], subject: 'int-global' };
  const h = {
    app: undefined as unknown as INestApplication,
    base: '',
    producer: undefined as unknown as Producer,
    globalToken: '',
    streams: [] as SseClient[],
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
    async api(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
      const res = await fetch(`${h.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
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
    h.globalToken = await devToken({ roles: tokenOf.roles, subject: tokenOf.subject });
  });

  afterAll(async () => {
    for (const s of h.streams) s.close();
    await h.producer?.disconnect();
    await h.app?.close();
  });

  return h;
}

/**
 * A token (by default an africa watch officer's) that expired `secondsAgo` seconds ago: the verifier still accepts
 * it for the rest of its 30 s of clock tolerance, so a stream opened with it (24 s ago: for about 6 s
 * more) shows what happens when its token expires, without waiting out a real lifetime.
 */
export async function tokenExpiredAgo(
  secondsAgo: number,
  { roles = ['watch-officer'], region = 'africa', subject = 'int-expiring' }: { roles?: Role[]; region?: string | null; subject?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles, ...(region === null ? {} : { region }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(DEFAULT_AUTH_ISSUER)
    .setAudience(DEFAULT_AUTH_AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now - secondsAgo)
    .sign(new TextEncoder().encode(LOCAL_DEV_SECRET));
}
