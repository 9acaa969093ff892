import { ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin, type ITopicMetadata } from 'kafkajs';
import { ALL_TOPICS, isDlqTopic, type TopicSpec } from '@crisis-ops/contracts';

/**
 * Every topic of ALL_TOPICS with its partitions and configs (auto-create is off on every broker,
 * so this is the only way topics come to exist). Existing topics are kept; one with fewer
 * partitions than declared is grown (Kafka cannot shrink, and more partitions than declared are
 * left alone). An existing topic whose declared configs differ (a retention changed in code since
 * it was created) is brought to them, its other topic-level settings kept (see reconfigure).
 */
export interface TopicProvisionOptions {
  readonly topics?: readonly TopicSpec[];
  readonly clientId?: string;
  /** How long to wait for a broker that has just opened its port to join the cluster. */
  readonly readyTimeoutMs?: number;
  readonly logLevel?: logLevel;
}

export interface TopicProvisionResult {
  readonly topics: readonly string[];
  readonly created: readonly string[];
  readonly grown: ReadonlyArray<{ readonly topic: string; readonly from: number; readonly to: number }>;
  /** Declared configs an existing topic did not have, with the value it had (null: the broker default). */
  readonly reconfigured: ReadonlyArray<{ readonly topic: string; readonly config: string; readonly from: string | null; readonly to: string }>;
  /** Longer retentions (or a larger max.message.bytes) a dead-letter topic keeps although less is declared: lowering one deletes or cuts letters. */
  readonly keptLonger: ReadonlyArray<{ readonly topic: string; readonly config: string; readonly value: string; readonly declared: string }>;
}

export async function provisionTopics(
  brokers: readonly string[],
  options: TopicProvisionOptions = {},
): Promise<TopicProvisionResult> {
  const kafka = new Kafka({
    clientId: options.clientId ?? 'crisis-ops-provision',
    brokers: [...brokers],
    logLevel: options.logLevel ?? logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 6, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await provisionTopicsWith(admin, options);
  } finally {
    await admin.disconnect();
  }
}

/** The same with a connected admin client the caller owns (tests, a service's start-up). */
export async function provisionTopicsWith(admin: Admin, options: TopicProvisionOptions = {}): Promise<TopicProvisionResult> {
  const topics = options.topics ?? ALL_TOPICS;
  await waitForBroker(admin, options.readyTimeoutMs ?? 30_000);

  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    // Resolves false (not an error) when a concurrent provisioner created them first.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  const grown: Array<{ topic: string; from: number; to: number }> = [];
  const present = topics.filter((t) => existing.has(t.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const spec of present) {
      const have = partitionCount(metadata.topics, spec.name);
      if (have < spec.partitions) grown.push({ topic: spec.name, from: have, to: spec.partitions });
    }
    if (grown.length > 0) {
      await admin.createPartitions({ topicPartitions: grown.map((g) => ({ topic: g.topic, count: g.to })) });
    }
  }
  const { reconfigured, keptLonger } = present.length > 0 ? await reconfigure(admin, present) : { reconfigured: [], keptLonger: [] };

  await waitForPartitions(admin, topics, 15_000);
  return { topics: topics.map((t) => t.name), created: missing.map((t) => t.name), grown, reconfigured, keptLonger };
}

/**
 * Brings existing topics to their declared configs. AlterConfigs replaces all of a topic's own
 * settings, so each topic is sent its own ones as described plus the declared ones; a setting an
 * operator adds between the describe and the alter would be lost, so the result is described again
 * and any difference reported, naming the topic. One request per topic, so a refusal (an ACL, a
 * broker policy) names the topic and the settings it was sent, which kafkajs' error alone does not.
 */
async function reconfigure(admin: Admin, specs: readonly TopicSpec[]): Promise<Pick<TopicProvisionResult, 'reconfigured' | 'keptLonger'>> {
  const changes: Array<{ topic: string; config: string; from: string | null; to: string }> = [];
  const keptLonger: Array<{ topic: string; config: string; value: string; declared: string }> = [];
  for (const [spec, own, effective] of await topicConfigs(admin, specs)) {
    // Only dead letters keep a longer retention (or a larger size limit): they are redriven only while young enough (the
    // redrive horizon). A domain topic must hold no more than its consumers remember applying
    // (INBOX_RETENTION_DAYS), or a group reset would apply its oldest events twice: its declared
    // retention is enforced, even where that deletes older history.
    const longer = isDlqTopic(spec.name) ? Object.entries(spec.config).filter(([name, value]) => keepsMore(name, effective.get(name), value)) : [];
    for (const [name, declared] of longer) keptLonger.push({ topic: spec.name, config: name, value: effective.get(name) as string, declared });
    const differing = Object.entries(spec.config).filter(([name, value]) => own.get(name) !== value && !longer.some(([n]) => n === name));
    if (differing.length === 0) continue;
    const wanted = new Map([...own, ...differing]);
    const configEntries = [...wanted].map(([name, value]) => ({ name, value }));
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries }] });
    } catch (err) {
      throw new Error(`could not set the declared configs of topic ${spec.name} (${differing.map(([n, v]) => `${n}=${v}`).join(', ')}): ${(err as Error).message}`, { cause: err });
    }
    const [[, now]] = await topicConfigs(admin, [spec]);
    const lost = [...wanted].filter(([name, value]) => now.get(name) !== value);
    if (lost.length > 0) {
      throw new Error(`topic ${spec.name} changed while its configs were being set; run provisioning again (differs: ${lost.map(([n]) => n).join(', ')})`);
    }
    for (const [name, value] of differing) changes.push({ topic: spec.name, config: name, from: own.get(name) ?? null, to: value });
  }
  return { reconfigured: changes, keptLonger };
}

/**
 * Whether a topic's retention in force (its own setting or the broker's) keeps more than the declared
 * one (-1: no limit): the broker would delete what the declared one no longer covers, e.g. dead
 * letters written under an earlier, longer retention. Likewise a larger max.message.bytes: an
 * operator who let a domain topic take larger records gave its dead-letter topic room for their
 * letters, and lowering it would have those letters cut.
 */
function keepsMore(name: string, effective: string | undefined, declared: string): boolean {
  if (effective === undefined || effective === declared) return false;
  if (name === 'max.message.bytes') return Number(effective) > Number(declared);
  if (name !== 'retention.ms' && name !== 'retention.bytes') return false;
  const [a, b] = [Number(effective), Number(declared)];
  return a === -1 || (b !== -1 && a > b);
}

/** Per topic: the settings made on the topic itself, and every setting in force (inherited ones too). */
async function topicConfigs(admin: Admin, specs: readonly TopicSpec[]): Promise<Array<[TopicSpec, Map<string, string>, Map<string, string>]>> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })),
  });
  return specs.map((spec) => {
    const entries = resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    const own = new Map(entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => [e.configName, e.configValue]));
    return [spec, own, new Map(entries.map((e) => [e.configName, e.configValue]))];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const partitionCount = (metadata: readonly ITopicMetadata[], topic: string): number =>
  metadata.find((m) => m.name === topic)?.partitions.length ?? 0;

/**
 * A KRaft broker accepts connections before it is unfenced; until then metadata lists no broker
 * and topic creation fails with INVALID_REPLICATION_FACTOR, which kafkajs does not retry.
 */
async function waitForBroker(admin: Admin, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    if (Date.now() >= deadline) throw new Error(`no Kafka broker joined the cluster within ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** Metadata propagates asynchronously after create/grow: check what we promise before returning. */
async function waitForPartitions(admin: Admin, topics: readonly TopicSpec[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
    const short = topics.filter((spec) => {
      const m = metadata.topics.find((t) => t.name === spec.name);
      return !m || m.partitions.length < spec.partitions || m.partitions.some((p) => p.leader < 0);
    });
    if (short.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(`topics without all partitions/leaders after ${timeoutMs} ms: ${short.map((t) => t.name).join(', ')}`);
    }
    await sleep(300);
  }
}
