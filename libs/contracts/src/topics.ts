/**
 * Every Kafka topic of the platform, declared once. The local infrastructure, docker-compose's
 * init container and the tests all create topics from this list (auto-create is off on the broker),
 * so a topic that is not here does not exist.
 *
 * Names: `<owning-context>.<stream>.v<major>`. A breaking change to a stream's payloads gets a new
 * topic version beside the old one, carrying the new `.v<n+1>` event types (event-types.ts).
 */
export const TOPIC_SIGNALS = 'early-warning.signals.v1';
export const TOPIC_RISK = 'early-warning.risk.v1';
export const TOPIC_MEDIATION = 'mediation.processes.v1';
export const TOPIC_ELECTIONS = 'electoral-support.elections.v1';
export const TOPIC_PARTNERSHIPS = 'partnerships.engagements.v1';

/** Dead-letter topic of a topic: where an event goes after its retries are spent. */
export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;
export const isDlqTopic = (topic: string): boolean => topic.endsWith('.dlq');

export const DOMAIN_TOPICS = [TOPIC_SIGNALS, TOPIC_RISK, TOPIC_MEDIATION, TOPIC_ELECTIONS, TOPIC_PARTNERSHIPS] as const;
export type DomainTopic = (typeof DOMAIN_TOPICS)[number];

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Kafka topic configs, as strings, passed through to the broker. */
  readonly config: Readonly<Record<string, string>>;
}

/** Partitions ≥ 6 so that one service can scale to six consumers of a topic without a repartition. */
export const DEFAULT_PARTITIONS = 6;

/** Kafka's default message.max.bytes (a record batch's largest size), which domain topics inherit. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** A dead-letter topic's max.message.bytes: room for a letter of the largest record a domain topic takes. */
export const DLQ_MAX_MESSAGE_BYTES = 2 * KAFKA_DEFAULT_MAX_MESSAGE_BYTES;

// Durability (replication factor, min.insync.replicas) is left to the cluster's defaults: a
// production cluster wants 2 or more in sync where a one-broker development stack can only have 1,
// and provisioning brings existing topics to what is declared here, so declaring it would lower a
// production cluster's setting.
const domainTopicConfig = { 'retention.ms': String(30 * 24 * 3600 * 1000) };
// No longer than a domain topic: a letter then lives at most 30 days plus a segment (7), within
// every consumer's inbox retention (38 days at least), so when it is redriven every consumer group
// that had applied its event still remembers it and applies nothing twice.
//
// A letter is its event's record plus the dead-letter headers (dlq_*, an error message of up to
// 2,000 characters): at the domain topic's size limit (the broker's message.max.bytes, 1048588 by
// default, which domain topics inherit) it no longer fit a topic of the same limit, was refused
// MESSAGE_TOO_LARGE, and its record was redelivered for ever, stalling its partition. A dead-letter
// topic takes twice that. (A domain topic given a larger limit by hand still has its largest letters
// cut to fit by the dead-letter writer, which says so: see ReliableHandler.)
const dlqTopicConfig = { 'retention.ms': String(30 * 24 * 3600 * 1000), 'max.message.bytes': String(DLQ_MAX_MESSAGE_BYTES) };

/**
 * Which dead letters were sent back (redriven), one record per letter keyed by where the letter lies
 * (`<topic>.dlq/<partition>/<offset>`): Kafka deletes no letter singly, so without it a redriven
 * letter is kept, and counted, exactly like one still to deal with. Compacted, not expired: a
 * dead-letter topic's retention may be lengthened by an operator (provisioning keeps a longer one),
 * and a record that expired before its letter would show the letter outstanding again.
 */
export const TOPIC_REDRIVES = 'platform.dead-letter-redrives.v1';
const redrivesTopicConfig = { 'cleanup.policy': 'compact' };

export const ALL_TOPICS: readonly TopicSpec[] = [
  ...DOMAIN_TOPICS.flatMap((name) => [
    { name, partitions: DEFAULT_PARTITIONS, config: domainTopicConfig },
    { name: dlqTopicOf(name), partitions: DEFAULT_PARTITIONS, config: dlqTopicConfig },
  ]),
  { name: TOPIC_REDRIVES, partitions: DEFAULT_PARTITIONS, config: redrivesTopicConfig },
];
