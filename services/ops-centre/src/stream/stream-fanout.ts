import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { ServiceConfig } from '@crisis-ops/config';
import { SERVICE_CONFIG } from '@crisis-ops/service-kit';
import { CATCH_UP_MAX_EVENTS, CATCH_UP_OVERLAP_MS, itemOfRow, readMissed, RecentIds, TIMELINE_COLUMNS, type TimelineRow } from './stream-catch-up';
import { StreamHub } from './stream-hub';

/**
 * Postgres refuses a NOTIFY payload of 8,000 bytes or more (22023 "payload string too long"), which
 * rolled back the recording transaction: a batch whose ids were long went one by one, and an event
 * whose id alone was too long was dead-lettered. Payloads are cut by their size in bytes, under it.
 */
export const MAX_NOTIFY_BYTES = 7_900;

const channelOf = (schema: string) => `${schema}_stream`;

/** Whether an id is too long to go in a NOTIFY on its own (as the JSON array of one that announces it). */
const tooLongToNotify = (id: string) => Buffer.byteLength(JSON.stringify([id])) > MAX_NOTIFY_BYTES;

/**
 * What a notification says: the ids of committed timeline entries (a JSON array), or that entries
 * whose ids are too long to notify were recorded by the transaction that began at `longIdsAt` (the
 * received_at of its entries, indexed): the listener reads them back from the timeline by it.
 */
type Announcement = { readonly ids: readonly string[] } | { readonly longIdsAt: string };

function announcementOf(payload: string): Announcement {
  const parsed = JSON.parse(payload) as unknown;
  return Array.isArray(parsed) ? { ids: parsed as string[] } : { longIdsAt: String((parsed as { longIdsAt: unknown }).longIdsAt) };
}

/**
 * Announces committed timeline entries to every ops-centre replica. Called inside the recording
 * transaction: Postgres delivers the notification only when (and if) it commits, in commit order.
 * Ids go in JSON arrays of at most MAX_NOTIFY_BYTES; ids too long for one on their own are announced
 * by one reference to the transaction (its now(), which its entries were recorded at), however many.
 */
export async function announceCommitted(m: EntityManager, schema: string, eventIds: readonly string[]): Promise<void> {
  let chunk: string[] = [];
  let bytes = 2;
  let anyTooLong = false;
  const flush = async () => {
    if (chunk.length) await m.query('SELECT pg_notify($1, $2)', [channelOf(schema), JSON.stringify(chunk)]);
    chunk = [];
    bytes = 2;
  };
  for (const id of eventIds) {
    if (tooLongToNotify(id)) {
      anyTooLong = true;
      continue;
    }
    // The id as a JSON string, and its comma.
    const size = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (chunk.length && bytes + size > MAX_NOTIFY_BYTES) await flush();
    chunk.push(id);
    bytes += size;
  }
  await flush();
  if (anyTooLong) await m.query(`SELECT pg_notify($1, json_build_object('longIdsAt', now())::text)`, [channelOf(schema)]);
}

/**
 * Feeds this replica's live streams with every committed event, whichever replica recorded it.
 * Each replica consumes only its share of the partitions; the recording transaction NOTIFYs the ids
 * it committed, and every replica LISTENs, reads those timeline rows and hands them to its StreamHub.
 * So a console connected to any replica sees all events, and only committed ones.
 *
 * Notifications are not queued for a session that is not listening, so after its connection is lost
 * the fan-out LISTENs again and then catches up from the timeline what was recorded since the newest
 * event it had streamed (see stream-catch-up.ts), before anything live; ids streamed recently are
 * remembered so neither the catch-up's overlap nor a redelivered event reaches a console twice.
 */
@Injectable()
export class StreamFanout implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StreamFanout');
  /** Unique per replica, so one replica's LISTEN session can be told apart in pg_stat_activity. */
  readonly applicationName: string;
  /** Wait before reconnecting after the LISTEN connection is lost (tests lengthen it to widen the gap). */
  reconnectDelayMs = 1_000;
  /** Most events one catch-up streams (tests raise it when the shared test broker carries other traffic). */
  catchUpMaxEvents = CATCH_UP_MAX_EVENTS;
  private client?: Client;
  /** The connection whose catch-up is done: only what it delivers moves `streamedUntil`. */
  private live?: Client;
  private readonly dropped = new WeakSet<Client>();
  private stopped = false;
  private retry?: NodeJS.Timeout;
  /** Notifications are handled one at a time, so events reach the streams in commit order. */
  private chain: Promise<void> = Promise.resolve();
  private readonly seen = new RecentIds();
  /**
   * Database time (received_at) up to which every committed event has reached this replica's
   * streams, or was recorded while none was open; undefined until the first LISTEN.
   */
  private streamedUntil?: Date;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly hub: StreamHub,
  ) {
    this.applicationName = `${config.database.schema}-stream-fanout-${randomBytes(4).toString('hex')}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    // A connection still being set up holds the chain until it settles: end it rather than wait.
    if (client && client !== this.live) await client.end().catch(() => undefined);
    await this.chain.catch(() => undefined);
    await client?.end().catch(() => undefined);
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
      application_name: this.applicationName,
      options: `-c search_path=${db.schema}`,
      connectionTimeoutMillis: 10_000,
    });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection closed')));
    let listening!: (at: Date) => void;
    let failed!: (err: Error) => void;
    const listened = new Promise<Date>((resolve, reject) => {
      listening = resolve;
      failed = reject;
    });
    // Awaited only once the chain reaches it; a failed connect must not count as an unhandled rejection meanwhile.
    listened.catch(() => undefined);
    // Queued before any of this connection's notifications can be, so the catch-up reaches the
    // streams ahead of everything live.
    this.chain = this.chain
      .then(() => listened)
      .then((at) => this.resume(client, at))
      .catch((err) => this.lost(client, err as Error));
    client.on('notification', (n) => {
      const payload = n.payload;
      if (!payload) return;
      // A failed read drops the connection too: the catch-up on reconnect streams what this one missed.
      this.chain = this.chain
        .then(() => this.deliver(client, payload))
        .catch((err) => this.lost(client, new Error(`could not stream committed events: ${(err as Error).message}`)));
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channelOf(db.schema)}"`);
      // Taken after LISTEN: every event committed from here on is notified.
      const { rows } = await client.query<{ at: Date }>('SELECT now() AS at');
      listening(rows[0].at);
    } catch (err) {
      failed(err as Error);
      this.lost(client, err as Error);
    }
  }

  /**
   * Reconnects at once after a lost connection instead of when reconnectDelayMs runs out; nothing
   * while connected. For tests that hold the gap open (a delay too long to run out) until they have
   * recorded what should be caught up, so the test does not depend on how fast that is.
   */
  reconnectNow(): void {
    if (this.stopped || this.client) return;
    clearTimeout(this.retry);
    void this.connect();
  }

  /** Catches up what a lost connection missed (nothing on the first connect), then goes live. */
  private async resume(client: Client, listenedAt: Date): Promise<void> {
    const since = this.streamedUntil;
    if (since && this.hub.size > 0) {
      const from = new Date(since.getTime() - CATCH_UP_OVERLAP_MS);
      this.logger.log(`stream fan-out reconnected; catching up events recorded since ${from.toISOString()}`);
      const { rows, skipped, skippedMore } = await readMissed(client, from, this.seen, this.catchUpMaxEvents);
      for (const r of rows) this.publish(r);
      if (skipped > 0) {
        this.logger.warn(
          `stream fan-out catch-up skipped ${skipped}${skippedMore ? ' or more' : ''} older events recorded while disconnected (cap ${this.catchUpMaxEvents}); consoles can reload them from the timeline`,
        );
      }
      this.logger.log(`stream fan-out caught up ${rows.length} events`);
    } else if (since) {
      this.logger.log('stream fan-out reconnected; no open streams, nothing to catch up');
    }
    this.live = client;
    this.advance(listenedAt);
  }

  /** Drops the connection and reconnects; the next LISTEN catches up what this one missed. */
  private lost(client: Client, err: Error): void {
    if (this.stopped || this.dropped.has(client)) return;
    this.dropped.add(client);
    if (this.client === client) this.client = undefined;
    if (this.live === client) this.live = undefined;
    this.logger.warn(`stream fan-out lost its database connection (${err.message}); reconnecting in ${this.reconnectDelayMs} ms`);
    void client.end().catch(() => undefined);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.retry.unref();
  }

  /** The ids a notification announces: given, or (ids too long to notify) read back from the timeline. */
  private async idsOf(client: Client, payload: string): Promise<readonly string[]> {
    const announced = announcementOf(payload);
    if ('ids' in announced) return announced.ids;
    // Every entry of that transaction (its received_at), of which those it could not notify; another
    // transaction begun in the same microsecond only adds ids already seen or about to be notified.
    const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM timeline_entries WHERE received_at = $1::timestamptz', [announced.longIdsAt]);
    return rows.map((r) => r.event_id).filter(tooLongToNotify);
  }

  private async deliver(client: Client, payload: string): Promise<void> {
    const ids = (await this.idsOf(client, payload)).filter((id) => !this.seen.has(id));
    if (ids.length === 0) return;
    if (this.hub.size === 0) {
      // Nobody to stream to; remembered so a later catch-up does not send them to newer consoles.
      for (const id of ids) this.seen.add(id);
      // The key moves on too: after hours without consoles, a catch-up must not start hours back,
      // where the recent-id window no longer reaches and old events would be streamed as missed.
      if (client === this.live) {
        const { rows } = await client.query<{ at: Date | null }>('SELECT max(received_at) AS at FROM timeline_entries WHERE event_id = ANY($1::text[])', [ids]);
        if (rows[0]?.at) this.advance(rows[0].at);
      }
      return;
    }
    const { rows } = await client.query<TimelineRow>(`SELECT ${TIMELINE_COLUMNS} FROM timeline_entries WHERE event_id = ANY($1::text[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (r) this.publish(r);
    }
    // Only a connection that caught up moves the key: after a failed catch-up, the next must start as early.
    if (client === this.live) for (const r of rows) this.advance(r.received_at);
  }

  private publish(r: TimelineRow): void {
    this.seen.add(r.event_id);
    this.hub.publish(itemOfRow(r));
  }

  private advance(at: Date): void {
    if (!this.streamedUntil || at > this.streamedUntil) this.streamedUntil = at;
  }
}
