import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { ServiceConfig } from '@crisis-ops/config';
import { SERVICE_CONFIG } from '@crisis-ops/service-kit';
import { deskOf } from '../access/access-policy';
import { StreamHub } from './stream-hub';
import { streamItemOf } from './stream-item';

/** Postgres NOTIFY payloads are limited to 8,000 bytes: event ids go in chunks well under it. */
const IDS_PER_NOTIFY = 100;

const channelOf = (schema: string) => `${schema}_stream`;

/**
 * Announces committed timeline entries to every ops-centre replica. Called inside the recording
 * transaction: Postgres delivers the notification only when (and if) it commits, in commit order.
 */
export async function announceCommitted(m: EntityManager, schema: string, eventIds: readonly string[]): Promise<void> {
  for (let i = 0; i < eventIds.length; i += IDS_PER_NOTIFY) {
    await m.query('SELECT pg_notify($1, $2)', [channelOf(schema), JSON.stringify(eventIds.slice(i, i + IDS_PER_NOTIFY))]);
  }
}

/**
 * Feeds this replica's live streams with every committed event, whichever replica recorded it.
 * Each replica consumes only its share of the partitions; the recording transaction NOTIFYs the ids
 * it committed, and every replica LISTENs, reads those timeline rows and hands them to its StreamHub.
 * So a console connected to any replica sees all events, and only committed ones.
 */
@Injectable()
export class StreamFanout implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StreamFanout');
  private client?: Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  /** Notifications are handled one at a time, so events reach the streams in commit order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly hub: StreamHub,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.chain.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const db = this.config.database;
    const client = new Client({
      host: db.host,
      port: db.port,
      database: db.name,
      user: db.user,
      password: db.password,
      application_name: `${db.schema}-stream-fanout`,
      options: `-c search_path=${db.schema}`,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('notification', (n) => {
      if (n.payload) this.chain = this.chain.then(() => this.deliver(client, n.payload as string)).catch((err) => this.logger.warn(`could not stream committed events: ${(err as Error).message}`));
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channelOf(db.schema)}"`);
      this.client = client;
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err: Error): void {
    if (this.stopped) return;
    // Events committed while reconnecting reach the timeline, not the live streams; clients see the gap there.
    this.logger.warn(`stream fan-out lost its database connection (${err.message}); reconnecting`);
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), 1_000);
    this.retry.unref();
  }

  private async deliver(client: Client, payload: string): Promise<void> {
    const ids = JSON.parse(payload) as string[];
    if (this.hub.size === 0 || ids.length === 0) return;
    const { rows } = await client.query<{ event_id: string; ce_type: string; ce_source: string; topic: string; occurred_at: Date; trace_id: string | null; payload: Record<string, unknown> }>(
      'SELECT event_id, ce_type, ce_source, topic, occurred_at, trace_id, payload FROM timeline_entries WHERE event_id = ANY($1::text[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (!r) continue;
      this.hub.publish(streamItemOf({ id, type: r.ce_type, source: r.ce_source, topic: r.topic, time: r.occurred_at, traceId: r.trace_id }, r.payload, deskOf));
    }
  }
}
