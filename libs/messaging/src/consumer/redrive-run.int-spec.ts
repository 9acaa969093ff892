import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import { dlqTopicOf, TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { createScratchTopics, eventually, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { createIdempotentProducer } from '../kafka/kafka-factory';
import { rangesFrom, readRanges } from '../kafka/read-range';
import { cloudEventHeaders } from '../cloud-event';
import { letterStatus, readDeadLetters } from './dead-letters';
import { redrive } from './redrive';
import { CLAIM_EXPIRES_MS, claimRedrive, RedriveClaimedError } from './redrive-claim';
import { RedriveLedger } from './redrive-ledger';
import { redriveTopic } from './redrive-run';
import { letterKey, readRedrives } from './redrives';

const DAY = 86_400_000;

/**
 * Redrives cut short, run twice at once, of letters too old, and the records of letters gone, on the
 * test broker: each case on a scratch topic of its own (one partition, so letters' offsets are 0, 1,
 * … in the order written); the redrives and claims on the platform's one redrives topic, where the
 * scratch topic's name keeps this run's apart.
 */
describe('redrives that do not go as planned', () => {
  const scratch: Array<{ delete(): Promise<void> }> = [];
  let writer: Producer;
  let redriver: Producer;
  let admin: Admin;
  const kafka = testKafka('dlq-tool');

  const letter = (topic: string, id: string | null, origin: number, failedDaysAgo = 0) => ({
    key: 'BFA',
    partition: 0,
    value: Buffer.from(id ? `payload-${id}` : 'not an event at all'),
    headers: {
      ...(id ? cloudEventHeaders({ id, type: 'org.crisis-ops.test.thing.v1', source: 'test', time: new Date(Date.now() - failedDaysAgo * DAY) }) : {}),
      dlq_consumer: 'mediation',
      dlq_original_topic: topic,
      dlq_original_partition: '0',
      dlq_original_offset: String(origin),
      dlq_error_code: 'TEST.FAILED',
      dlq_error_message: 'written by the redrive-run int test',
      dlq_attempts: '3',
      dlq_failed_at: new Date(Date.now() - failedDaysAgo * DAY).toISOString(),
    },
  });

  /** A scratch topic and its dead-letter topic (one partition each), with these letters on it. */
  async function topicWith(letters: (topic: string) => Array<ReturnType<typeof letter>>): Promise<string> {
    const topic = `test.redrive-run.${uniqueSuffix()}`;
    scratch.push(await createScratchTopics([topic, dlqTopicOf(topic)], 1));
    await writer.send({ topic: dlqTopicOf(topic), acks: -1, messages: letters(topic) });
    return topic;
  }

  /** The payloads on the topic (the copies sent back), read to its end. */
  async function copiesOn(topic: string): Promise<string[]> {
    const ranges = await rangesFrom(admin, [topic]);
    const seen: string[] = [];
    await readRanges(kafka, ranges, 'redrive-run-test', async ({ message }) => {
      seen.push(String(message.value));
    });
    return seen.sort();
  }

  /** A producer that dies (its send throws) at the `n`th send to `topic`, as a process killed there would stop. */
  const dyingAt = (topic: string, n: number): Producer => {
    let sends = 0;
    return new Proxy(redriver, {
      get: (target, name) =>
        name === 'send'
          ? async (record: Parameters<Producer['send']>[0]) => {
              if (record.topic === topic && ++sends === n) throw new Error('killed');
              return target.send(record);
            }
          : Reflect.get(target, name),
    });
  };

  beforeAll(async () => {
    writer = createIdempotentProducer(testKafka('consumers'));
    redriver = createIdempotentProducer(kafka);
    admin = testKafka('redrive-run-admin').admin();
    await Promise.all([writer.connect(), redriver.connect(), admin.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled([writer?.disconnect(), redriver?.disconnect(), admin?.disconnect()]);
    await Promise.allSettled(scratch.map((s) => s.delete()));
  });

  it('lists letters whose copies went before the redrive was cut short as redriving, not outstanding; the next redrive sends none of them again and records them', async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10), letter(t, null, 11)]);
    const letters = await readDeadLetters(kafka, [topic]);
    // Killed after the copies went, at the second record: the one that says they went.
    await expect(redrive(dyingAt(TOPIC_REDRIVES, 2), letters)).rejects.toThrow('killed');
    expect(await copiesOn(topic)).toEqual(['not an event at all', 'payload-e-1']);

    const cutShort = await readDeadLetters(kafka, [topic]);
    expect(cutShort.map((l) => letterStatus(l))).toEqual(['redriving', 'redriving']);

    const report = await redriveTopic(kafka, redriver, topic, { all: true });
    expect(report).toMatchObject({ sent: 0, resumed: [] });
    expect(report.confirmed.map((l) => l.eventId)).toEqual(['e-1', null]);
    // Sent again, the unreadable record would have reached every consumer group as a new one.
    expect(await copiesOn(topic)).toEqual(['not an event at all', 'payload-e-1']);
    expect((await readDeadLetters(kafka, [topic])).map((l) => letterStatus(l))).toEqual(['redriven', 'redriven']);
  });

  it('sends, of a redrive cut short, the letters whose copies did not go, once', async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10), letter(t, 'e-2', 11)]);
    await expect(redrive(dyingAt(topic, 1), await readDeadLetters(kafka, [topic]))).rejects.toThrow('killed');
    expect(await copiesOn(topic)).toEqual([]);

    const report = await redriveTopic(kafka, redriver, topic, { ids: ['e-2'] });
    expect(report).toMatchObject({ sent: 1, confirmed: [] });
    expect(report.resumed.map((l) => l.eventId)).toEqual(['e-2']);
    expect(await copiesOn(topic)).toEqual(['payload-e-2']);
    expect((await readDeadLetters(kafka, [topic])).map((l) => [l.eventId, letterStatus(l)])).toEqual([
      ['e-1', 'redriving'],
      ['e-2', 'redriven'],
    ]);
  });

  it('looks for the copies of a redrive cut short long ago only within its window, not on to the end of the topic', async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10), letter(t, 'e-2', 11)]);
    const dlq = dlqTopicOf(topic);
    // Cut short three weeks ago before its copies went (the dead-letter records say since when).
    const since = Date.now() - 21 * DAY;
    await expect(redrive(dyingAt(topic, 1), await readDeadLetters(kafka, [topic]), { now: new Date(since) })).rejects.toThrow('killed');
    // The topic since: e-1's copy within the redrive's window, then weeks of traffic, among which a
    // record naming e-2's letter an hour after the redrive began, past any send its holder could make.
    const at = (ms: number) => String(ms);
    await writer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'BFA', value: 'payload-e-1', timestamp: at(since + 60_000), headers: { redriven_from: `${dlq}/0/0` } },
        { key: 'BFA', value: 'later-1', timestamp: at(since + 30 * 60_000) },
        { key: 'BFA', value: 'not-a-copy-of-e-2', timestamp: at(since + 60 * 60_000), headers: { redriven_from: `${dlq}/0/1` } },
        { key: 'BFA', value: 'later-2', timestamp: at(since + 7 * DAY) },
      ],
    });

    const report = await redriveTopic(kafka, redriver, topic, { all: true });
    expect(report.confirmed.map((l) => l.eventId)).toEqual(['e-1']);
    expect(report.resumed.map((l) => l.eventId)).toEqual(['e-2']);
    expect(report.sent).toBe(1);
    expect(await copiesOn(topic)).toEqual(['later-1', 'later-2', 'not-a-copy-of-e-2', 'payload-e-1', 'payload-e-2']);
    expect((await readDeadLetters(kafka, [topic])).map((l) => letterStatus(l))).toEqual(['redriven', 'redriven']);
  });

  it('runs one redrive of a topic at a time: others started with it send nothing and name the one under way', async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10), letter(t, null, 11), letter(t, 'e-3', 12)]);
    const runs = await Promise.allSettled([1, 2, 3].map(() => redriveTopic(kafka, redriver, topic, { all: true })));
    const done = runs.filter((r) => r.status === 'fulfilled');
    const refused = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Each run that was refused was refused for the one under way (never another failure); a run that
    // started after another ended finds nothing left to send.
    for (const r of refused) expect(r.reason).toBeInstanceOf(RedriveClaimedError);
    expect(done.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.sent : 0), 0)).toBe(3);
    expect(await copiesOn(topic)).toEqual(['not an event at all', 'payload-e-1', 'payload-e-3']);
  });

  it('refuses a redrive while a claim is held, names its holder, and takes the topic once it is released or has lapsed', async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10)]);
    const held = await claimRedrive(kafka, redriver, dlqTopicOf(topic));
    const refused = await redriveTopic(kafka, redriver, topic, { all: true }).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(RedriveClaimedError);
    expect((refused as RedriveClaimedError).message).toMatch(new RegExp(`^another redrive of ${dlqTopicOf(topic).replaceAll('.', '\\.')} is under way, by \\S+ pid ${process.pid} since ${held.holder.at.replaceAll('.', '\\.')};`));
    expect(await copiesOn(topic)).toEqual([]);
    await held.release();
    expect((await redriveTopic(kafka, redriver, topic, { all: true })).sent).toBe(1);

    // A claim left by a redrive that crashed lapses: a later one is not held up for ever.
    const crashed = await claimRedrive(kafka, redriver, dlqTopicOf(topic), () => Date.now() - CLAIM_EXPIRES_MS - 1_000);
    const after = await claimRedrive(kafka, redriver, dlqTopicOf(topic));
    expect(after.holder.run).not.toBe(crashed.holder.run);
    await after.release();
  });

  it('counts for a view the letters kept, not redriven and too old to be, apart from those waiting, as the dlq tool lists them', async () => {
    const topic = await topicWith((t) => [
      letter(t, 'young', 10),
      letter(t, 'old', 11, 60),
      letter(t, 'old-redriven', 12, 60),
      letter(t, 'old-begun', 13, 60),
      letter(t, 'young-begun', 14),
    ]);
    const dlq = dlqTopicOf(topic);
    // A letter too old now that was redriven when it was not: redriven, not too old.
    const all = await readDeadLetters(kafka, [topic]);
    await redrive(redriver, all.filter((l) => l.eventId === 'old-redriven'));
    // Two letters a redrive cut short began (their copies not sent): one since grown too old.
    await expect(redrive(dyingAt(topic, 1), all.filter((l) => l.eventId?.endsWith('-begun')))).rejects.toThrow('killed');
    const listed = (await readDeadLetters(kafka, [topic])).map((l) => letterStatus(l));
    // Too old wins over redriving: no redrive can finish the old one by sending it, so it is no work waiting.
    expect(listed).toEqual(['outstanding', 'too-old', 'redriven', 'too-old', 'redriving']);

    const ledger = new RedriveLedger(testKafka('ledger'), 'test-redrive-ledger-ages', 15_000, [dlq]);
    try {
      await ledger.start();
      const kept = (await admin.fetchTopicOffsets(dlq)).map(({ partition, low, high }) => ({ partition, low, high }));
      // The view counts as the tool lists.
      expect(ledger.tooOldOf(dlq, kept)).toBe(listed.filter((s) => s === 'too-old').length);
      expect(ledger.redrivenOf(dlq, kept)).toBe(listed.filter((s) => s === 'redriven').length);
      expect(ledger.tooOldOf('a.topic.not.read.dlq', kept)).toBeNull();
      // The letters too old past the topic's retention: no letter, not counted.
      expect(ledger.tooOldOf(dlq, [{ partition: 0, low: '4', high: '5' }])).toBe(0);
    } finally {
      await ledger.stop();
    }
  });

  it("tombstones the redrive records of letters their topic no longer keeps, where the compacted topic kept one per letter ever redriven; a view reading it forgets them", async () => {
    const topic = await topicWith((t) => [letter(t, 'e-1', 10), letter(t, 'e-2', 11)]);
    const dlq = dlqTopicOf(topic);
    await redrive(redriver, await readDeadLetters(kafka, [topic]));
    const ledger = new RedriveLedger(testKafka('ledger'), 'test-redrive-ledger-forget');
    try {
      await ledger.start();
      const all = [{ partition: 0, low: '0', high: '2' }];
      expect(ledger.redrivenOf(dlq, all)).toBe(2);
      // Retention deletes the first letter.
      // (kafkajs deletes records only of a topic whose metadata its admin client has loaded.)
      await admin.fetchTopicMetadata({ topics: [dlq] });
      await admin.deleteTopicRecords({ topic: dlq, partitions: [{ partition: 0, offset: '1' }] });
      await writer.send({ topic: dlq, acks: -1, messages: [letter(topic, 'e-3', 12)] });
      const report = await redriveTopic(kafka, redriver, topic, { all: true });
      expect(report.sent).toBe(1);
      expect(report.forgotten).toBeGreaterThanOrEqual(1);
      const records = await readRedrives(kafka);
      expect(records.has(letterKey({ topic: dlq, partition: 0, offset: '0' }))).toBe(false);
      expect(records.has(letterKey({ topic: dlq, partition: 0, offset: '1' }))).toBe(true);
      // Counted as if the letter were still there: the view no longer has its record (and has read e-3's).
      await eventually(async () => ledger.redrivenOf(dlq, [{ partition: 0, low: '0', high: '1' }]) === 0 && ledger.redrivenOf(dlq, [{ partition: 0, low: '1', high: '3' }]) === 2, 10_000, 100);
    } finally {
      await ledger.stop();
    }
  });
});
