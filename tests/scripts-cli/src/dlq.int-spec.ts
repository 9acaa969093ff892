import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { CE_ELECTION_SCHEDULED, dlqTopicOf, ElectionKind, ElectionScheduledSchema, encodeEvent, TOPIC_ELECTIONS, TOPIC_REDRIVES } from '@crisis-ops/contracts';
import { claimRedrive, cloudEventHeaders, createIdempotentProducer, redriveRecord } from '@crisis-ops/messaging';
import { ReadPositions, testKafka, uniqueSuffix, unusedCountryCodes } from '@crisis-ops/testing';
import { closedPort, runScript } from './run-script';

/**
 * `npm run dlq` on the shared test broker. The letters are written to the elections topic's
 * dead-letter topic, which no other suite writes to or counts (ops-centre's counts the risk one), as
 * an ElectionScheduled event of a code no suite has used: a redriven copy is a well-formed event
 * that any running ops-centre files under a country of its own. Ids are unique to the run, so
 * letters of earlier runs, still on the topic, are told apart.
 */
const RUN = uniqueSuffix();
const DAY = 86_400_000;

describe('npm run dlq', () => {
  let country: string;
  let producer: Producer;
  let reader: Consumer | undefined;
  const fresh = `scripts-cli-${RUN}-fresh`;
  const second = `scripts-cli-${RUN}-second`;
  const old = `scripts-cli-${RUN}-old`;
  let written: Map<string, Buffer>;

  /** A dead letter as a consumer's ReliableHandler writes it after giving up `failedDaysAgo` days ago. */
  const letter = (id: string, failedDaysAgo: number) => ({
    key: country,
    value: Buffer.from(
      encodeEvent(
        CE_ELECTION_SCHEDULED,
        create(ElectionScheduledSchema, { electionId: id, country, kind: ElectionKind.GENERAL, scheduledFor: '2031-05-04', occurredAt: timestampFromDate(new Date()) }),
      ),
    ),
    headers: {
      ...cloudEventHeaders({ id, type: CE_ELECTION_SCHEDULED, source: 'electoral-support', time: new Date(Date.now() - failedDaysAgo * DAY) }),
      dlq_consumer: 'scripts-cli-test',
      dlq_original_topic: TOPIC_ELECTIONS,
      dlq_error_code: 'TEST.MENDED_SINCE',
      dlq_error_message: 'written by the scripts-cli int test to be listed and redriven',
      dlq_attempts: '3',
      dlq_failed_at: new Date(Date.now() - failedDaysAgo * DAY).toISOString(),
    },
  });

  beforeAll(async () => {
    [country] = await unusedCountryCodes(1, { tables: ['ops_centre.timeline_entries'] });
    producer = testKafka('scripts-cli-dlq').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const letters = [letter(fresh, 0), letter(second, 0), letter(old, 60)];
    written = new Map([fresh, second, old].map((id, i) => [id, letters[i].value]));
    await producer.send({ topic: dlqTopicOf(TOPIC_ELECTIONS), acks: -1, messages: letters });
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.disconnect(), reader?.disconnect()]);
  });

  /** Every record of the elections topic that carries one of this run's event ids, read from the start to the end. */
  async function onElectionsTopic(): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const positions = new ReadPositions();
    // A group of its own each time: a group read once before would start where it committed.
    await reader?.disconnect();
    reader = testKafka('scripts-cli-dlq-reader').consumer({ groupId: `scripts-cli-dlq-${RUN}-${uniqueSuffix()}` });
    await reader.connect();
    await reader.subscribe({ topic: TOPIC_ELECTIONS, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (message.headers?.ce_id?.toString().startsWith(`scripts-cli-${RUN}-`)) seen.push(message);
        positions.record(topic, partition, message.offset);
      },
    });
    await positions.readToEnd(TOPIC_ELECTIONS);
    return seen;
  }

  it('lists each dead letter with its consumer, attempts and error, as text and as JSON', async () => {
    const text = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`\\S+  ${dlqTopicOf(TOPIC_ELECTIONS).replaceAll('.', '\\.')} \\d+/\\d+  ${fresh}  ${CE_ELECTION_SCHEDULED}  OUTSTANDING\\n    scripts-cli-test gave up after 3 attempt\\(s\\): TEST\\.MENDED_SINCE: written by the scripts-cli int test to be listed and redriven\\n`),
    );
    expect(text.stdout).toMatch(/\n\d+ dead letter\(s\): \d+ outstanding, \d+ redriven, \d+ too old to redrive(, \d+ of a redrive not finished)?\n$/);
    // Too old to redrive: shown apart, not as work waiting.
    expect(text.stdout).toMatch(new RegExp(`  ${old}  ${CE_ELECTION_SCHEDULED}  TOO OLD \\(first published over 37 days ago: no redrive sends it\\)\\n`));

    const json = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS, '--json']);
    expect(json.code).toBe(0);
    const ours = (JSON.parse(json.stdout) as Array<Record<string, unknown>>).filter((l) => String(l.eventId).startsWith(`scripts-cli-${RUN}-`));
    expect(ours.map((l) => [l.eventId, l.status])).toEqual([
      [fresh, 'outstanding'],
      [second, 'outstanding'],
      [old, 'too-old'],
    ]);
    expect(ours[0]).toMatchObject({
      originalTopic: TOPIC_ELECTIONS,
      eventType: CE_ELECTION_SCHEDULED,
      consumer: 'scripts-cli-test',
      errorCode: 'TEST.MENDED_SINCE',
      attempts: 3,
      redrivenAt: null,
      key: country,
      bytes: expect.any(Number),
      at: { topic: dlqTopicOf(TOPIC_ELECTIONS), partition: expect.any(Number), offset: expect.any(String) },
    });
  });

  it('sends a letter back to its topic as it first came; asked also for one it cannot find or one too old to send, sends what it can and exits 1', async () => {
    const found = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', fresh]);
    expect(found.stderr).toBe('');
    expect(found.stdout).toBe(`1 event(s) sent back to ${TOPIC_ELECTIONS}\n`);
    expect(found.code).toBe(0);

    const missing = `scripts-cli-${RUN}-never-dead-lettered`;
    const partly = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', second, '--event-id', missing]);
    expect(partly.stderr).toBe(`dlq: no dead letter of ${TOPIC_ELECTIONS} has event id ${missing}\n`);
    expect(partly.stdout).toBe(`1 event(s) sent back to ${TOPIC_ELECTIONS}\n`);
    expect(partly.code).toBe(1);

    const tooOld = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', old]);
    expect(tooOld.error).toMatch(new RegExp(`^dlq: not sending 1 letter\\(s\\) whose event was first published over 37 days ago \\(${old}\\)`));
    expect(tooOld.stdout).toBe('');
    expect(tooOld.code).toBe(1);

    const seen = await onElectionsTopic();
    const copy = seen.find((m) => m.headers?.ce_id?.toString() === fresh);
    expect(copy?.key?.toString()).toBe(country);
    expect(copy?.value?.toString('base64')).toBe(written.get(fresh)?.toString('base64'));
    expect(copy?.headers?.ce_type?.toString()).toBe(CE_ELECTION_SCHEDULED);
    expect(copy?.headers?.redriven_from?.toString()).toMatch(new RegExp(`^${dlqTopicOf(TOPIC_ELECTIONS).replaceAll('.', '\\.')}/\\d+/\\d+$`));
    // The dead-letter bookkeeping stays on the dead-letter topic.
    expect(Object.keys(copy?.headers ?? {}).filter((h) => h.startsWith('dlq_'))).toEqual([]);
    expect(seen.map((m) => m.headers?.ce_id?.toString()).sort()).toEqual([fresh, second].sort());
  });

  it('lists a redriven letter as redriven, where after a redrive it read exactly as one still to deal with; --outstanding leaves it out, and the one too old; it is not sent again', async () => {
    const json = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS, '--json']);
    const ours = (JSON.parse(json.stdout) as Array<{ eventId: string; redrivenAt: string | null; status: string }>).filter((l) => l.eventId.startsWith(`scripts-cli-${RUN}-`));
    expect(ours.map((l) => [l.eventId, l.status])).toEqual([
      [fresh, 'redriven'],
      [second, 'redriven'],
      [old, 'too-old'],
    ]);
    expect(Math.abs(Date.parse(ours[0].redrivenAt ?? '') - Date.now())).toBeLessThan(120_000);

    const text = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS]);
    expect(text.stdout).toMatch(new RegExp(`  ${fresh}  ${CE_ELECTION_SCHEDULED}  redriven ${ours[0].redrivenAt?.replaceAll('.', '\\.')}\\n`));
    const outstanding = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS, '--outstanding']);
    expect(outstanding.code).toBe(0);
    expect(outstanding.stdout).not.toContain(`  ${old}  `);
    expect(outstanding.stdout).not.toContain(`  ${fresh}  `);
    expect(outstanding.stdout).toMatch(/\d+ dead letter\(s\): \d+ outstanding, \d+ redriven, \d+ too old to redrive(, \d+ of a redrive not finished)?\)?\n$/);

    const again = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', fresh]);
    expect(again.stderr).toBe(`dlq: not sending 1 letter(s) sent back already (${fresh} on ${ours[0].redrivenAt})\n`);
    expect(again.stdout).toBe('');
    expect(again.code).toBe(0);
    expect((await onElectionsTopic()).filter((m) => m.headers?.ce_id?.toString() === fresh)).toHaveLength(1);
  });

  it('lists a letter whose redrive was cut short as REDRIVING, not OUTSTANDING; the next redrive sends it only as its copy had not gone', async () => {
    const cut = `scripts-cli-${RUN}-cut`;
    const [at] = await producer.send({ topic: dlqTopicOf(TOPIC_ELECTIONS), acks: -1, messages: [letter(cut, 0)] });
    const position = { topic: dlqTopicOf(TOPIC_ELECTIONS), partition: at.partition, offset: String(at.baseOffset) };
    // A redrive killed after recording what it was about to send, before its copy went.
    const since = new Date().toISOString();
    await producer.send({ topic: TOPIC_REDRIVES, acks: -1, messages: [redriveRecord({ letter: position, eventId: cut, state: 'redriving', redrivenAt: since })] });

    const listed = await runScript('dlq', ['list', '--topic', TOPIC_ELECTIONS, '--outstanding']);
    expect(listed.stdout).toMatch(new RegExp(`  ${cut}  ${CE_ELECTION_SCHEDULED}  REDRIVING since ${since.replaceAll('.', '\\.')} \\(cut short, or under way`));
    expect(listed.stdout).toMatch(/, [1-9]\d* of a redrive not finished\)?\n$/);

    const resumed = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', cut]);
    expect(resumed.stderr).toBe(`dlq: 1 letter(s) a redrive cut short had not sent are sent now (${cut})\n`);
    expect(resumed.stdout).toBe(`1 event(s) sent back to ${TOPIC_ELECTIONS}\n`);
    expect(resumed.code).toBe(0);
    expect((await onElectionsTopic()).filter((m) => m.headers?.ce_id?.toString() === cut)).toHaveLength(1);
  });

  it('sends nothing while another redrive of the topic is under way, and says whose, exiting 1', async () => {
    const claimer = createIdempotentProducer(testKafka('scripts-cli-dlq-claim'));
    await claimer.connect();
    const held = await claimRedrive(testKafka('scripts-cli-dlq-claim'), claimer, dlqTopicOf(TOPIC_ELECTIONS));
    try {
      const run = await runScript('dlq', ['redrive', '--topic', TOPIC_ELECTIONS, '--all']);
      expect(run.error).toMatch(new RegExp(`^dlq: another redrive of ${dlqTopicOf(TOPIC_ELECTIONS).replaceAll('.', '\\.')} is under way, by \\S+ pid ${process.pid} since ${held.holder.at.replaceAll('.', '\\.')}; run this again once it has ended`));
      expect(run.stdout).toBe('');
      expect(run.code).toBe(1);
    } finally {
      await held.release();
      await claimer.disconnect();
    }
  });

  it('says in one line, within seconds, that it cannot reach the broker', async () => {
    const port = await closedPort();
    const started = Date.now();
    const run = await runScript('dlq', ['list'], { env: { KAFKA_BROKERS: `127.0.0.1:${port}` } });
    expect(run.stderr).toBe(`dlq: Kafka at 127.0.0.1:${port}: Connection error: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('takes the broker of a stack started on other ports (INFRA_KAFKA_PORT) when KAFKA_BROKERS is not set, as npm start and npm stop do', async () => {
    const port = await closedPort();
    const run = await runScript('dlq', ['list'], { env: { KAFKA_BROKERS: undefined, INFRA_KAFKA_PORT: String(port) } });
    expect(run.error).toBe(`dlq: Kafka at 127.0.0.1:${port}: Connection error: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.code).toBe(1);
  });

  it('exits 78 (EX_CONFIG, as the services do) on an invalid KAFKA_BROKERS, naming it once with the reason', async () => {
    // It exited 2, a usage error's code, and said "dlq: dlq: invalid configuration" with the variable on the next line.
    const run = await runScript('dlq', ['list'], { env: { KAFKA_BROKERS: 'bogus' } });
    expect(run.stderr).toBe('dlq: invalid configuration: KAFKA_BROKERS must be a comma-separated list of host:port\n');
    expect(run.code).toBe(78);
    expect(run.stdout).toBe('');
  });

  it('is not stopped by database variables it does not use', async () => {
    // It loaded a whole service's configuration: DATABASE_PORT=abc, set for some service, stopped `dlq list` with exit 78.
    const port = await closedPort();
    const run = await runScript('dlq', ['list'], { env: { KAFKA_BROKERS: `127.0.0.1:${port}`, DATABASE_PORT: 'abc', DATABASE_POOL_SIZE: '0' } });
    expect(run.error).toBe(`dlq: Kafka at 127.0.0.1:${port}: Connection error: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.code).toBe(1);
  });

  // Concurrent: each is a process of its own, and the suite has a time budget.
  it.concurrent.each([
    { why: 'no command', args: [], error: 'dlq: the command must be list or redrive, not nothing' },
    { why: 'a topic that is not a domain topic', args: ['list', '--topic', 'elections'], error: 'dlq: --topic elections is not a domain topic' },
    { why: 'a redrive of no letter in particular', args: ['redrive', '--topic', TOPIC_ELECTIONS], error: 'dlq: redrive needs --event-id (repeatable) or --all' },
    { why: 'a redrive of a blank event id', args: ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', ''], error: 'dlq: --event-id must not be empty' },
    { why: 'a redrive of a blank event id among others', args: ['redrive', '--topic', TOPIC_ELECTIONS, '--event-id', 'x-1', '--event-id', '  '], error: 'dlq: --event-id must not be empty' },
    { why: 'a blank topic', args: ['list', '--topic', ''], error: 'dlq: --topic must not be empty' },
    { why: 'a redrive to two topics at once', args: ['redrive', '--topic', TOPIC_ELECTIONS, '--topic', TOPIC_ELECTIONS, '--all'], error: 'dlq: redrive takes exactly one --topic' },
  ])('refuses $why with a one-line reason and exit code 2', async ({ args, error }) => {
    const run = await runScript('dlq', args);
    expect(run.error).toBe(error);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});
