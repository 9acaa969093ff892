/**
 * The dead-letter topics, for ops engineers: what consumers gave up on, and why; and, once the fault
 * is mended, the events sent back to their topics as they first came. Consumers apply an event once
 * (their inbox), so redriving one that some consumer had applied changes nothing there.
 *
 *   npm run dlq -- list [--topic early-warning.signals.v1 …] [--json]
 *   npm run dlq -- redrive --topic early-warning.signals.v1 (--event-id ID … | --all)
 *
 * Kafka: KAFKA_BROKERS (default: the dev infrastructure, 127.0.0.1:9092, or its INFRA_KAFKA_PORT). Exit 0 on success, 1 when
 * redrive did not send every letter asked for (an id not found, a letter too old; what could go
 * went), 2 on a usage error.
 */
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import { ConfigError, loadServiceConfig } from '@crisis-ops/config';
import { createIdempotentProducer, createKafka, isTooOldToRedrive, readDeadLetters, REDRIVE_HORIZON_DAYS, redrive, type DeadLetter } from '@crisis-ops/messaging';
import { parseCommandArgs, runCli, scriptEnv, UsageError } from './lib/cli';

const USAGE = `Usage:
  npm run dlq -- list [--topic TOPIC …] [--json]          dead letters of every domain topic, or of these
  npm run dlq -- redrive --topic TOPIC (--event-id ID … | --all)
                                                          send them back to TOPIC, as they first came

  TOPIC is a domain topic: ${DOMAIN_TOPICS.join(', ')}`;

function commandLine(argv: string[]) {
  const parsed = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: { topic: { type: 'string', multiple: true }, 'event-id': { type: 'string', multiple: true }, all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [command, ...extra] = positionals;
  if (command !== 'list' && command !== 'redrive') throw new UsageError(`the command must be list or redrive, not ${command ?? 'nothing'}`);
  if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const topics = values.topic ?? [];
  const unknown = topics.filter((t) => !(DOMAIN_TOPICS as readonly string[]).includes(t));
  if (unknown.length) throw new UsageError(`--topic ${unknown.join(', ')} is not a domain topic`);
  const ids = values['event-id'] ?? [];
  if (command === 'redrive') {
    if (topics.length !== 1) throw new UsageError('redrive takes exactly one --topic');
    if (!values.all && ids.length === 0) throw new UsageError('redrive needs --event-id (repeatable) or --all');
    if (values.all && ids.length) throw new UsageError('give --event-id or --all, not both');
  }
  return { command, topics: topics.length ? topics : [...DOMAIN_TOPICS], ids, json: values.json === true };
}

const line = (l: DeadLetter) =>
  `${l.failedAt || '?'}  ${l.at.topic} ${l.at.partition}/${l.at.offset}  ${l.eventId ?? '(no id)'}  ${l.eventType ?? '(no type)'}\n    ${l.consumer} gave up after ${l.attempts} attempt(s): ${l.errorCode}: ${l.errorMessage}${l.firstPublishedAt ? `\n    first published ${l.firstPublishedAt}` : ''}`;

async function dlq(args: NonNullable<ReturnType<typeof commandLine>>): Promise<number> {
  let brokers: string[];
  try {
    brokers = loadServiceConfig('dlq', 'dlq', 1, scriptEnv()).kafkaBrokers;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`dlq: ${err.message}\n`);
    return 2;
  }
  const kafka = createKafka({ clientId: 'crisis-ops-dlq', brokers, commandLine: true });
  // Which broker: with two stacks on a machine, "no dead letters" or a timeout means little without it.
  const letters = await readDeadLetters(kafka, args.topics).catch((err: Error) => {
    throw new Error(`Kafka at ${brokers.join(', ')}: ${err.message}`);
  });

  if (args.command === 'list') {
    if (args.json) process.stdout.write(`${JSON.stringify(letters.map(({ key, value, headers: _headers, ...l }) => ({ ...l, key: key?.toString() ?? null, bytes: value?.length ?? 0 })), null, 2)}\n`);
    else process.stdout.write(letters.length ? `${letters.map(line).join('\n')}\n${letters.length} dead letter(s)\n` : 'no dead letters\n');
    return 0;
  }

  const chosen = args.ids.length ? letters.filter((l) => l.eventId !== null && args.ids.includes(l.eventId)) : letters;
  const missing = args.ids.filter((id) => !chosen.some((l) => l.eventId === id));
  if (missing.length) process.stderr.write(`dlq: no dead letter of ${args.topics[0]} has event id ${missing.join(', ')}\n`);
  if (chosen.length === 0) {
    process.stderr.write('dlq: nothing to redrive\n');
    return 1;
  }
  const old = chosen.filter((l) => isTooOldToRedrive(l));
  if (old.length) {
    process.stderr.write(
      `dlq: not sending ${old.length} letter(s) whose event was first published over ${REDRIVE_HORIZON_DAYS} days ago (${old.map((l) => l.eventId ?? '(no id)').join(', ')}): ` +
        'consumers that applied those events may no longer remember them, and would apply them twice\n',
    );
  }
  const young = chosen.filter((l) => !isTooOldToRedrive(l));
  if (young.length === 0) return 1;
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const sent = await redrive(producer, young);
    process.stdout.write(`${sent} event(s) sent back to ${args.topics[0]}\n`);
  } finally {
    await producer.disconnect();
  }
  // A runbook's `&& echo done` must not read a partial redrive as a whole one.
  return missing.length > 0 || old.length > 0 ? 1 : 0;
}

runCli('dlq', USAGE, commandLine, dlq);
