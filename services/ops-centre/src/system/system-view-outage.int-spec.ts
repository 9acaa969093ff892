import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '@crisis-ops/config';
import { eventually, startBrokerProxy, type BrokerProxy, type BrokerProxyMode } from '@crisis-ops/testing';
import type { RedrivenLetters } from './redriven-letters';
import { SystemService } from './system.service';
import { BROKER_ANSWER_MS, systemViewKafka } from './view-reads';

const redrivesNotRead = { state: () => ({ ready: false, reason: 'not read in this test' }), redrivenOf: () => 0 } as unknown as RedrivenLetters;

/**
 * The system view as ops-centre builds it (its own client, systemViewKafka), reading the real broker
 * through a proxy the test takes away: an engineer refreshing the view through a broker outage. The
 * services' health is asked on ports where nothing listens; only the broker reads matter here.
 */
describe('the system view refreshed while the broker is gone', { timeout: 120_000 }, () => {
  let proxy: BrokerProxy;
  const view = () => new SystemService(systemViewKafka({ service: 'ops-centre-int', kafkaBrokers: [proxy.address] }), { port: 1 } as ServiceConfig, redrivesNotRead).view();

  beforeAll(async () => {
    proxy = await startBrokerProxy();
  });

  afterEach(async () => {
    await proxy.setMode('forward');
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('given the broker there, then the groups and dead letters are read, and the view leaves no connection open once it has answered', async () => {
    const answer = await view();
    expect(answer.consumerGroups.map((g) => g.state)).not.toContain('Unknown');
    expect(answer.consumerGroups.filter((g) => g.lagError !== null)).toEqual([]);
    expect(Object.values(answer.deadLetters).filter((n) => n === null)).toEqual([]);
    expect(proxy.accepted).toBeGreaterThan(0);
    await eventually(async () => proxy.open === 0, 2_000, 20);
  });

  it.each<BrokerProxyMode>(['cut', 'silent'])(
    'given the broker gone (%s), then each refresh answers within its wait and, once its reads have run out, leaves nothing open and tries nothing more, where each went on trying in the background for about 47 s',
    async (outage) => {
      await proxy.setMode(outage);
      for (let refresh = 0; refresh < 2; refresh++) {
        const asked = Date.now();
        const answer = await view();
        const answered = Date.now();
        expect(answered - asked).toBeLessThan(BROKER_ANSWER_MS + 2_000);
        for (const g of answer.consumerGroups) expect(g).toMatchObject({ state: 'Unknown', totalLag: null, lagError: expect.any(String) });
        expect(Object.values(answer.deadLetters).every((n) => n === null)).toBe(true);
        // A request in flight when the view answered runs out its timeout (BROKER_ANSWER_MS from when
        // it was sent, before the answer): by then the view's client has let go of everything.
        await eventually(async () => proxy.open === 0, BROKER_ANSWER_MS + 1_000, 50);
        const attempts = proxy.accepted;
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        expect({ open: proxy.open, newAttempts: proxy.accepted - attempts }).toEqual({ open: 0, newAttempts: 0 });
      }
    },
  );

  it('given the broker refusing connections, then the view answers at once, saying why', async () => {
    await proxy.setMode('refuse');
    const asked = Date.now();
    const answer = await view();
    expect(Date.now() - asked).toBeLessThan(BROKER_ANSWER_MS);
    for (const g of answer.consumerGroups) expect(g.lagError).toMatch(/ECONNREFUSED/);
  });
});
