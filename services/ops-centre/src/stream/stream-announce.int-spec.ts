import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ServiceConfig } from '@crisis-ops/config';
import { createServiceDataSource, runMigrations } from '@crisis-ops/persistence';
import { createScratchSchema, eventually, inProcessServiceConfig, scratchDatabaseConfig } from '@crisis-ops/testing';
import { migrations } from '../migrations';
import { announceCommitted, MAX_NOTIFY_BYTES, StreamFanout } from './stream-fanout';
import { StreamHub } from './stream-hub';
import type { StreamItem } from './stream-item';

const TYPE = 'org.crisis-ops.early-warning.signal-recorded.v1';

/**
 * announceCommitted and StreamFanout on a scratch schema of the test database: entries recorded as
 * RecordEventConsumer records them, announced in the recording transaction, reach a replica's
 * StreamHub whatever the length of their ids.
 */
describe('announcing committed events whatever the length of their ids', () => {
  let schema: { schema: string; drop(): Promise<void> };
  let dataSource: DataSource;
  let fanout: StreamFanout;
  const streamed: StreamItem[] = [];

  /** Records timeline entries and announces them in one transaction, as RecordEventConsumer does. */
  const record = (ids: readonly string[]) =>
    dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO timeline_entries (event_id, ce_type, ce_source, country, occurred_at, topic, kafka_partition, kafka_offset, payload)
         SELECT id, $2, 'early-warning', 'XTA', now(), 'early-warning.signals.v1', 0, 0, '{"country":"XTA"}'::jsonb FROM unnest($1::text[]) AS id`,
        [ids, TYPE],
      );
      await announceCommitted(m, schema.schema, ids);
    });
  const streamedIds = () => new Set(streamed.map((i) => i.id));
  /** An id of `n` characters, unique to this run. */
  const idOf = (n: number, i: number) => `${i}-${randomBytes(8).toString('hex')}-`.padEnd(n, 'x');

  beforeAll(async () => {
    schema = await createScratchSchema('announce');
    const database = scratchDatabaseConfig(schema.schema, 2);
    await runMigrations({ config: database, migrations: [...migrations] });
    dataSource = createServiceDataSource({ config: database, as: 'app' });
    await dataSource.initialize();
    const base = inProcessServiceConfig('ops-centre');
    const hub = new StreamHub();
    hub.subscribe((item) => void streamed.push(item));
    fanout = new StreamFanout({ ...base, database: { ...base.database, ...database } } as ServiceConfig, hub);
    await fanout.onApplicationBootstrap();
    // Listening once a probe recorded now reaches the hub.
    let probes = 0;
    await eventually(async () => {
      await record([`probe-${probes++}-${schema.schema}`]);
      return streamed.length > 0;
    }, 20_000, 300);
  });

  afterAll(async () => {
    await fanout?.onApplicationShutdown();
    await dataSource?.destroy();
    await schema?.drop();
  });

  it('records a batch of 200 events with 120-character ids in one transaction and streams every one', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => idOf(120, i));
    // 100 such ids, as they were sent, made a payload over 8,000 bytes.
    expect(Buffer.byteLength(JSON.stringify(ids.slice(0, 100)))).toBeGreaterThan(8_000);
    await record(ids);
    await eventually(async () => ids.every((id) => streamedIds().has(id)), 10_000);
  });

  it('records and streams an event whose id is too long for a notification on its own, with others of its transaction', async () => {
    const long = idOf(9_000, 0);
    const longer = idOf(MAX_NOTIFY_BYTES, 1);
    const short = [idOf(36, 2), idOf(36, 3)];
    await record([short[0], long, longer, short[1]]);
    await eventually(async () => [long, longer, ...short].every((id) => streamedIds().has(id)), 10_000);
    // Once each.
    expect(streamed.filter((i) => i.id === long)).toHaveLength(1);
    await record([idOf(9_000, 4)]);
    await eventually(async () => streamed.some((i) => i.id.startsWith('4-') && i.id.length === 9_000), 10_000);
  });
});
