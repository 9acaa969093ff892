import type { TestProject } from 'vitest/node';
import { startService, type RunningService } from '@crisis-ops/testing';
import { startOtlpReceiver } from './otlp-receiver';
import { E2E_PORTS, SERVICES_UNDER_TEST, type PlatformUrls } from './platform';

/** Services whose Kafka consumers must have joined their groups before a test may rely on them. */
const CONSUMERS: readonly string[] = ['ops-centre', 'mediation'];

/**
 * Starts the five built services once for the whole suite, as separate processes against the test
 * infrastructure, with their traces exported to an in-process OTLP receiver; stops them afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startOtlpReceiver();
  const started: RunningService[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
    await receiver.close();
  };
  const t0 = Date.now();
  try {
    const results = await Promise.allSettled(
      SERVICES_UNDER_TEST.map(async (name) => {
        const service = await startService(name, { port: E2E_PORTS[name], otlpEndpoint: receiver.url });
        started.push(service);
        // Readiness says HTTP, database and Kafka answer; the consumer joins its group just after.
        if (CONSUMERS.includes(name)) await service.waitForLog('consuming as group', 60_000);
        return service;
      }),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(failed.map((f) => (f.reason as Error).message).join('\n\n'));
  } catch (err) {
    await stopAll();
    throw err;
  }
  process.stdout.write(`[platform-e2e] five services ready in ${Date.now() - t0} ms (logs in tmp/e2e-logs)\n`);

  const urls = Object.fromEntries(started.map((s) => [s.name, s.url])) as PlatformUrls;
  project.provide('platform', urls);
  project.provide('otlpReceiverUrl', receiver.url);
  return stopAll;
}
