/**
 * The dead-letter topics, for ops engineers: what consumers gave up on, and why, and which letters
 * were sent back already; and, once the fault is mended, the events sent back to their topics as
 * they first came. Consumers apply an event once (their inbox), so redriving one that some consumer
 * had applied changes nothing there. A letter stays on its topic after a redrive (Kafka deletes
 * nothing singly): the redrive is recorded beside it (TOPIC_REDRIVES), and a letter is sent back once.
 *
 *   npm run dlq -- list [--topic early-warning.signals.v1 …] [--outstanding] [--json]
 *   npm run dlq -- redrive --topic early-warning.signals.v1 (--event-id ID … | --all)
 *
 * Kafka: KAFKA_BROKERS, else INFRA_KAFKA_PORT, else this clone's stack (scriptEnv). Exit 0 on success, 1 when
 * redrive did not send every letter asked for (an id not found, a letter too old; what could go
 * went; a letter sent back before counts as sent), 2 on a usage error.
 */
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import { ConfigError, loadServiceConfig } from '@crisis-ops/config';
import { createIdempotentProducer, createKafka, planRedrive, readDeadLetters, REDRIVE_HORIZON_DAYS, redrive, type DeadLetter } from '@crisis-ops/messaging';
import { parseCommandArgs, runCli, scriptEnv, UsageError } from './lib/cli';

const USAGE = `Usage:
  npm run dlq -- list [--topic TOPIC …] [--outstanding] [--json]
                                                          dead letters of every domain topic, or of these,
                                                          each outstanding or redriven (--outstanding: only those to deal with)
  npm run dlq -- redrive --topic TOPIC (--event-id ID … | --all)
                                                          send them back to TOPIC, as they first came
                                                          (--all: every outstanding letter); a letter is sent back once

  TOPIC is a domain topic: ${DOMAIN_TOPICS.join(', ')}`;

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
  const unknown = topics.filter((t) => !(DOMAIN_TOPICS as readonly string[]).includes(t));
  if (unknown.length) throw new UsageError(`--topic ${unknown.join(', ')} is not a domain topic`);
  const ids = values['event-id'] ?? [];
  if (command === 'redrive') {
    if (topics.length !== 1) throw new UsageError('redrive takes exactly one --topic');
    if (!values.all && ids.length === 0) throw new UsageError('redrive needs --event-id (repeatable) or --all');
    if (values.all && ids.length) throw new UsageError('give --event-id or --all, not both');
    if (values.outstanding) throw new UsageError('--outstanding is for list: redrive sends outstanding letters only');
  }
  return { command, topics: topics.length ? topics : [...DOMAIN_TOPICS], ids, json: values.json === true, outstanding: values.outstanding === true };
}

const line = (l: DeadLetter) =>
  `${l.failedAt || '?'}  ${l.at.topic} ${l.at.partition}/${l.at.offset}  ${l.eventId ?? '(no id)'}  ${l.eventType ?? '(no type)'}  ${l.redrivenAt ? `redriven ${l.redrivenAt}` : 'OUTSTANDING'}\n    ${l.consumer} gave up after ${l.attempts} attempt(s): ${l.errorCode}: ${l.errorMessage}${l.firstPublishedAt ? `\n    first published ${l.firstPublishedAt}` : ''}`;

function listing(all: readonly DeadLetter[], onlyOutstanding: boolean): string {
  const outstanding = all.filter((l) => l.redrivenAt === null).length;
  const shown = onlyOutstanding ? all.filter((l) => l.redrivenAt === null) : all;
  const total = `${all.length} dead letter(s): ${outstanding} outstanding, ${all.length - outstanding} redriven`;
  return shown.length ? `${shown.map(line).join('\n')}\n${total}\n` : all.length ? `no outstanding dead letters (${total})\n` : 'no dead letters\n';
}

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
    const shown = args.outstanding ? letters.filter((l) => l.redrivenAt === null) : letters;
    if (args.json) process.stdout.write(`${JSON.stringify(shown.map(({ key, value, headers: _headers, ...l }) => ({ ...l, key: key?.toString() ?? null, bytes: value?.length ?? 0 })), null, 2)}\n`);
    else process.stdout.write(listing(letters, args.outstanding));
    return 0;
  }

  const plan = planRedrive(letters, args.ids.length ? { ids: args.ids } : { all: true });
  const ids = (list: readonly DeadLetter[]) => list.map((l) => l.eventId ?? `(no id, ${l.at.partition}/${l.at.offset})`).join(', ');
  if (plan.missing.length) process.stderr.write(`dlq: no dead letter of ${args.topics[0]} has event id ${plan.missing.join(', ')}\n`);
  if (plan.alreadyRedriven.length) {
    process.stderr.write(`dlq: not sending ${plan.alreadyRedriven.length} letter(s) sent back already (${plan.alreadyRedriven.map((l) => `${l.eventId} on ${l.redrivenAt}`).join(', ')})\n`);
  }
  if (plan.tooOld.length) {
    process.stderr.write(
      `dlq: not sending ${plan.tooOld.length} letter(s) whose event was first published over ${REDRIVE_HORIZON_DAYS} days ago (${ids(plan.tooOld)}): ` +
        'consumers that applied those events may no longer remember them, and would apply them twice\n',
    );
  }
  if (plan.send.length === 0) {
    if (!plan.missing.length && !plan.alreadyRedriven.length && !plan.tooOld.length) process.stderr.write('dlq: nothing to redrive: no outstanding dead letter\n');
    // Letters asked for that were all sent back before are done with; anything else is not.
    return plan.missing.length || plan.tooOld.length || !plan.alreadyRedriven.length ? 1 : 0;
  }
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const sent = await redrive(producer, plan.send);
    process.stdout.write(`${sent} event(s) sent back to ${args.topics[0]}\n`);
  } finally {
    await producer.disconnect();
  }
  // A runbook's `&& echo done` must not read a partial redrive as a whole one.
  return plan.missing.length > 0 || plan.tooOld.length > 0 ? 1 : 0;
}

runCli('dlq', USAGE, commandLine, dlq);
