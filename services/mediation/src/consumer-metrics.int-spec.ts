import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { eventTypesOfTopic, TOPIC_RISK, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { shutdownTelemetry, startTelemetry } from '@crisis-ops/observability';
import { startServiceApp } from '@crisis-ops/service-kit';
import { inProcessServiceConfig, metricValue } from '@crisis-ops/testing';
import { SERVICE } from './service.definition';


describe('the consumer counters of a freshly booted service', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'mediation' });
    app = await startServiceApp(SERVICE, inProcessServiceConfig('mediation'), { port: 0, host: '127.0.0.1', quiet: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await shutdownTelemetry();
  });

  it('are on /metrics from boot for each event type of each topic it consumes, where failed and dead-lettered were absent until the first failure', async () => {
    const body = await (await fetch(`${base}/metrics`)).text();
    const expected = [TOPIC_RISK, TOPIC_SIGNALS].flatMap((topic) => eventTypesOfTopic(topic).map((type) => ({ topic, type, service: 'mediation' })));
    expect(expected.length).toBeGreaterThan(2);
    for (const labels of expected) {
      // Exported, whatever their value: the group reads the shared test topics, where other suites'
      // events may already have been consumed, or have failed on purpose. Unseeded, a series of a type
      // that never failed was absent (undefined), which is what this tells apart.
      for (const name of ['events_consumed_total', 'events_failed_total', 'events_dead_lettered_total']) {
        expect(metricValue(body, name, labels), `${name} ${labels.type}`).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
