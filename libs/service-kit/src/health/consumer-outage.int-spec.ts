import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '@crisis-ops/config';
import { createScratchTopics, eventually, startBrokerProxy, testKafka, uniqueSuffix, type BrokerProxy, type BrokerProxyMode } from '@crisis-ops/testing';
import { kafkaServerOptions } from '../bootstrap';
import { ConsumerHealthIndicator, FETCH_UNANSWERED_MS } from './consumer.health';

type Status = { status: string; consuming?: boolean; message?: string };

/**
 * The consumer check on a real consumer of the real broker, with the services' consumer settings,
 * reaching the broker through a proxy the test takes away: the outage a replica sees when the broker
 * is stopped or hangs (the shared test broker is never stopped).
 */
describe('the consumer check when the consumer loses the broker', { timeout: 90_000 }, () => {
  const topic = `test.consumer-outage.${uniqueSuffix()}`;
  let topics: { delete(): Promise<void> };
  let proxy: BrokerProxy;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    topics = await createScratchTopics([topic], 2);
    const producer = testKafka('consumer-outage-writer').producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }] });
    await producer.disconnect();
    proxy = await startBrokerProxy();
  });

  afterEach(async () => {
    await proxy.setMode('forward');
    await consumer?.disconnect().catch(() => undefined);
    consumer = undefined;
  });

  afterAll(async () => {
    await proxy?.close();
    await topics?.delete();
  });

  /** A consumer as the services configure theirs (a group of its own), watched as bootstrap does. */
  async function watchedConsumer(brokers: string[], handle: (status: () => Status) => Promise<void> = async () => undefined) {
    const options = kafkaServerOptions({ service: `consumer-outage-${uniqueSuffix()}`, kafkaBrokers: brokers } as unknown as ServiceConfig);
    const kafka = new Kafka({ ...options.client, brokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer(options.consumer as NonNullable<typeof options.consumer> & { groupId: string });
    const health = new ConsumerHealthIndicator(new HealthIndicatorService());
    const status = () => (health.check('consumer') as { consumer: Status }).consumer;
    health.watch(consumer);
    let handled = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        await handle(status);
        handled += batch.messages.length;
      },
    });
    await eventually(async () => handled === 2, 30_000);
    return { status };
  }

  const unanswered = /^broker \d+ has not answered the consumer's fetches for \d+ s \(since .+\)$/;
  const outages: Array<{ outage: BrokerProxyMode; said: RegExp }> = [
    // Fetches hang on the request timeout (30 s) and kafkajs retries them: it crashes the consumer
    // only after minutes, and the check said "consuming" all that while.
    { outage: 'silent', said: unanswered },
    // kafkajs gives up on a refused or closed connection within seconds and crashes the consumer,
    // whichever it says first.
    { outage: 'refuse', said: new RegExp(`${unanswered.source}|^the consumer is restarting after: Connection error: connect ECONNREFUSED`) },
    { outage: 'cut', said: new RegExp(`${unanswered.source}|^the consumer is restarting after: Closed connection$`) },
  ];

  it.each(outages)(
    'given the broker gone ($outage) while the consumer runs, then it is said not to be consuming within the bound, and why, and consuming again once the broker is back',
    async ({ outage, said }) => {
      const { status } = await watchedConsumer([proxy.address]);
      expect(status()).toEqual({ status: 'up', consuming: true });
      // Every connection of the consumer goes through the proxy, not only its first.
      expect(proxy.open).toBeGreaterThan(0);

      const lost = Date.now();
      await proxy.setMode(outage);
      const down = await eventually(async () => status().status === 'down' && status(), FETCH_UNANSWERED_MS + 5_000, 200);
      if (said === unanswered) expect(Date.now() - lost).toBeGreaterThanOrEqual(FETCH_UNANSWERED_MS);
      expect(down).toMatchObject({ consuming: false, message: expect.stringMatching(said) });

      await proxy.setMode('forward');
      expect(await eventually(async () => status().status === 'up' && status(), 60_000, 200)).toEqual({ status: 'up', consuming: true });
    },
  );

  it('given a handler that runs well past the bound while the broker is there, then consuming throughout', async () => {
    const checks: Array<Status & { at: number }> = [];
    let began = 0;
    const { status } = await watchedConsumer([proxy.address], async (status) => {
      began = Date.now();
      const until = began + FETCH_UNANSWERED_MS + 3_000;
      while (Date.now() < until) {
        checks.push({ ...status(), at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    // Checked throughout, however the timers drift on a loaded machine: a handful of checks, the
    // first near the handler's start and the last past the bound (where a fetch left unanswered since
    // the handler began would have said down).
    expect(checks.length).toBeGreaterThanOrEqual(5);
    expect(checks[0].at - began).toBeLessThan(1_000);
    expect((checks.at(-1)?.at ?? 0) - began).toBeGreaterThan(FETCH_UNANSWERED_MS);
    expect(checks.filter((c) => c.status !== 'up')).toEqual([]);
    expect(status()).toEqual({ status: 'up', consuming: true });
  });
});
