import { execFile } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { ALL_TOPICS, DEFAULT_PARTITIONS, DLQ_MAX_MESSAGE_BYTES, isDlqTopic, SERVICES } from '@crisis-ops/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionDatabase } from './provision-database';
import { intSettings } from './int-settings';
import { provisionTopics } from './provision-topics';

const settings = intSettings();
const kafka = new Kafka({ clientId: 'infra-int-provision', brokers: [...settings.kafkaBrokers], logLevel: logLevel.NOTHING });
const workspaceRoot = path.resolve(__dirname, '../..');
let admin: Admin;

/** The CLI reads the environment only: hand it the same target the suite checks. */
const envOf = ({ database: db, kafkaBrokers }: typeof settings): NodeJS.ProcessEnv => ({
  KAFKA_BROKERS: kafkaBrokers.join(','),
  DATABASE_HOST: db.host,
  DATABASE_PORT: String(db.port),
  DATABASE_NAME: db.database,
  DATABASE_ADMIN_USER: db.user,
  DATABASE_ADMIN_PASSWORD: db.password,
});
const scratchTopics: string[] = [];

describe('provisioning', () => {
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (scratchTopics.length > 0) await admin.deleteTopics({ topics: scratchTopics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('is idempotent: running it twice succeeds and the second run changes nothing', async () => {
    const options = { rolePassword: settings.rolePassword, roleNameAsPassword: settings.roleNameAsPassword };
    await provisionDatabase(settings.database, options);
    const again = await provisionDatabase(settings.database, options);
    expect(again.databaseCreated).toBe(false);
    expect(again.rolesCreated).toEqual([]);
    expect(again.schemasCreated).toEqual([]);
    expect(again.schemas).toEqual(SERVICES.map((s) => s.schema));

    await provisionTopics(settings.kafkaBrokers);
    const topicsAgain = await provisionTopics(settings.kafkaBrokers);
    expect(topicsAgain.created).toEqual([]);
    expect(topicsAgain.grown).toEqual([]);
    expect(topicsAgain.reconfigured).toEqual([]);
  });

  it(`leaves every topic of ALL_TOPICS with at least ${DEFAULT_PARTITIONS} partitions and its configs`, async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: ALL_TOPICS.map((t) => t.name) });
    for (const spec of ALL_TOPICS) {
      const partitions = topics.find((t) => t.name === spec.name)?.partitions ?? [];
      expect(partitions.length, spec.name).toBeGreaterThanOrEqual(Math.max(spec.partitions, 6));
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: ALL_TOPICS.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: Object.keys(t.config) })),
    });
    for (const spec of ALL_TOPICS) {
      const entries = resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
      const actual = Object.fromEntries(entries.map((e) => [e.configName, e.configValue]));
      for (const [name, declared] of Object.entries(spec.config)) {
        // A test stack older than a shortened retention keeps its dead letters' longer one.
        if (isDlqTopic(spec.name) && name.startsWith('retention.') && (actual[name] === '-1' || Number(actual[name]) > Number(declared))) continue;
        // And a dead-letter topic given room for larger letters by hand keeps it.
        if (isDlqTopic(spec.name) && name === 'max.message.bytes' && Number(actual[name]) > Number(declared)) continue;
        expect(actual[name], `${spec.name} ${name}`).toBe(declared);
      }
    }
  });

  it('grows an existing topic that has fewer partitions than declared', async () => {
    const name = `it.infra.grow.${randomUUID().slice(0, 8)}`;
    scratchTopics.push(name);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 2 }], waitForLeaders: true });
    const result = await provisionTopics(settings.kafkaBrokers, { topics: [{ name, partitions: 6, config: {} }] });
    expect(result.grown).toEqual([{ topic: name, from: 2, to: 6 }]);
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]?.partitions).toHaveLength(6);
  });

  it('brings an existing topic to its declared configs and keeps the settings an operator added', async () => {
    const name = `it.infra.config.${randomUUID().slice(0, 8)}`;
    scratchTopics.push(name);
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'max.message.bytes', value: '2097152' }] }],
      waitForLeaders: true,
    });
    const spec = { name, partitions: 6, config: { 'retention.ms': '2592000000', 'cleanup.policy': 'delete' } };
    const result = await provisionTopics(settings.kafkaBrokers, { topics: [spec] });
    expect(result.reconfigured).toEqual([
      { topic: name, config: 'retention.ms', from: '86400000', to: '2592000000' },
      { topic: name, config: 'cleanup.policy', from: null, to: 'delete' },
    ]);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes'] }],
    });
    expect(Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({
      'retention.ms': '2592000000',
      'cleanup.policy': 'delete',
      'max.message.bytes': '2097152',
    });
    expect((await provisionTopics(settings.kafkaBrokers, { topics: [spec] })).reconfigured).toEqual([]);
  });

  it('never shortens the retention of an existing dead-letter topic, which would delete its letters, but applies its other declared settings', async () => {
    const name = `it.infra.longer.${randomUUID().slice(0, 8)}.dlq`;
    scratchTopics.push(name);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '7776000000' }] }], waitForLeaders: true });
    const result = await provisionTopics(settings.kafkaBrokers, { topics: [{ name, partitions: 6, config: { 'retention.ms': '2592000000', 'cleanup.policy': 'delete' } }] });
    expect(result.reconfigured).toEqual([{ topic: name, config: 'cleanup.policy', from: null, to: 'delete' }]);
    expect(result.keptLonger).toEqual([{ topic: name, config: 'retention.ms', value: '7776000000', declared: '2592000000' }]);
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] }] });
    expect(Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'retention.ms': '7776000000', 'cleanup.policy': 'delete' });
  });

  it("gives an existing dead-letter topic its declared max.message.bytes but never lowers a larger one, which would have letters cut", async () => {
    const small = `it.infra.small.${randomUUID().slice(0, 8)}.dlq`;
    const large = `it.infra.large.${randomUUID().slice(0, 8)}.dlq`;
    scratchTopics.push(small, large);
    await admin.createTopics({
      topics: [
        { topic: small, numPartitions: 6 },
        { topic: large, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: '8388608' }] },
      ],
      waitForLeaders: true,
    });
    const config = { 'max.message.bytes': String(DLQ_MAX_MESSAGE_BYTES) };
    const result = await provisionTopics(settings.kafkaBrokers, { topics: [small, large].map((name) => ({ name, partitions: 6, config })) });
    expect(result.reconfigured).toEqual([{ topic: small, config: 'max.message.bytes', from: null, to: String(DLQ_MAX_MESSAGE_BYTES) }]);
    expect(result.keptLonger).toEqual([{ topic: large, config: 'max.message.bytes', value: '8388608', declared: String(DLQ_MAX_MESSAGE_BYTES) }]);
  });

  it("enforces a domain topic's declared retention, which its consumers' inbox must outlast", async () => {
    const name = `it.infra.domain.${randomUUID().slice(0, 8)}`;
    scratchTopics.push(name);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '7776000000' }] }], waitForLeaders: true });
    const result = await provisionTopics(settings.kafkaBrokers, { topics: [{ name, partitions: 6, config: { 'retention.ms': '2592000000' } }] });
    expect(result.reconfigured).toEqual([{ topic: name, config: 'retention.ms', from: '7776000000', to: '2592000000' }]);
    expect(result.keptLonger).toEqual([]);
  });

  it('names the topic and the settings when the broker refuses a declared config', async () => {
    const name = `it.infra.refused.${randomUUID().slice(0, 8)}`;
    scratchTopics.push(name);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 6 }], waitForLeaders: true });
    await expect(provisionTopics(settings.kafkaBrokers, { topics: [{ name, partitions: 6, config: { 'retention.ms': 'a month' } }] })).rejects.toThrow(
      `could not set the declared configs of topic ${name} (retention.ms=a month)`,
    );
  });

  it('runs end to end as the CLI infra.sh calls', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['--no', '--', 'tsx', '--tsconfig', 'infra/tsconfig.json', 'infra/provision/provision.ts'],
      { cwd: workspaceRoot, env: { ...process.env, ...envOf(settings) } },
    );
    expect(stdout).toContain(`postgres ${settings.database.host}:${settings.database.port}/`);
    expect(stdout).toMatch(/postgres .*: 5 schemas \(0 new\), 10 roles \(0 new\)/);
    expect(stdout).toMatch(new RegExp(`kafka .*: ${ALL_TOPICS.length} topics \\(0 new\\)`));
  });
});
