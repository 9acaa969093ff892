import { afterAll, describe, expect, it } from 'vitest';
import type { Consumer, Producer } from 'kafkajs';
import { dlqTopicOf, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { api, eventuallyOnTimeline, mediationReaderToken, platform, signalBody, testCountry } from './platform-api';

interface DeadLetter {
  consumer: string;
  errorCode: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: bigint;
}

describe('a poison event through the real consumers', () => {
  let producer: Producer | undefined;
  let reader: Consumer | undefined;

  afterAll(async () => {
    await Promise.allSettled([producer?.disconnect(), reader?.disconnect()]);
  });

  it('is dead-lettered by ops-centre and mediation while the partition keeps flowing', async () => {
    const country = testCountry();
    const marker = `not a cloud event ${uniqueSuffix()}`;
    producer = testKafka('platform-e2e-poison').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    // Same key as the good signal below, so both land on one partition, the poison record first.
    await producer.send({ topic: TOPIC_SIGNALS, acks: -1, messages: [{ key: country, value: marker }] });

    const posted = await api<{ id: string }>(`${platform()['early-warning']}/signals`, { body: signalBody(country) });
    expect(posted.status).toBe(202);
    const good = await eventuallyOnTimeline(country, posted.body.id, 15_000);
    await eventually(async () => {
      const watch = await api<{ lastEventId: string }>(`${platform().mediation}/country-watch/${country}`, { token: await mediationReaderToken() });
      return watch.status === 200 && watch.body.lastEventId === good.eventId;
    }, 15_000, 200);

    const letters: DeadLetter[] = [];
    reader = testKafka('platform-e2e-dlq').consumer({ groupId: `platform-e2e-dlq-${uniqueSuffix()}` });
    await reader.connect();
    await reader.subscribe({ topic: dlqTopicOf(TOPIC_SIGNALS), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== country || message.value?.toString() !== marker) return;
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        letters.push({
          consumer: header('dlq_consumer'),
          errorCode: header('dlq_error_code'),
          originalTopic: header('dlq_original_topic'),
          originalPartition: Number(header('dlq_original_partition')),
          originalOffset: BigInt(header('dlq_original_offset') || '-1'),
        });
      },
    });
    // At-least-once: a redelivery may dead-letter the record twice, so look at who, not how many.
    // Every consumer group of the signals topic dead-letters it on its own (early-warning's too), so
    // wait for the two named here, not for any two letters.
    const consumers = () => [...new Set(letters.map((l) => l.consumer))].sort();
    await eventually(async () => ['mediation', 'ops-centre'].every((c) => consumers().includes(c)), 30_000, 200).catch(() => undefined);
    expect(consumers()).toEqual(expect.arrayContaining(['mediation', 'ops-centre']));
    for (const letter of letters) {
      expect(letter).toMatchObject({ errorCode: 'MESSAGING.MALFORMED_EVENT', originalTopic: TOPIC_SIGNALS });
      // The good event sat behind the poison record on the same partition and still got through.
      expect(letter.originalPartition).toBe(good.partition);
      expect(letter.originalOffset < BigInt(good.offset)).toBe(true);
    }
  });
});
