import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerGroupLag, createBoundedKafka, createKafka, readConsumerGroupLag } from '@crisis-ops/messaging';
import { metricsHandler, observeConsumerLag, shutdownTelemetry, startTelemetry } from '@crisis-ops/observability';
import { createScratchTopics, eventually, testInfra, testKafka, uniqueSuffix } from '@crisis-ops/testing';

const lagOf = (body: string, topic: string, partition: number) =>
  body.match(new RegExp(`^consumer_lag\\{[^}]*topic="${topic.replace(/\./g, '\\.')}"[^}]*partition="${partition}"[^}]*\\} (\\S+)$`, 'm'))?.[1];

/**
 * The lag as the services read it (consumerGroupLag through the kafkajs admin), first from the
 * test broker, then from a "broker" that accepts connections and never answers, as a stopped one.
 */
describe('consumer_lag while the broker does not answer', { timeout: 30_000 }, () => {
  const topic = `test.lag.${uniqueSuffix()}`;
  const group = `lag-${uniqueSuffix()}`;
  let topics: { delete(): Promise<void> };
  let live: Admin;
  let hung: Admin;
  let silent: TcpServer;
  const sockets: Socket[] = [];
  let http: Server;
  let base: string;

  beforeAll(async () => {
    startTelemetry({ serviceName: 'consumer-lag-int' });
    topics = await createScratchTopics([topic], 1);
    const producer = testKafka('lag-writer').producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    live = testKafka('lag-admin').admin();
    await live.connect();
    silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // The services' own client settings (connection timeout, retries), against the silent port.
    hung = createKafka({ clientId: 'lag-hung', brokers: [`127.0.0.1:${(silent.address() as AddressInfo).port}`] }).admin();
    http = createHttpServer((req, res) => metricsHandler(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    http?.close();
    for (const socket of sockets) socket.destroy();
    silent?.close();
    await hung?.disconnect().catch(() => undefined);
    await live?.disconnect();
    await topics?.delete();
    await shutdownTelemetry();
  });

  it('answers scrapes with the last lag read while a read waits on the broker', async () => {
    let admin = live;
    let hungReads = 0;
    let hungAnswers = 0;
    const stop = observeConsumerLag(
      async () => {
        const asked = admin;
        if (asked === hung) hungReads++;
        try {
          return await consumerGroupLag(asked, group, [topic]);
        } finally {
          if (asked === hung) hungAnswers++;
        }
      },
      { everyMs: 200, timeoutMs: 100 },
    );
    try {
      // No offset committed: the lag is all three records.
      await eventually(async () => lagOf(await (await fetch(`${base}/metrics`)).text(), topic, 0) === '3');

      admin = hung;
      // Scraped until a read has reached the silent broker (its connection accepted: the accept can
      // come a moment after the read began): each scrape answered meanwhile, and the last one while
      // that read still waits (kafkajs waits 30 s per request before it retries).
      const body = await eventually(async () => {
        const scraped = await (await fetch(`${base}/metrics`)).text();
        return hungReads > 0 && sockets.length > 0 && scraped;
      }, 5_000, 20);
      expect(hungAnswers).toBe(0);
      expect(lagOf(body, topic, 0)).toBe('3');
      expect(body).toMatch(/^consumer_lag_age_seconds(\{[^}]*\})? \S+$/m);
    } finally {
      stop();
    }
  });

  it('gives up a read the broker does not answer and closes its connection, where the read went on holding it until kafkajs gave up (30 s per request, then retries)', async () => {
    // Read so from the test broker, it answers as the shared admin did.
    const answering = createBoundedKafka({ clientId: 'lag-bounded', brokers: testInfra().kafkaBrokers }, 5_000);
    expect(await readConsumerGroupLag(answering, group, [topic])).toEqual([{ topic, partition: 0, lag: 3 }]);

    // A silent broker of this test's own: the read above may still be trying the other one.
    const open = new Set<Socket>();
    let accepted = 0;
    const mute = createTcpServer((socket) => {
      accepted++;
      open.add(socket);
      // Read and never answered, as a stopped broker: a socket never read would not see the client close it.
      socket.resume();
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    // As the services read it (service-kit): a client bounded by the read's timeout.
    const kafka = createBoundedKafka({ clientId: 'lag-given-up', brokers: [`127.0.0.1:${(mute.address() as AddressInfo).port}`] }, 500);
    let reads = 0;
    const stop = observeConsumerLag(
      (signal) => {
        reads++;
        return readConsumerGroupLag(kafka, group, [topic], signal);
      },
      { everyMs: 60_000, timeoutMs: 500 },
    );
    try {
      await eventually(async () => accepted > 0, 5_000, 20);
      const connected = Date.now();
      // Given up on after 500 ms: its connection goes with it, and nothing is tried again.
      await eventually(async () => open.size === 0, 5_000, 20);
      expect(Date.now() - connected).toBeLessThan(3_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect({ reads, accepted, open: open.size }).toEqual({ reads: 1, accepted: 1, open: 0 });
    } finally {
      stop();
      for (const socket of open) socket.destroy();
      mute.close();
    }
  });
});
