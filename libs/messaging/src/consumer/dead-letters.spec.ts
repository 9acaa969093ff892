import { describe, expect, it } from 'vitest';
import type { Producer, ProducerRecord } from 'kafkajs';
import { TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { FIRST_PUBLISHED_HEADER, handlingOf, isTooOldToRedrive, letterStatus, REDRIVE_HORIZON_DAYS, REDRIVEN_FROM_HEADER, valueCutOf, type DeadLetter } from './dead-letters';
import { redrive } from './redrive';
import { MAX_SEND_BYTES } from '../outbox/outbox-relay';

const letter = (n: number, failedAt = new Date().toISOString(), bytes = 10_000, firstPublishedAt = ''): DeadLetter => ({
  at: { topic: 'things.dlq', partition: 0, offset: String(n) },
  originalTopic: 'things',
  origin: { partition: 0, offset: String(100 + n) },
  key: Buffer.from('BFA'),
  value: Buffer.alloc(bytes, 1),
  headers: { ce_id: Buffer.from(`e-${n}`) },
  eventId: `e-${n}`,
  eventType: 't',
  consumer: 'c',
  errorCode: 'E',
  errorMessage: 'm',
  attempts: 4,
  failedAt,
  firstPublishedAt,
  redrivenAt: null,
  valueCut: null,
  redriving: null,
});

/** A producer that keeps what was sent, each send's messages passed to `onSend` as they go. */
function keepingProducer(onSend: (record: ProducerRecord) => void = () => undefined) {
  const sent: ProducerRecord[] = [];
  const producer = {
    send: async (record: ProducerRecord) => {
      onSend(record);
      sent.push(record);
    },
  } as unknown as Producer;
  const messagesTo = (topic: string) => sent.filter((r) => r.topic === topic).flatMap((r) => r.messages);
  return { producer, messagesTo };
}

describe('redriving dead letters', () => {
  it('sends a large backlog in sends the broker accepts (under 1 MiB per record batch), all of it, in order', async () => {
    const sends: Buffer[][] = [];
    const { producer } = keepingProducer((r) => r.topic === 'things' && sends.push(r.messages.map((m) => m.value as Buffer)));
    // Each letter's payload says which it is, so the order they went in can be read back.
    const letters = Array.from({ length: 300 }, (_, i) => ({ ...letter(i), value: Buffer.concat([Buffer.from(`${i}:`), Buffer.alloc(10_000, 1)]) }));
    expect(await redrive(producer, letters)).toBe(300);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.flat().map((v) => Number(v.toString('latin1').split(':')[0]))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    for (const send of sends) expect(send.reduce((a, b) => a + b.length, 0)).toBeLessThan(MAX_SEND_BYTES);
  });

  it(`holds back letters dead-lettered over ${REDRIVE_HORIZON_DAYS} days ago, which consumers may no longer remember`, () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isTooOldToRedrive(letter(1, '2026-05-01T00:00:00Z'), now)).toBe(false);
    expect(isTooOldToRedrive(letter(2, '2026-04-01T00:00:00Z'), now)).toBe(true);
  });

  it('counts from when the event was first published, not from its latest dead-lettering (a letter redriven and dead-lettered again)', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(isTooOldToRedrive(letter(1, '2026-05-25T00:00:00Z', 10, '2026-04-10T00:00:00Z'), now)).toBe(true);
    expect(isTooOldToRedrive(letter(2, '2026-05-25T00:00:00Z', 10, '2026-05-10T00:00:00Z'), now)).toBe(false);
  });

  it('sends a redriven event with the time it was first published, so a second dead-lettering keeps it', async () => {
    const { producer, messagesTo } = keepingProducer();
    await redrive(producer, [letter(1, '2026-05-25T00:00:00Z', 10, '2026-05-10T00:00:00Z')]);
    expect(messagesTo('things')[0].headers).toMatchObject({ [FIRST_PUBLISHED_HEADER]: '2026-05-10T00:00:00Z', [REDRIVEN_FROM_HEADER]: 'things.dlq/0/1' });
  });

  it('sends a letter written before first-publish times were kept with its failure time, the earliest known', async () => {
    const { producer, messagesTo } = keepingProducer();
    await redrive(producer, [letter(1, '2026-05-25T00:00:00Z')]);
    expect(messagesTo('things')[0].headers).toMatchObject({ [FIRST_PUBLISHED_HEADER]: '2026-05-25T00:00:00Z' });
  });

  it('sends one copy of an event that two consumer groups dead-lettered, where each letter sent one and each group got both', async () => {
    const { producer, messagesTo } = keepingProducer();
    const byMediation = { ...letter(1), consumer: 'mediation' };
    const byOpsCentre = { ...letter(1), at: { topic: 'things.dlq', partition: 0, offset: '2' }, origin: { partition: 0, offset: '101' }, consumer: 'ops-centre' };
    expect(await redrive(producer, [byMediation, byOpsCentre, letter(2)])).toBe(2);
    const sent = messagesTo('things').map((m) => String((m.headers as Record<string, unknown>).ce_id));
    expect(sent.sort()).toEqual(['e-1', 'e-2']);
  });

  it('sends one copy of an unreadable record (no event id) that two consumer groups dead-lettered, where each letter sent one that no inbox could tell apart', async () => {
    const { producer, messagesTo } = keepingProducer();
    const unreadable = { ...letter(3), eventId: null, headers: {}, value: Buffer.from('not an event') };
    const byMediation = { ...unreadable, consumer: 'mediation' };
    const byOpsCentre = { ...unreadable, at: { topic: 'things.dlq', partition: 0, offset: '4' }, consumer: 'ops-centre' };
    const anotherRecord = { ...unreadable, at: { topic: 'things.dlq', partition: 0, offset: '5' }, origin: { partition: 2, offset: '103' } };
    const saysNoOrigin = { ...unreadable, at: { topic: 'things.dlq', partition: 0, offset: '6' }, origin: null };
    expect(await redrive(producer, [byMediation, byOpsCentre, anotherRecord, saysNoOrigin, { ...saysNoOrigin, at: { topic: 'things.dlq', partition: 0, offset: '7' } }])).toBe(4);
    expect(messagesTo('things').map((m) => (m.headers as Record<string, unknown>)[REDRIVEN_FROM_HEADER])).toEqual(['things.dlq/0/3', 'things.dlq/0/5', 'things.dlq/0/6', 'things.dlq/0/7']);
    // The letter whose copy did not go is redriven all the same: the other one's copy answers for it (copyOf).
    const records = messagesTo(TOPIC_REDRIVES).map((m) => JSON.parse(String(m.value)) as { state: string; copyOf: string; letter: { offset: string } });
    expect(records.filter((r) => r.state === 'redriven').map((r) => [r.letter.offset, r.copyOf])).toEqual([
      ['3', 'things.dlq/0/3'],
      ['4', 'things.dlq/0/3'],
      ['5', 'things.dlq/0/5'],
      ['6', 'things.dlq/0/6'],
      ['7', 'things.dlq/0/7'],
    ]);
  });

  it('records each letter it is about to send back before its copy goes (redriving), and once it went (redriven); does not send a letter already redriven again', async () => {
    const order: string[] = [];
    const { producer, messagesTo } = keepingProducer((r) => order.push(r.topic === TOPIC_REDRIVES ? `${JSON.parse(String(r.messages[0].value)).state} record` : 'copy'));
    const now = new Date('2026-06-01T10:00:00Z');
    const redriven = { ...letter(1), redrivenAt: '2026-05-30T08:00:00.000Z' };
    expect(await redrive(producer, [redriven, letter(2)], { now })).toBe(1);
    expect(order).toEqual(['redriving record', 'copy', 'redriven record']);
    expect(messagesTo('things').map((m) => String((m.headers as Record<string, unknown>).ce_id))).toEqual(['e-2']);
    const record = (state: string) => ({ letter: { topic: 'things.dlq', partition: 0, offset: '2' }, eventId: 'e-2', state, copyOf: 'things.dlq/0/2', redrivenAt: '2026-06-01T10:00:00.000Z' });
    expect(messagesTo(TOPIC_REDRIVES).map((m) => [m.key, JSON.parse(String(m.value))])).toEqual([
      ['things.dlq/0/2', record('redriving')],
      ['things.dlq/0/2', record('redriven')],
    ]);
    expect(await redrive(producer, [redriven], { now })).toBe(0);
  });

  it('leaves letters whose copy could not be sent redriving, where they read as untouched and the next redrive sent them again', async () => {
    const topics: string[] = [];
    const producer = {
      send: async ({ topic }: ProducerRecord) => {
        topics.push(topic);
        if (topic === 'things') throw new Error('not the leader');
      },
    } as unknown as Producer;
    await expect(redrive(producer, [letter(1)])).rejects.toThrow('not the leader');
    expect(topics).toEqual([TOPIC_REDRIVES, 'things']);
  });

  it('stops before a send when told to (a claim held too long), having sent nothing more', async () => {
    const { producer, messagesTo } = keepingProducer();
    let sends = 0;
    const stop = () => {
      if (++sends > 1) throw new Error('claim lapsed');
    };
    await expect(redrive(producer, [letter(1)], { beforeSend: stop })).rejects.toThrow('claim lapsed');
    expect(messagesTo('things')).toEqual([]);
    expect(messagesTo(TOPIC_REDRIVES).map((m) => JSON.parse(String(m.value)).state)).toEqual(['redriving']);
  });

  it('tells a letter too old to redrive from one outstanding, and a redrive begun from both', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(letterStatus(letter(1, '2026-05-25T00:00:00Z'), now)).toBe('outstanding');
    expect(letterStatus(letter(2, '2026-04-01T00:00:00Z'), now)).toBe('too-old');
    // A redrive cut short on a letter since grown too old: no redrive can finish it by sending it.
    expect(letterStatus({ ...letter(3, '2026-04-01T00:00:00Z'), redriving: { since: '2026-05-01T00:00:00Z', copyOf: 'things.dlq/0/3' } }, now)).toBe('too-old');
    expect(letterStatus({ ...letter(5, '2026-05-25T00:00:00Z'), redriving: { since: '2026-05-26T00:00:00Z', copyOf: 'things.dlq/0/5' } }, now)).toBe('redriving');
    expect(letterStatus({ ...letter(4, '2026-04-01T00:00:00Z'), redrivenAt: '2026-05-01T00:00:00Z' }, now)).toBe('redriven');
  });
});

describe('what a letter says of its handling, to an engineer', () => {
  it('says a record without a readable envelope was refused, not given up on after 0 attempts', () => {
    expect(handlingOf({ ...letter(1), attempts: 0 })).toBe('c refused it: no readable envelope');
    expect(handlingOf(letter(2))).toBe('c gave up after 4 attempt(s)');
  });

  it('says of a letter whose value was cut how long it was, what is kept and that it is not redriven', () => {
    expect(valueCutOf(letter(3))).toBeNull();
    expect(valueCutOf({ ...letter(4, undefined, 1_024), valueCut: { originalBytes: 1_048_000, sha256: 'ab12' } })).toBe(
      'VALUE CUT: 1048000 bytes (sha256 ab12) did not fit the dead-letter topic, 1024 kept; not redriven (a copy would be a truncated event): publish it again from its source',
    );
  });
});
