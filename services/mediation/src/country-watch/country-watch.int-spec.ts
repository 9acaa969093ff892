import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, LOCAL_DEV_SECRET, signDevToken } from '@crisis-ops/auth';
import { CE_SIGNAL_RECORDED, SignalRecordedSchema } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, eventually, inProcessServiceConfig, testKafka, unusedCountryCodes } from '@crisis-ops/testing';
import { SERVICE } from '../service.definition';

/**
 * Mediation's per-country tally of signals, fed by early-warning's SignalRecorded: mediation booted
 * in-process on the test infrastructure, the signals produced onto the topic as early-warning's relay
 * would, for a user-assigned code no earlier run has used.
 */
describe('mediation: the country watch tally', () => {
  let app: INestApplication;
  let base: string;
  let db: Client;
  let producer: Producer;
  let country = '';
  let attributed = '';

  beforeAll(async () => {
    [country, attributed] = await unusedCountryCodes(2, { tables: ['mediation.country_watch', 'mediation.processes'] });
    app = await startServiceApp(SERVICE, inProcessServiceConfig('mediation'), { port: 0, host: '127.0.0.1', quiet: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    db = adminClient();
    await db.connect();
    producer = testKafka('mediation-watch-producer').producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await app?.close();
  });

  const signal = (fatalities: number, of = country, attributions: string[] = []) => {
    const record = domainEventRecord(
      CE_SIGNAL_RECORDED,
      create(SignalRecordedSchema, {
        signalId: crypto.randomUUID(),
        source: 'mediation-watch-int',
        occurredAt: timestampFromDate(new Date(Date.now() - 3_600_000)),
        reportedAt: timestampFromDate(new Date()),
        country: of,
        type: 'battles',
        fatalities,
        origin: 'api',
        attributions,
      }),
    );
    return producer.send({ topic: record.topic, messages: [record.message] });
  };

  const get = async (path: string) => {
    const token = await signDevToken({ subject: 'int-watch', roles: ['global-viewer'], secret: LOCAL_DEV_SECRET, issuer: DEFAULT_AUTH_ISSUER, audience: DEFAULT_AUTH_AUDIENCE, ttlSeconds: 600 });
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  type Watch = { country?: string; signalsSeen?: unknown; fatalitiesSeen?: unknown; attributions?: unknown };
  const tally = async (of = country) => get(`/country-watch/${of}`) as Promise<{ status: number; body: Watch }>;

  it("keeps counting past the integer range, where the country's signals were dead-lettered from then on", async () => {
    await signal(5);
    await eventually(async () => (await tally()).status === 200, 60_000, 250);
    // As if ~2,148 signals of the most fatalities early-warning accepts (1,000,000) had been seen.
    await db.query('UPDATE mediation.country_watch SET fatalities_seen = 2147483000 WHERE country = $1', [country]);
    await signal(1_000_000);
    const after = await eventually(async () => {
      const t = await tally();
      return t.body.signalsSeen === 2 && t;
    }, 30_000, 250);
    expect(after.body.fatalitiesSeen).toBe(2_148_483_000);
  });

  it("answers what the signals tallied owe (ACLED's attribution of an imported signal), each once and sorted, on both routes", async () => {
    const ACLED = 'Conflict data: Armed Conflict Location & Event Data Project (ACLED), acleddata.com';
    const OTHER = 'Boundaries: example.org';
    await signal(1, attributed, [ACLED]);
    const first = await eventually(async () => {
      const t = await tally(attributed);
      return t.status === 200 && t;
    }, 60_000, 250);
    expect(first.body.attributions).toEqual([ACLED]);
    // An API signal owes nothing and takes nothing away; another source's is added once, in order.
    await signal(1, attributed);
    await signal(1, attributed, [OTHER, ACLED]);
    const after = await eventually(async () => {
      const t = await tally(attributed);
      return t.body.signalsSeen === 3 && t;
    }, 30_000, 250);
    expect(after.body.attributions).toEqual([OTHER, ACLED].sort());
    const listed = (await get('/country-watch')).body as Watch[];
    expect(listed.find((w) => w.country === attributed)?.attributions).toEqual([OTHER, ACLED].sort());
  });
});
