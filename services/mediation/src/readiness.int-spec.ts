import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { startServiceApp } from '@crisis-ops/service-kit';
import { eventually, inProcessServiceConfig } from '@crisis-ops/testing';
import { SERVICE } from './service.definition';

describe('readiness follows the Kafka consumer', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await startServiceApp(SERVICE, inProcessServiceConfig('mediation'), { port: 0, host: '127.0.0.1', quiet: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  const ready = async () => {
    const res = await fetch(`${base}/health/ready`);
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string; details?: Record<string, { status: string; message?: string }> } };
  };

  it('given a consumer that stopped while the service runs, then the replica is no longer ready, and says why', async () => {
    expect(await ready()).toMatchObject({ status: 200, body: { details: { consumer: { status: 'up' } } } });
    // What kafkajs does after an error it does not retry: the consumer stops, the process stays up.
    const [, consumer] = app.getMicroservices()[0].unwrap<[unknown, Consumer]>();
    await consumer.stop();
    const answer = await eventually(async () => {
      const r = await ready();
      return r.status === 503 && r;
    }, 10_000);
    expect(answer.body).toMatchObject({ code: 'HEALTH.NOT_READY', message: 'not ready: consumer', details: { consumer: { status: 'down', message: 'the consumer stopped' } } });
  });
});
