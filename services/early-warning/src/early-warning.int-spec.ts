import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Consumer, Producer } from 'kafkajs';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  CE_AGGREGATE_OBSERVED,
  CE_RISK_ESCALATED,
  CE_SIGNAL_RECORDED,
  decodeEvent,
  encodeEvent,
  RiskLevel,
  SignalRecordedSchema,
  TOPIC_RISK,
  TOPIC_SIGNALS,
} from '@crisis-ops/contracts';
import { cloudEventHeaders, parseCloudEvent, type ReceivedEvent } from '@crisis-ops/messaging';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { eventually, ReadPositions, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { RiskEngine } from './domain';
import { bootEarlyWarning, freshCountry, inputsApplied, unassessedCountry, type BootedEarlyWarning } from './int-support';
import { SignalIntake } from './signals/intake/signal-intake.service';
import { formatReport, runImport } from './imports/import-runner';
import { intakeSink } from './imports/import-sink';
import { finishedJob } from './imports/import-int-support';

/**
 * early-warning booted in-process on the test infrastructure (INFRA_PROFILE=test): migrations as the
 * migrator, its app role, consumer group "early-warning" on its own signal topic, outbox relay.
 * Reruns against the same database: escalation tests use a user-assigned code (never a country) that has no
 * risk state yet, intake and import tests a source unique to the run.
 */
const RUN = uniqueSuffix();
const FIXTURES = path.join(__dirname, 'import/fixtures');

describe('early-warning on real Kafka and Postgres', () => {
  let ew: BootedEarlyWarning;
  let app: INestApplication;
  let base: string;
  let db: Client;
  let producer: Producer;
  let reader: Consumer;
  let token: string;
  const risk: ReceivedEvent[] = [];
  const observed: ReceivedEvent[] = [];
  const positions = new ReadPositions();

  beforeAll(async () => {
    ew = await bootEarlyWarning('main');
    ({ app, base, db, producer, token } = ew);
    reader = testKafka('early-warning-int-reader').consumer({ groupId: `early-warning-int-${RUN}` });
    await reader.connect();
    await reader.subscribe({ topics: [TOPIC_RISK, TOPIC_SIGNALS], fromBeginning: false });
    await reader.run({
      eachMessage: async ({ topic, partition, message }) => {
        const event = parseCloudEvent(topic, partition, message);
        if (topic === TOPIC_RISK) risk.push(event);
        else if (event.type === CE_AGGREGATE_OBSERVED) observed.push(event);
        positions.record(topic, partition, message.offset);
      },
    });
    // fromBeginning: false starts at the end only once the group has its partitions.
    await eventually(async () => (await reader.describeGroup()).state === 'Stable', 30_000, 200);
    for (const topic of [TOPIC_RISK, TOPIC_SIGNALS]) await positions.startedAtEnd(topic);
  });

  afterAll(async () => {
    await reader?.disconnect();
    await ew?.close();
  });

  const api = (method: string, url: string, body?: unknown) => ew.api(method, url, body);

  /**
   * Everything early-warning staged for the country is on Kafka (the relay deletes an outbox row once
   * the broker has it) and the reader has read both topics that far: what it holds is all there will be.
   */
  async function allPublished(country: string): Promise<void> {
    await eventually(async () => (await count('SELECT count(*) AS n FROM early_warning.outbox WHERE key = $1', [country])) === 0, 30_000, 100);
    for (const topic of [TOPIC_SIGNALS, TOPIC_RISK]) await positions.readToEnd(topic);
  }
  const count = (sql: string, params: unknown[]) => ew.count(sql, params);

  const signal = (country: string, i: number, overrides: Record<string, unknown> = {}) => ({
    id: `s-${i}`,
    source: `int-${RUN}`,
    country,
    type: 'violence_against_civilians',
    subType: 'attack',
    occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
    fatalities: 40,
    severity: 5,
    ...overrides,
  });

  it('records a batch once, answers duplicates with the same ids, and rejects a batch with one bad item as a whole', async () => {
    const source = `int-batch-${RUN}`;
    const items = Array.from({ length: 1_500 }, (_, i) => signal('BFA', i, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1, notes: 'x'.repeat(60) }));
    const first = await api('POST', '/signals/batch', { items });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ recorded: 1_500, duplicates: 0 });
    const again = await api('POST', '/signals/batch', { items: [...items.slice(0, 10), signal('BFA', 9_999, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0 })] });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ recorded: 1, duplicates: 10 });
    const firstItems = first.body['items'] as Array<{ id: string }>;
    const againItems = again.body['items'] as Array<{ id: string; status: string }>;
    expect(againItems.slice(0, 10)).toEqual(firstItems.slice(0, 10).map((x) => ({ id: x.id, status: 'duplicate' })));
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source])).toBe(1_501);
    // Resent with other figures: still a duplicate, nothing applied, and the answer names what differs.
    const revised = await api('POST', '/signals', { ...items[0], fatalities: 7, notes: 'revised' });
    expect(revised).toMatchObject({ status: 202, body: { id: firstItems[0].id, status: 'duplicate', differs: ['fatalities', 'notes'] } });
    expect(await count('SELECT fatalities AS n FROM early_warning.signals WHERE id = $1', [firstItems[0].id])).toBe(0);
    // Instants are stored to the millisecond, as sent: one a millisecond off differs, the same does not.
    const stored = await ew.db.query<{ occurred: string }>(`SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred FROM early_warning.signals WHERE id = $1`, [firstItems[0].id]);
    expect(stored.rows[0].occurred).toBe(items[0]['occurredAt']);
    const moved = new Date(new Date(items[0]['occurredAt'] as string).getTime() + 1).toISOString();
    // (reportedAt, not sent, is occurredAt's)
    expect(await api('POST', '/signals', { ...items[0], occurredAt: moved })).toMatchObject({ status: 202, body: { status: 'duplicate', differs: ['occurredAt', 'reportedAt'] } });

    const badSource = `int-bad-${RUN}`;
    const bad = await api('POST', '/signals/batch', {
      items: [signal('BFA', 1, { source: badSource }), signal('Burkina', 2, { source: badSource, fatalities: -3 }), signal('MLI', 3, { source: badSource, colour: 'red' })],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.INVALID');
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['items[1].country', 'items[1].fatalities', 'items[2].colour']);
    expect(bad.body.errors.find((e) => e.field === 'items[1].country')?.reason).toContain('alpha-3');
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [badSource])).toBe(0);
    expect((await api('POST', '/signals/batch', { items: [] })).status).toBe(400);

    const one = await api('POST', '/signals', signal('NER', 1, { source: `int-one-${RUN}` }));
    const oneAgain = await api('POST', '/signals', signal('NER', 1, { source: `int-one-${RUN}` }));
    expect(one).toMatchObject({ status: 202, body: { status: 'recorded' } });
    expect(oneAgain).toMatchObject({ status: 202, body: { status: 'duplicate', id: one.body['id'] } });

    const page1 = await api('GET', `/signals?source=${source}&limit=1000`);
    expect(page1.status).toBe(200);
    expect((page1.body['items'] as unknown[]).length).toBe(1_000);
    const page2 = await api('GET', `/signals?source=${source}&limit=1000&cursor=${page1.body['nextCursor']}`);
    expect((page2.body['items'] as unknown[]).length).toBe(501);
    expect(page2.body['nextCursor']).toBeNull();
    // Filters that matched nothing, everything or failed in Postgres are named instead.
    for (const query of [`source=${source}&source=other`, 'source=', 'source=%00']) {
      expect(await api('GET', `/signals?${query}`), query).toMatchObject({ status: 400, body: { errors: [{ field: 'source' }] } });
    }
    const ids = new Set([...(page1.body['items'] as Array<{ id: string }>), ...(page2.body['items'] as Array<{ id: string }>)].map((s) => s.id));
    expect(ids.size).toBe(1_501);

    const csv = await api('GET', `/exports/signals.csv?source=${source}&hxl=true`);
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[1]).toMatch(/^#event\+id,#meta\+source/);
    expect(lines).toHaveLength(2 + 1_501);
    // The export imported back is the same signals under the same (source, id): nothing to add.
    const sink = intakeSink(app.get(SignalIntake), app.get(DataSource), app.get(EventPublisher));
    const restored = await runImport(Readable.from([Buffer.from(String(csv.body))]), sink, { source: `int-restore-${RUN}` });
    expect(restored).toMatchObject({ format: 'hxl', recorded: 0, duplicates: 1_501, rejected: 0 });
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [`int-restore-${RUN}`])).toBe(0);
  });

  it('escalates a country once for a batch of deadly attacks: one RiskEscalated on Kafka, redelivery changes nothing', async () => {
    const country = await freshCountry();
    const posted = await api('POST', '/signals/batch', { items: Array.from({ length: 40 }, (_, i) => signal(country, i)) });
    expect(posted).toMatchObject({ status: 202, body: { recorded: 40 } });

    const escalations = () => risk.filter((e) => e.key === country && e.type === CE_RISK_ESCALATED).map((e) => decodeEvent(CE_RISK_ESCALATED, e.data));
    await eventually(async () => escalations().length > 0, 60_000, 200);
    // A redelivered SignalRecorded (same CloudEvents id) is skipped by the inbox: no second assessment.
    const eventId = randomUUID();
    const replayed = encodeEvent(
      CE_SIGNAL_RECORDED,
      create(SignalRecordedSchema, { signalId: randomUUID(), source: 'int', country, type: 'battles', fatalities: 100, severity: 5, occurredAt: timestampFromDate(new Date()), origin: 'api', lastInRequest: true }),
    );
    for (let i = 0; i < 2; i++) {
      await producer.send({ topic: TOPIC_SIGNALS, messages: [{ key: country, value: Buffer.from(replayed), headers: cloudEventHeaders({ id: eventId, type: CE_SIGNAL_RECORDED, source: 'early-warning', time: new Date() }) }] });
    }
    // Behind both copies on the same partition, an event the engine does not weigh (unknown type):
    // once the consumer has recorded it, both copies have been dealt with.
    const sentinelId = randomUUID();
    const sentinel = encodeEvent(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, { signalId: randomUUID(), source: 'int', country, type: 'not_a_signal_type', occurredAt: timestampFromDate(new Date()), origin: 'api' }));
    await producer.send({ topic: TOPIC_SIGNALS, messages: [{ key: country, value: Buffer.from(sentinel), headers: cloudEventHeaders({ id: sentinelId, type: CE_SIGNAL_RECORDED, source: 'early-warning', time: new Date() }) }] });
    await eventually(async () => (await count('SELECT count(*) AS n FROM early_warning.inbox WHERE event_id = $1', [sentinelId])) === 1, 30_000, 200);
    expect(await count('SELECT count(*) AS n FROM early_warning.inbox WHERE event_id = $1', [eventId])).toBe(1);
    // 40 signals of the request and one copy of the redelivered event: the second copy moved nothing.
    expect(await count('SELECT signals AS n FROM early_warning.risk_engines WHERE country = $1', [country])).toBe(41);

    await allPublished(country);
    expect(await count(`SELECT count(*) AS n FROM early_warning.risk_assessments WHERE country = $1 AND kind = 'escalated'`, [country])).toBe(1);
    expect(escalations()).toHaveLength(1);
    const [escalation] = escalations();
    expect(escalation).toMatchObject({ country, admin1: '', previousLevel: RiskLevel.LOW, newLevel: RiskLevel.CRITICAL, origin: 'api', provisional: true });
    expect(escalation.drivers[0]).toMatchObject({ kind: 'violence_against_civilians', count: 40 });

    const one = await api('GET', `/risk/${country}`);
    expect(one.status).toBe(200);
    expect(one.body['national']).toMatchObject({ country, level: 'critical' });
    expect((one.body['history'] as Array<{ kind: string }>).map((h) => h.kind)).toContain('escalated');
    // Newest first by number: ids compared as text put 99 above 199, and the newest went missing.
    const r = Math.floor(Math.random() * 1e12);
    const [older, newer] = [String(9_000_000_000_000_000 + r), `1${String(r).padStart(16, '0')}`];
    await db.query(
      `INSERT INTO early_warning.risk_assessments (id, country, kind, day, score, level, drivers, origin, published)
       VALUES ($1, $3, 'assessed', CURRENT_DATE, 90, 'critical', '[]', 'api', false), ($2, $3, 'assessed', CURRENT_DATE, 91, 'critical', '[]', 'api', false)`,
      [older, newer, country],
    );
    try {
      expect(((await api('GET', `/risk/${country}?history=2`)).body['history'] as Array<{ id: string }>).map((h) => h.id)).toEqual([newer, older]);
      for (const history of ['1e1', '0x3', '2.0']) expect((await api('GET', `/risk/${country}?history=${history}`)).status, history).toBe(400);
      // A code that names no country is a wrong question, not one "not assessed yet".
      expect(await api('GET', '/risk/ABC')).toMatchObject({ status: 400, body: { errors: [{ field: 'country', reason: 'ABC is not an ISO 3166-1 country' }] } });
    } finally {
      await db.query('DELETE FROM early_warning.risk_assessments WHERE id = ANY($1::bigint[])', [[older, newer]]);
    }
    expect((await api('GET', '/risk?region=africa')).status).toBe(200);
    expect((await api('GET', '/risk?region=mars')).status).toBe(400);
    const riskCsv = await api('GET', '/exports/risk.csv?hxl=true');
    expect(String(riskCsv.body)).toContain(`${country},`);
    for (const url of ['/exports/risk.csv?hxl=yes', '/exports/signals.csv?hxl=1']) {
      expect((await api('GET', url)).body, url).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'hxl', reason: 'must be true or false' }] });
    }
    // Every fault in one answer: a misspelt parameter with the route's own, on a listing and on the
    // exports, which write their own answer and are refused before they run.
    const fields = async (url: string) => (await api('GET', url)).body.errors.map((e: { field: string }) => e.field);
    expect(await fields('/signals?contry=BFA&limit=abc')).toEqual(['contry', 'limit']);
    expect(await fields('/exports/signals.csv?contry=BFA&hxl=1&from=yesterday')).toEqual(['contry', 'from', 'hxl']);
    expect(await fields('/exports/risk.csv?hxl=yes&region=mars&format=xlsx')).toEqual(['format', 'hxl', 'region']);
  });

  it('refuses an event or report dated by a UTC day not yet begun, and takes the same local date sent with its offset', async () => {
    const source = `int-ahead-${RUN}`;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const ahead = await api('POST', '/signals', signal('GIN', 1, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0, occurredAt: tomorrow }));
    expect(ahead).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'occurredAt', reason: expect.stringMatching(/lies in the future: a date without a time names a UTC day.*with its offset/) }] } });
    const reportedAhead = await api('POST', '/signals/batch', { items: [signal('GIN', 2, { source, reportedAt: tomorrow })] });
    expect(reportedAhead).toMatchObject({ status: 400, body: { errors: [{ field: 'items[0].reportedAt', reason: expect.stringContaining('has not begun in UTC') }] } });
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source])).toBe(0);
    // An hour ago, written as the local time of Kiritimati (UTC+14), whose date may be tomorrow's.
    const local = `${new Date(Date.now() - 3_600_000 + 14 * 3_600_000).toISOString().slice(0, 19)}+14:00`;
    const taken = await api('POST', '/signals', signal('GIN', 3, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1, occurredAt: local }));
    expect(taken).toMatchObject({ status: 202, body: { status: 'recorded' } });
  });

  it('names a query parameter the intake does not take with its body\'s faults, in one answer, and records nothing', async () => {
    const source = `int-query-${RUN}`;
    const one = await api('POST', '/signals?dryRun=true', signal('Burkina', 1, { source, fatalities: -1 }));
    expect(one.status).toBe(400);
    expect(one.body.errors.map((e) => e.field)).toEqual(['dryRun', 'country', 'fatalities']);
    const batch = await api('POST', '/signals/batch?dryRun=true', { items: [signal('BFA', 2, { source }), signal('BFA', 3, { source, colour: 'red' })] });
    expect(batch.body.errors.map((e) => e.field)).toEqual(['dryRun', 'items[1].colour']);
    // A good body is refused for the parameter alone, and not recorded either.
    expect((await api('POST', '/signals?dryRun=true', signal('BFA', 4, { source }))).body.errors.map((e) => e.field)).toEqual(['dryRun']);
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source])).toBe(0);
  });

  it('refuses a signal sent as Latin-1 (Tillab\\xe9ri), naming the field, where it was stored as "Tillab\ufffdri", a new admin area', async () => {
    const source = `int-latin1-${RUN}`;
    const body = Buffer.from(JSON.stringify(signal('NER', 1, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1, admin1: 'Tillab\xe9ri' })), 'latin1');
    const res = await fetch(`${base}/signals`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'admin1', reason: 'is not valid UTF-8 (byte 0xe9): send the body as UTF-8' }] });
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source])).toBe(0);
    // The same name sent as UTF-8 is taken as it is.
    expect((await api('POST', '/signals', signal('NER', 2, { source, type: 'protests', subType: 'peaceful_protest', fatalities: 0, severity: 1, admin1: 'Tillab\xe9ri' }))).status).toBe(202);
    expect((await db.query('SELECT admin1 FROM early_warning.signals WHERE source = $1', [source])).rows).toEqual([{ admin1: 'Tillab\xe9ri' }]);
  });

  it('imports a small file twice through the intake: the second run adds nothing', async () => {
    const dataSource = app.get(DataSource);
    const sink = intakeSink(app.get(SignalIntake), dataSource, app.get(EventPublisher));
    const source = `int-import-${RUN}`;
    const file = path.join(FIXTURES, 'acled-full.csv');
    const first = await runImport(createReadStream(file), sink, { source });
    expect(first.format).toBe('acled');
    expect(first.recorded).toBeGreaterThan(0);
    expect(first.attribution).toContain('ACLED');
    const second = await runImport(createReadStream(file), sink, { source });
    expect(second).toMatchObject({ recorded: 0, duplicates: first.accepted, differing: 0, rejected: first.rejected });
    expect(await count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1 AND origin = $2', [source, 'import'])).toBe(first.recorded);
  });

  it('moves the live risk of a country with an imported monthly aggregate file; importing it again publishes and changes nothing', async () => {
    const country = await unassessedCountry(db);
    const name = COUNTRIES.find((c) => c.iso3 === country)?.name ?? country;
    const now = new Date();
    // The last three whole months: recent, yet every day the import closes is older than the alert window.
    const months = [3, 2, 1].map((back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)));
    const counts = [
      ['North', 15, 8, 'South', 15, 8],
      ['North', 45, 90, 'South', 45, 45],
      ['North', 150, 300, 'South', 150, 150],
    ] as const;
    const rows = months.flatMap((m, i) => {
      const [a1, e1, f1, a2, e2, f2] = counts[i];
      return [
        { admin1: a1, month: m, events: e1, fatalities: f1 },
        { admin1: a2, month: m, events: e2, fatalities: f2 },
      ];
    });
    // The HDX layout of ACLED's monthly admin aggregates.
    const csv = [
      'Country,Admin1,Admin2,ISO3,Admin2 Pcode,Admin1 Pcode,Month,Year,Events,Fatalities',
      ...rows.map((r) => `"${name}",${r.admin1},,${country},,,${r.month.getUTCMonth() + 1},${r.month.getUTCFullYear()},${r.events},${r.fatalities}`),
    ].join('\n');
    const sink = intakeSink(app.get(SignalIntake), app.get(DataSource), app.get(EventPublisher));
    const importFile = () => runImport(Readable.from([Buffer.from(csv)]), sink, { source: `int-monthly-${RUN}` });
    const ofCountry = () => observed.filter((e) => e.key === country).map((e) => decodeEvent(CE_AGGREGATE_OBSERVED, e.data));

    const first = await importFile();
    expect(first).toMatchObject({ format: 'acled-monthly', observations: 6, recorded: 6, duplicates: 0, rejected: 0 });
    await eventually(async () => ofCountry().length === 6, 30_000, 200);
    // One partition per country: the events, and so the engine, follow the file's order.
    expect(ofCountry().map((o) => [o.admin1, (o.periodStart ? timestampDate(o.periodStart).getTime() : null), o.events, o.fatalities, o.origin])).toEqual(
      rows.map((r) => [r.admin1, r.month.getTime(), r.events, r.fatalities, 'import']),
    );
    await eventually(async () => (await inputsApplied(db, country)) === 6, 30_000, 200);

    // What the backtest's engine makes of the same observations in the same order.
    const replay = new RiskEngine();
    for (const r of rows) {
      replay.ingestObservation({ country, admin1: r.admin1, periodStart: r.month, periodEnd: new Date(Date.UTC(r.month.getUTCFullYear(), r.month.getUTCMonth() + 1, 1)), events: r.events, fatalities: r.fatalities });
    }
    const expected = replay.current();
    const expectedNational = expected.find((a) => a.admin1 === null);
    expect(expectedNational?.level).not.toBe('low');

    const board = await api('GET', `/risk/${country}`);
    expect(board.status).toBe(200);
    const national = board.body['national'] as { score: number; level: string; asOf: string; drivers: Array<{ kind: string }> };
    // The engine's day is the last month's first: its other days wait for a later input to open them.
    expect(national).toMatchObject({ country, score: expectedNational?.score, level: expectedNational?.level, asOf: months[2].toISOString().slice(0, 10) });
    expect(national.drivers.map((d) => d.kind)).toContain('aggregate');
    const admin1 = board.body['admin1'] as Array<{ admin1: string; score: number; level: string }>;
    expect(admin1.map((a) => [a.admin1, a.score, a.level]).sort()).toEqual(expected.filter((a) => a.admin1 !== null).map((a) => [a.admin1, a.score, a.level]).sort());
    // Old news: stored with origin "import", none published.
    expect(await count('SELECT count(*) AS n FROM early_warning.risk_assessments WHERE country = $1', [country])).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM early_warning.risk_assessments WHERE country = $1 AND (origin <> 'import' OR published)`, [country])).toBe(0);

    const current = () => db.query('SELECT admin1, score, level, assessed_day, updated_at FROM early_warning.risk_current WHERE country = $1 ORDER BY admin1', [country]).then((r) => r.rows);
    const before = await current();
    const second = await importFile();
    expect(second).toMatchObject({ recorded: 0, duplicates: 6, differing: 0, rejected: 0 });
    // A revised month (other counts under the same key) is not applied, and the report says so.
    const revisedCsv = csv.replace(/,15,8$/m, ',150,80');
    expect(revisedCsv).not.toBe(csv);
    const revised = await runImport(Readable.from([Buffer.from(revisedCsv)]), sink, { source: `int-monthly-${RUN}` });
    expect(revised).toMatchObject({ recorded: 0, duplicates: 6, differing: 1, rejected: 0 });
    expect(formatReport(revised)).toContain('1 of those already recorded differ from what was recorded under the same key: not applied');
    // Nothing more for Kafka: whatever the second import staged has been sent (the relay deletes an
    // outbox row once the broker has it), and the reader has read everything on both topics.
    await allPublished(country);
    expect(ofCountry()).toHaveLength(6);
    expect(await inputsApplied(db, country)).toBe(6);
    expect(await current()).toEqual(before);
    expect(risk.filter((e) => e.key === country)).toEqual([]);
  });

  it('runs an upload as a job that reports rejected rows, and fails a job that accepts nothing', async () => {
    const header = 'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source';
    const good = [`J-1,2023-05-01,Battles,Armed clash,Mali,466,Mopti,2,Radio`, `J-2,2023-05-02,Riots,Mob violence,Mali,466,Gao,0,Radio`];
    const bad = [`J-3,not a date,Battles,Armed clash,Mali,466,Mopti,1,Radio`, `J-4,2023-05-03,Earthquakes,,Atlantis,,X,1,Radio`];
    const upload = async (csv: string, source: string) => {
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'upload.csv');
      form.append('source', source);
      const res = await fetch(`${base}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(res.status).toBe(202);
      const { jobId } = (await res.json()) as { jobId: string };
      return finishedJob({ api }, jobId);
    };

    // A row dated tomorrow in UTC: that day has not begun, wherever the row was written.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const job = await upload([header, ...good, ...bad, `J-5,${tomorrow},Protests,Peaceful protest,Guinea,324,Conakry,0,Radio`].join('\n'), `int-job-${RUN}`);
    expect(job['status']).toBe('succeeded');
    const report = job['report'] as { accepted: number; rejected: number; errors: Array<{ row: number; column: string; reason: string }>; attribution: string };
    expect(report).toMatchObject({ accepted: 2, rejected: 3 });
    expect(report.errors).toContainEqual({ kind: 'error', row: 6, column: 'event_date', reason: expect.stringMatching(new RegExp(`^${tomorrow} lies in the future: a date without a time names a UTC day`)) });
    expect(report.errors).toContainEqual({ kind: 'error', row: 4, column: 'event_date', reason: expect.stringContaining('not a date') });
    expect(report.errors.map((e) => e.row)).toContain(5);
    expect(report.attribution).toContain('acleddata.com');

    const failed = await upload([header, ...bad].join('\n'), `int-job-bad-${RUN}`);
    expect(failed['status']).toBe('failed');
    expect(failed['error']).toContain('no row was accepted');
    // A file whose header cannot be stored as text (a NUL: UTF-16) fails at once, saying what it is,
    // where the message could not be recorded and the job ran three times as "interrupted".
    const utf16 = await upload('a\u0000,b,c\n1,2,3\n', `int-job-nul-${RUN}`);
    expect(utf16).toMatchObject({ status: 'failed', runs: 1, error: expect.stringContaining('unusable file: the header holds NUL characters') });
    expect((await api('GET', `/imports/${randomUUID()}`)).status).toBe(404);
  });
});
