import { Client } from 'pg';
import type { Message, Producer } from 'kafkajs';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { cloudEventHeaders, traceparentOf } from '../cloud-event';
import { OutboxBacklog } from './outbox-backlog';
import { countOutbox, readBatch, type OutboxRow } from './outbox-rows';

export interface RelayDatabase {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  readonly password: string;
  readonly schema: string;
  /** More `-c name=value` settings for the relay's session (the services pass DEAD_PEER_SETTINGS). */
  readonly sessionSettings?: string;
}

export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface OutboxRelayOptions {
  readonly database: RelayDatabase;
  /** An idempotent producer (acks=all is set per send). */
  readonly producer: Producer;
  /** Backup poll interval; NOTIFY normally wakes the relay at once. */
  readonly pollMs?: number;
  /** How often a standby replica retries for leadership. */
  readonly standbyRetryMs?: number;
  readonly batchSize?: number;
  /**
   * How often the backlog is counted while the relay lags (default every second): while a drain has
   * gone on that long and after a drain failed (see OutboxBacklog); also whenever publishing fails.
   */
  readonly backlogEveryMs?: number;
  /**
   * Inbox rows older than this are deleted by the active relay (unset: kept for ever). Must outlast
   * any redelivery: a consumer group reset to the earliest offset redelivers what its topics still
   * hold, and an event whose inbox row is gone would be applied twice.
   */
  readonly inboxRetentionMs?: number;
  /** How often the inbox is pruned (default hourly). */
  readonly inboxPruneEveryMs?: number;
  /** Rows one pruning statement deletes at most (default 10,000): short, and publishing goes on between them. */
  readonly inboxPruneBatch?: number;
  readonly logger?: RelayLogger;
  readonly onPublished?: (events: number) => void;
}

const silent: RelayLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes committed outbox rows to Kafka in sequence order, then deletes them: the outbox holds
 * only what is still to go (Kafka keeps what went). Delivery is at least once (a crash between the
 * send and the delete republishes); consumers dedupe with their inbox.
 *
 * One relay per service is active however many replicas run: the active one holds a session
 * advisory lock on its own connection, and the lock goes with the connection if the replica dies.
 */
export class OutboxRelay {
  private client?: Client;
  private leader = false;
  private stopped = true;
  private draining?: Promise<void>;
  private wakeAgain = false;
  private timer?: NodeJS.Timeout;
  private readonly backlogCount: OutboxBacklog;
  private lastInboxPrune = 0;
  private readonly pollMs: number;
  private readonly standbyRetryMs: number;
  private readonly batchSize: number;
  private readonly logger: RelayLogger;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollMs = options.pollMs ?? 2_000;
    this.standbyRetryMs = options.standbyRetryMs ?? 5_000;
    this.batchSize = options.batchSize ?? 5_000;
    this.backlogCount = new OutboxBacklog(options.backlogEveryMs ?? 1_000);
    this.logger = options.logger ?? silent;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Unpublished events at the last look (for metrics and the system view). */
  get backlog(): number {
    return this.backlogCount.current;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.campaign();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.backlogCount.stop();
    await this.draining?.catch(() => undefined);
    await this.dropConnection();
  }

  /** Publishes everything committed so far; resolves when the outbox is empty (tests, shutdown). */
  async flush(): Promise<void> {
    if (!this.leader) throw new Error('this relay is not the active one');
    await this.wake();
    while (this.draining) await this.draining;
  }

  private get channel(): string {
    return `${this.options.database.schema}_outbox`;
  }

  private async campaign(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = new Client({
        host: this.options.database.host,
        port: this.options.database.port,
        database: this.options.database.name,
        user: this.options.database.user,
        password: this.options.database.password,
        application_name: `${this.options.database.schema}-outbox-relay`,
        // It holds the relay's leadership as a session lock: a leader whose host died must let it go.
        options: `-c search_path=${this.options.database.schema}${this.options.database.sessionSettings ? ` ${this.options.database.sessionSettings}` : ''}`,
        keepAlive: true,
      });
      client.on('error', (err) => this.onConnectionLost(client, err));
      await client.connect();
      this.client = client;
      const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS won', [this.channel]);
      if (!rows[0].won) {
        await this.dropConnection();
        this.schedule(() => this.campaign(), this.standbyRetryMs);
        return;
      }
      this.leader = true;
      this.backlogCount.watch(() => countOutbox(client));
      client.on('notification', () => void this.wake());
      await client.query(`LISTEN "${this.channel}"`);
      this.logger.log(`outbox relay for ${this.options.database.schema} is active`);
      void this.wake();
    } catch (err) {
      this.logger.warn(`outbox relay could not campaign: ${(err as Error).message}`);
      await this.dropConnection();
      this.schedule(() => this.campaign(), this.standbyRetryMs);
    }
  }

  private onConnectionLost(client: Client, err: Error): void {
    // Only the current connection: one this relay ended itself (a lost campaign, a stop) is not a loss.
    if (this.stopped || client !== this.client) return;
    this.logger.error('outbox relay lost its database connection; campaigning again', err);
    void this.dropConnection().then(() => this.schedule(() => this.campaign(), this.standbyRetryMs));
  }

  private async dropConnection(): Promise<void> {
    this.leader = false;
    this.backlogCount.stop();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private schedule(fn: () => Promise<void> | void, ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref();
  }

  private wake(): Promise<void> {
    if (!this.leader || this.stopped) return Promise.resolve();
    if (this.draining) {
      this.wakeAgain = true;
      return this.draining;
    }
    this.draining = this.drain()
      .catch((err) => this.logger.error('outbox relay failed to publish; will retry', err))
      .finally(() => {
        this.draining = undefined;
        // A drain that failed because the connection was lost must not replace the campaign timer
        // onConnectionLost set with a poll: a poll without leadership does nothing, and the relay
        // would never publish again.
        if (!this.leader) return;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          void this.wake();
        } else {
          this.schedule(() => this.wake(), this.pollMs);
        }
      });
    return this.draining;
  }

  private async drain(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.backlogCount.drainStarted();
    try {
      for (;;) {
        const rows = await readBatch(client, this.batchSize);
        if (rows.length === 0) break;
        await this.publish(rows);
        // Exactly the rows sent: a row with a seq in between may have committed after the SELECT.
        await client.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
        this.options.onPublished?.(rows.length);
        if (rows.length < this.batchSize) break;
        // A full batch: more is waiting, and the backlog is worth a look (at most every backlogEveryMs).
        await this.backlogCount.count(() => countOutbox(client), false);
      }
    } catch (err) {
      this.backlogCount.drainFailedToPublish();
      await this.backlogCount.count(() => countOutbox(client), true).catch(() => undefined);
      throw err;
    }
    // The last look found fewer rows than a batch and all of them are published: nothing committed
    // before it is left. Rows committed since then notify, and the next drain takes them.
    this.backlogCount.drainEmptied();
    if (this.options.inboxRetentionMs !== undefined && Date.now() - this.lastInboxPrune >= (this.options.inboxPruneEveryMs ?? 3_600_000)) {
      await this.pruneInbox(client, this.options.inboxRetentionMs);
    }
  }

  /**
   * One statement of at most `inboxPruneBatch` rows per drain, so publishing never waits behind a
   * long clean-up; a full batch means more is due, and the next drain prunes again.
   */
  private async pruneInbox(client: Client, retentionMs: number): Promise<void> {
    const batch = this.options.inboxPruneBatch ?? 10_000;
    const { rowCount } = await client.query(
      `DELETE FROM inbox WHERE ctid IN (SELECT ctid FROM inbox WHERE processed_at < now() - $1 * interval '1 millisecond' LIMIT $2)`,
      [retentionMs, batch],
    );
    this.lastInboxPrune = (rowCount ?? 0) === batch ? 0 : Date.now();
  }

  /**
   * Sends rows in sequence order, as many per send as the broker takes in one request. Consecutive
   * rows of one request share its trace context: each such run gets its own producer span per topic,
   * joined to the request's trace, however many runs share the send (one per single-signal POST would
   * otherwise cost a broker round trip each).
   */
  private async publish(rows: OutboxRow[]): Promise<void> {
    let start = 0;
    while (start < rows.length) {
      let end = start + 1;
      let bytes = approximateRecordBytes(rows[start]);
      // A send ends before it outgrows what the broker accepts in one record batch
      // (message.max.bytes, 1 MiB by default); kafkajs does not split batches itself.
      while (end < rows.length && bytes + approximateRecordBytes(rows[end]) <= MAX_SEND_BYTES) {
        bytes += approximateRecordBytes(rows[end]);
        end++;
      }
      await sendTraced(this.options.producer, rows.slice(start, end));
      start = end;
    }
  }
}

const tracer = trace.getTracer('@crisis-ops/messaging');

/**
 * One send, traced by one PRODUCER span per run of rows sharing a stored context, and per topic,
 * instead of a span per message. Each record carries its span's context, so consumers continue from
 * the span that sent it. A run without a stored context gets root spans, not none: its records then
 * still carry a producer span for their consumers to hang off.
 */
async function sendTraced(producer: Producer, rows: OutboxRow[]): Promise<void> {
  const spans: Span[] = [];
  const byTopic = new Map<string, Message[]>();
  let start = 0;
  while (start < rows.length) {
    let end = start + 1;
    while (end < rows.length && rows[end].traceparent === rows[start].traceparent) end++;
    const run = rows.slice(start, end);
    const stored = run[0].traceparent;
    const parent = stored ? propagation.extract(ROOT_CONTEXT, { traceparent: stored }) : ROOT_CONTEXT;
    for (const [topic, topicRows] of groupByTopicInOrder(run)) {
      const span = tracer.startSpan(
        `send ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.name': 'send',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.batch.message_count': topicRows.length,
          },
        },
        parent,
      );
      spans.push(span);
      // Without an SDK the span is a no-op; the stored context then passes through as it is.
      const traceparent = traceparentOf(trace.setSpan(parent, span)) ?? stored ?? undefined;
      // Runs are appended in sequence order, so each topic (and so each key) keeps commit order.
      const messages = byTopic.get(topic) ?? [];
      for (const row of topicRows) messages.push(recordOf(row, traceparent));
      byTopic.set(topic, messages);
    }
    start = end;
  }
  try {
    // Suppressed, a kafkajs instrumentation (should one be registered) starts only no-op spans and
    // its header inject is a no-op (W3C propagators skip suppressed contexts): our traceparent stays.
    await context.with(suppressTracing(ROOT_CONTEXT), () =>
      producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }),
    );
  } catch (err) {
    for (const span of spans) {
      span.recordException(err as Error);
      span.setAttribute('error.type', (err as Error)?.constructor?.name ?? 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    }
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}

/** Under the broker's default message.max.bytes (1 MiB), with room for batch framing. */
export const MAX_SEND_BYTES = 768 * 1024;

/** Payload, key and CloudEvents headers, generously counted. */
function approximateRecordBytes(row: OutboxRow): number {
  return row.payload.length + row.key.length + row.ce_type.length + row.ce_source.length + (row.ce_subject?.length ?? 0) + 256;
}

/** kafkajs batches per topic; order within each topic (and so within each key) is kept. */
function groupByTopicInOrder(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const byTopic = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const same = byTopic.get(row.topic);
    if (same) same.push(row);
    else byTopic.set(row.topic, [row]);
  }
  return byTopic;
}

function recordOf(row: OutboxRow, traceparent: string | undefined): Message {
  return {
    key: row.key,
    value: row.payload,
    headers: cloudEventHeaders(
      { id: row.event_id, type: row.ce_type, source: row.ce_source, time: row.ce_time, subject: row.ce_subject ?? undefined },
      traceparent,
    ),
  };
}
