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

// Durability (replication factor, min.insync.replicas) is left to the cluster's defaults: a
// production cluster wants 2 or more in sync where a one-broker development stack can only have 1,
// and provisioning brings existing topics to what is declared here, so declaring it would lower a
// production cluster's setting.
const domainTopicConfig = { 'retention.ms': String(30 * 24 * 3600 * 1000) };
// No longer than a domain topic: a letter then lives at most 30 days plus a segment (7), within
// every consumer's inbox retention (38 days at least), so when it is redriven every consumer group
// that had applied its event still remembers it and applies nothing twice.
const dlqTopicConfig = { 'retention.ms': String(30 * 24 * 3600 * 1000) };

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
