/**
 * The dead-letter topics, for ops engineers: what consumers gave up on, and why, and which letters
 * were sent back already; and, once the fault is mended, the events sent back to their topics as
 * they first came. Consumers apply an event once (their inbox), so redriving one that some consumer
 * had applied changes nothing there. A letter stays on its topic after a redrive (Kafka deletes
 * nothing singly): the redrive is recorded beside it (TOPIC_REDRIVES), and a letter is sent back once.
 * One redrive of a topic runs at a time (a claim on TOPIC_REDRIVES, redrive-claim.ts); a redrive cut
 * short leaves its letters REDRIVING, and the next one sends only those whose copy did not go.
 *
 *   npm run dlq -- list [--topic early-warning.signals.v1 …] [--outstanding] [--json]
 *   npm run dlq -- redrive --topic early-warning.signals.v1 (--event-id ID … | --all)
 *
 * Kafka: KAFKA_BROKERS, else INFRA_KAFKA_PORT, else this clone's stack (scriptEnv). Exit 0 on success, 1 when
 * redrive did not send every letter asked for (an id not found, a letter too old; what could go
 * went; a letter sent back before counts as sent) or another redrive of the topic is under way, 2 on
 * a usage error, 78 (EX_CONFIG) on an invalid KAFKA_BROKERS (bogus). It reads no other variable: it uses
 * no database, so the services' database settings, right or wrong, do not stop it.
 */
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import { z } from 'zod';
import { brokerList, loadConfig } from '@crisis-ops/config';
import {
  CLAIM_EXPIRES_MS,
  createIdempotentProducer,
  createKafka,
  handlingOf,
  letterStatus,
  readDeadLetters,
  REDRIVE_HORIZON_DAYS,
  RedriveClaimedError,
  RedriveClaimLapsedError,
  redriveTopic,
  type DeadLetter,
  type LetterStatus,
  valueCutOf,
} from '@crisis-ops/messaging';
import { EX_CONFIG, parseCommandArgs, runCli, scriptEnv, UsageError } from './lib/cli';

const USAGE = `Usage:
  npm run dlq -- list [--topic TOPIC …] [--outstanding] [--json]
                                                          dead letters of every domain topic, or of these, each
                                                          OUTSTANDING (to redrive), REDRIVING (a redrive began it and did
                                                          not finish: cut short, or under way), TOO OLD (first published
                                                          over ${REDRIVE_HORIZON_DAYS} days ago: no redrive sends it) or redriven
                                                          (--outstanding: only those to deal with, OUTSTANDING and REDRIVING)
  npm run dlq -- redrive --topic TOPIC (--event-id ID … | --all)
                                                          send them back to TOPIC, as they first came
                                                          (--all: every outstanding letter); a letter is sent back once:
                                                          a REDRIVING one only if its copy is not on TOPIC already.
                                                          One redrive of a TOPIC at a time: while another is under way
                                                          it sends nothing and exits 1, naming who runs it (a crashed
                                                          one's claim lapses after ${CLAIM_EXPIRES_MS / 60_000} min)

  TOPIC is a domain topic: ${DOMAIN_TOPICS.join(', ')}

Exit: 0 done; 1 a redrive that did not send every letter asked for, or one of TOPIC under way, or Kafka
unreachable; 2 a usage error; ${EX_CONFIG} an invalid KAFKA_BROKERS (named, with the reason)`;

function commandLine(argv: string[]) {
  const parsed = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: { topic: { type: 'string', multiple: true }, 'event-id': { type: 'string', multiple: true }, all: { type: 'boolean' }, outstanding: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [command, ...extra] = positionals;
  if (command !== 'list' && command !== 'redrive') throw new UsageError(`the command must be list or redrive, not ${command ?? 'nothing'}`);
  if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const topics = values.topic ?? [];
  if (topics.some((t) => t.trim() === '')) throw new UsageError('--topic must not be empty');
  const unknown = topics.filter((t) => !(DOMAIN_TOPICS as readonly string[]).includes(t));
  if (unknown.length) throw new UsageError(`--topic ${unknown.join(', ')} is not a domain topic`);
  // A blank id would be looked up, found nowhere, and answered "no dead letter ... has event id " (exit 1).
  const ids = values['event-id'] ?? [];
  if (ids.some((id) => id.trim() === '')) throw new UsageError('--event-id must not be empty');
  if (command === 'redrive') {
    if (topics.length !== 1) throw new UsageError('redrive takes exactly one --topic');
    if (!values.all && ids.length === 0) throw new UsageError('redrive needs --event-id (repeatable) or --all');
    if (values.all && ids.length) throw new UsageError('give --event-id or --all, not both');
    if (values.outstanding) throw new UsageError('--outstanding is for list: redrive sends outstanding letters only');
  }
  return { command, topics: topics.length ? topics : [...DOMAIN_TOPICS], ids, json: values.json === true, outstanding: values.outstanding === true };
}

const STATUS_TEXT: Record<LetterStatus, (l: DeadLetter) => string> = {
  outstanding: () => 'OUTSTANDING',
  redriving: (l) => `REDRIVING since ${l.redriving?.since} (cut short, or under way: the next redrive sends it only if its copy did not go)`,
  'too-old': (l) =>
    `TOO OLD (first published over ${REDRIVE_HORIZON_DAYS} days ago: no redrive sends it${l.redriving ? `; a redrive began it ${l.redriving.since} and was cut short: the next redrive records it redriven if its copy went` : ''})`,
  redriven: (l) => `redriven ${l.redrivenAt}`,
};

const line = (l: DeadLetter, now: Date) =>
  `${l.failedAt || '?'}  ${l.at.topic} ${l.at.partition}/${l.at.offset}  ${l.eventId ?? '(no id)'}  ${l.eventType ?? '(no type)'}  ${STATUS_TEXT[letterStatus(l, now)](l)}\n    ${handlingOf(l)}: ${l.errorCode}: ${l.errorMessage}${l.firstPublishedAt ? `\n    first published ${l.firstPublishedAt}` : ''}` +
  (valueCutOf(l) ? `\n    ${valueCutOf(l)}` : '');

/** To deal with: OUTSTANDING, and REDRIVING (a redrive to run again). Not TOO OLD: no redrive can. */
const toDealWith = (status: LetterStatus) => status === 'outstanding' || status === 'redriving';

function listing(all: readonly DeadLetter[], onlyOutstanding: boolean, now: Date): string {
  const count = (s: LetterStatus) => all.filter((l) => letterStatus(l, now) === s).length;
  const shown = onlyOutstanding ? all.filter((l) => toDealWith(letterStatus(l, now))) : all;
  const redriving = count('redriving');
  const total =
    `${all.length} dead letter(s): ${count('outstanding')} outstanding, ${count('redriven')} redriven, ${count('too-old')} too old to redrive` +
    (redriving ? `, ${redriving} of a redrive not finished` : '');
  return shown.length ? `${shown.map((l) => line(l, now)).join('\n')}\n${total}\n` : all.length ? `no outstanding dead letters (${total})\n` : 'no dead letters\n';
}

async function dlq(args: NonNullable<ReturnType<typeof commandLine>>): Promise<number> {
  // A bad variable throws a ConfigError: runCli names it and exits 78 (EX_CONFIG).
  const brokers = loadConfig('dlq', z.object({ KAFKA_BROKERS: brokerList }), scriptEnv()).KAFKA_BROKERS;
  const kafka = createKafka({ clientId: 'crisis-ops-dlq', brokers, commandLine: true });
  // Which broker: with two stacks on a machine, "no dead letters" or a timeout means little without it.
  const naming = (err: Error) => {
    throw new Error(`Kafka at ${brokers.join(', ')}: ${err.message}`);
  };
  const now = new Date();

  if (args.command === 'list') {
    const letters = await readDeadLetters(kafka, args.topics).catch(naming);
    const shown = args.outstanding ? letters.filter((l) => toDealWith(letterStatus(l, now))) : letters;
    if (args.json) {
      const out = shown.map(({ key, value, headers: _headers, ...l }) => ({ ...l, status: letterStatus(l as DeadLetter, now), key: key?.toString() ?? null, bytes: value?.length ?? 0 }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else process.stdout.write(listing(letters, args.outstanding, now));
    return 0;
  }

  const topic = args.topics[0];
  const producer = createIdempotentProducer(kafka);
  await producer.connect().catch(naming);
  let report;
  try {
    report = await redriveTopic(kafka, producer, topic, args.ids.length ? { ids: args.ids } : { all: true });
  } catch (err) {
    if (err instanceof RedriveClaimedError || err instanceof RedriveClaimLapsedError) {
      process.stderr.write(`dlq: ${err.message}\n`);
      return 1;
    }
    return naming(err as Error);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  const ids = (list: readonly DeadLetter[]) => list.map((l) => l.eventId ?? `(no id, ${l.at.partition}/${l.at.offset})`).join(', ');
  if (report.missing.length) process.stderr.write(`dlq: no dead letter of ${topic} has event id ${report.missing.join(', ')}\n`);
  if (report.alreadyRedriven.length) {
    process.stderr.write(`dlq: not sending ${report.alreadyRedriven.length} letter(s) sent back already (${report.alreadyRedriven.map((l) => `${l.eventId} on ${l.redrivenAt}`).join(', ')})\n`);
  }
  if (report.confirmed.length) {
    process.stderr.write(`dlq: not sending ${report.confirmed.length} letter(s) a redrive cut short had sent back (their copies are on ${topic}): now recorded as redriven (${ids(report.confirmed)})\n`);
  }
  if (report.resumed.length) process.stderr.write(`dlq: ${report.resumed.length} letter(s) a redrive cut short had not sent are sent now (${ids(report.resumed)})\n`);
  if (report.cut.length) {
    process.stderr.write(
      `dlq: not sending ${report.cut.length} letter(s) whose value was too large for the dead-letter topic and was cut (${ids(report.cut)}): ` +
        'a copy would deliver a truncated event; publish those events again from their source\n',
    );
  }
  if (report.tooOld.length) {
    process.stderr.write(
      `dlq: not sending ${report.tooOld.length} letter(s) whose event was first published over ${REDRIVE_HORIZON_DAYS} days ago (${ids(report.tooOld)}): ` +
        'consumers that applied those events may no longer remember them, and would apply them twice\n',
    );
  }
  if (typeof report.forgotten !== 'number') process.stderr.write(`dlq: the records of letters gone from the dead-letter topics were not tidied this time: ${report.forgotten.failed}\n`);
  if (report.sent === 0 && !report.confirmed.length) {
    if (!report.missing.length && !report.alreadyRedriven.length && !report.tooOld.length && !report.cut.length) process.stderr.write('dlq: nothing to redrive: no outstanding dead letter\n');
    // Letters asked for that were all sent back before are done with; anything else is not.
    return report.missing.length || report.tooOld.length || report.cut.length || !report.alreadyRedriven.length ? 1 : 0;
  }
  if (report.sent) process.stdout.write(`${report.sent} event(s) sent back to ${topic}\n`);
  // A runbook's `&& echo done` must not read a partial redrive as a whole one.
  return report.missing.length > 0 || report.tooOld.length > 0 || report.cut.length > 0 ? 1 : 0;
}

runCli('dlq', USAGE, commandLine, dlq);
