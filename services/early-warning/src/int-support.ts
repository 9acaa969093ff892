import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import { startServiceApp } from '@crisis-ops/service-kit';
import { adminClient, devToken, eventually, inProcessServiceConfig, ReadPositions, testKafka, uniqueSuffix, unusedCountryCodes } from '@crisis-ops/testing';
import { TOPIC_RISK } from '@crisis-ops/contracts';
import { parseCloudEvent, type ReceivedEvent } from '@crisis-ops/messaging';
import { SERVICE } from './service.definition';
import { COUNTRIES } from '@crisis-ops/geo';

/** early-warning booted in-process on the test infrastructure, with what its suites talk to it by. */
export interface BootedEarlyWarning {
  readonly app: INestApplication;
  /** Its HTTP base URL. */
  readonly base: string;
  /** An analyst's token, for every region. */
  readonly token: string;
  /** The admin role, to look at any schema. */
  readonly db: Client;
  /** An idempotent producer, for events other services would publish. */
  readonly producer: Producer;
  /** A request as the analyst; JSON bodies parsed, anything else (CSV) left as text. */
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { errors: Array<{ field: string; reason: string }> } }>;
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function bootEarlyWarning(suite: string): Promise<BootedEarlyWarning> {
  const app = await startServiceApp(SERVICE, inProcessServiceConfig('early-warning'), { port: 0, host: '127.0.0.1', quiet: true });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const token = await devToken({ roles: ['analyst'], region: null });
  const db = adminClient();
  await db.connect();
  const producer = testKafka(`early-warning-${suite}-int-producer`).producer({ idempotent: true });
  await producer.connect();
  return {
    app,
    base,
    token,
    db,
    producer,
    async api(method, url, body) {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // CSV
      }
      return { status: res.status, body: parsed as Record<string, unknown> & { errors: Array<{ field: string; reason: string }> } };
    },
    count: async (sql, params) => Number((await db.query(sql, params)).rows[0].n),
    async close() {
      await producer.disconnect();
      await db.end();
      await app.close();
    },
  };
}

/**
 * Shared by the integration suites, which rerun against the same test database: each escalation or
 * context case takes a user-assigned code (never a real country) that no earlier run has
 * assessed or given context, so what it sees is its own doing.
 */
export const freshCountries = (n: number): Promise<string[]> => unusedCountryCodes(n, { tables: ['early_warning.risk_engines', 'early_warning.risk_context'] });

export const freshCountry = async (): Promise<string> => (await freshCountries(1))[0];

/** How many inputs (signals and observations) the country's engine has applied. */
export async function inputsApplied(db: Pick<Client, 'query'>, country: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT coalesce(max(signals), 0) AS n FROM early_warning.risk_engines WHERE country = $1', [country]);
  return Number(rows[0].n);
}

/**
 * A real country (imports resolve ISO codes only) with no risk state, aggregates or context
 * (mediation's suites record agreements) yet; not one the early-warning suite posts signals for.
 * Given a desk, one of that desk's countries.
 */
export async function unassessedCountry(db: Pick<Client, 'query'>, desk?: string): Promise<string> {
  const postedBySuites = ['BFA', 'CIV', 'COD', 'MLI', 'NER'];
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM unnest($1::text[]) AS c(code)
     WHERE NOT EXISTS (SELECT 1 FROM early_warning.risk_engines e WHERE e.country = c.code)
       AND NOT EXISTS (SELECT 1 FROM early_warning.aggregate_observations o WHERE o.country = c.code)
       AND NOT EXISTS (SELECT 1 FROM early_warning.risk_context x WHERE x.country = c.code)`,
    [COUNTRIES.filter((c) => desk === undefined || c.desk === desk).map((c) => c.iso3).filter((c) => !postedBySuites.includes(c))],
  );
  if (rows.length === 0) throw new Error('every country has risk state: reset the test database');
  return rows[Math.floor(Math.random() * rows.length)].code;
}

/** What early-warning announces on one of its topics, read by a suite from the topic's end. */
export interface TopicReader {
  /** Every event read so far, in partition order. */
  readonly events: ReceivedEvent[];
  /**
   * Everything early-warning staged for the country is on Kafka (the relay deletes an outbox row
   * once the broker has it) and the reader has read that far: what it holds is all there will be.
   */
  allAnnounced(country: string): Promise<void>;
  close(): Promise<void>;
}

/** What early-warning announces on its risk topic. */
export type RiskTopicReader = TopicReader;

export const readRiskTopic = (ew: BootedEarlyWarning, suite: string): Promise<RiskTopicReader> => readTopic(ew, suite, TOPIC_RISK);

export async function readTopic(ew: BootedEarlyWarning, suite: string, topic: string): Promise<TopicReader> {
  const events: ReceivedEvent[] = [];
  const positions = new ReadPositions();
  const reader = testKafka(`early-warning-${suite}-reader`).consumer({ groupId: `early-warning-${suite}-${uniqueSuffix()}` });
  await reader.connect();
  await reader.subscribe({ topics: [topic], fromBeginning: false });
  await reader.run({
    eachMessage: async ({ topic, partition, message }) => {
      events.push(parseCloudEvent(topic, partition, message));
      positions.record(topic, partition, message.offset);
    },
  });
  // fromBeginning: false starts at the end only once the group has its partitions.
  await eventually(async () => (await reader.describeGroup()).state === 'Stable', 30_000, 200);
  await positions.startedAtEnd(topic);
  return {
    events,
    async allAnnounced(country) {
      await eventually(async () => (await ew.count('SELECT count(*) AS n FROM early_warning.outbox WHERE key = $1', [country])) === 0, 30_000, 100);
      await positions.readToEnd(topic);
    },
    close: () => reader.disconnect(),
  };
}
