import { useSyncExternalStore } from 'react';
import type { RiskRow, StreamItem } from './api';
import { historyPointOf, withPoint } from './risk-history';

/** Events kept in memory; older ones fall off. */
export const EVENT_CAP = 500;
/** Event ids remembered to drop repeats: a reconnect's catch-up overlaps, a replay covers what came live. */
const SEEN_CAP = 5_000;
/** Renders happen at most this often however fast events arrive. */
const MIN_RENDER_INTERVAL_MS = 200;
/** Wait before the first new stream after the browser gave one up; doubled each time up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export interface StreamFilter {
  region?: string;
  country?: string;
  type?: string;
  minLevel?: string;
}

type Status = 'idle' | 'connecting' | 'open' | 'error';

/**
 * The console's live state outside React: events arrive from the SSE stream into a pending buffer
 * and are merged at most once per animation frame (and MIN_RENDER_INTERVAL_MS), so 1,000 events/s
 * cost a few renders per second, and the list is capped at EVENT_CAP.
 */
class LiveStore {
  events: StreamItem[] = [];
  risk = new Map<string, RiskRow>();
  status: Status = 'idle';
  received = 0;
  dropped = 0;
  rate = 0;
  paused = false;
  /** Bumped when an escalation to high/critical arrives, so alert views refetch. */
  alertsTick = 0;
  version = 0;
  /** When the stream failed (ms), until it is open again: what is shown may be missing events since. */
  streamDownSince: number | null = null;
  /** When the risk board was last known good (ms), while its refreshes fail. */
  riskStaleSince: number | null = null;
  /** The server no longer takes the token: the console must ask for a new one. */
  sessionExpired = false;
  private pending: StreamItem[] = [];
  /** Insertion-ordered, so the first is the oldest to forget. */
  private seen = new Set<string>();

  /** Events received but not yet in the list (while paused, those waiting for Resume). */
  get waiting(): number {
    return this.pending.length;
  }
  private source?: EventSource;
  private token = '';
  private filter: StreamFilter = {};
  /** The newest live event received, for a new stream to catch up from. */
  private lastEventId?: string;
  private retryMs = RETRY_MIN_MS;
  private retryTimer?: ReturnType<typeof setTimeout>;
  /** Bumped by connect and disconnect, so a retry planned for an earlier stream does nothing. */
  private generation = 0;
  private riskLoadedAt: number | null = null;
  private scheduled = false;
  private lastRender = 0;
  private rateWindow: number[] = [];
  private readonly listeners = new Set<() => void>();

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  connect(token: string, filter: StreamFilter): void {
    this.disconnect();
    this.token = token;
    this.filter = filter;
    this.open();
  }

  private open(lastEventId?: string): void {
    const q = new URLSearchParams({ access_token: this.token });
    for (const [k, v] of Object.entries(this.filter)) if (v) q.set(k, v);
    if (lastEventId) q.set('lastEventId', lastEventId);
    this.status = 'connecting';
    const es = new EventSource(`/stream?${q}`);
    this.source = es;
    es.addEventListener('hello', () => {
      this.retryMs = RETRY_MIN_MS;
      this.streamDownSince = null;
      this.setStatus('open');
    });
    es.addEventListener('domain-event', (e) => {
      const item = JSON.parse((e as MessageEvent).data) as StreamItem;
      this.lastEventId = item.id;
      this.push(item);
    });
    es.addEventListener('dropped', (e) => {
      this.dropped += JSON.parse((e as MessageEvent).data).count;
      this.schedule();
    });
    es.onerror = () => {
      this.streamDownSince ??= Date.now();
      // Still CONNECTING: the browser reconnects by itself, sending Last-Event-ID.
      if (es.readyState !== EventSource.CLOSED) {
        this.setStatus('connecting');
        return;
      }
      // CLOSED: a reconnect was refused (an expired token's 401, a proxy's 502 during a redeploy) and
      // the browser has given up for good; without a new stream the console would go quietly stale.
      this.source = undefined;
      this.setStatus('error');
      this.retryLater();
    };
    this.bump();
  }

  private retryLater(): void {
    const generation = this.generation;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => void this.retry(generation), wait);
  }

  /** A refused stream says nothing of why: /me tells an expired token from a server that is down. */
  private async retry(generation: number): Promise<void> {
    const status = await fetch('/me', { headers: { authorization: `Bearer ${this.token}` } }).then((r) => r.status, () => 0);
    if (generation !== this.generation) return;
    if (status === 401) this.expireSession();
    else if (status === 200) this.open(this.lastEventId);
    else this.retryLater();
  }

  expireSession(): void {
    this.disconnect();
    this.sessionExpired = true;
    this.bump();
  }

  disconnect(): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryMs = RETRY_MIN_MS;
    this.source?.close();
    this.source = undefined;
    this.status = 'idle';
    this.streamDownSince = null;
    this.stopReplay();
  }

  replayStatus: string | null = null;
  private replaySource?: EventSource;

  /** Replays history into the same list (live events keep arriving too); the server ends it. */
  replay(token: string, from: string, speed: 'real' | 'max', filter: StreamFilter): void {
    this.stopReplay();
    const q = new URLSearchParams({ access_token: token, from: new Date(from).toISOString(), speed });
    for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
    const es = new EventSource(`/replay?${q}`);
    this.replaySource = es;
    let n = 0;
    this.replayStatus = 'replaying…';
    es.addEventListener('domain-event', (e) => {
      n++;
      this.push(JSON.parse((e as MessageEvent).data), false);
      this.replayStatus = `replaying… ${n} events`;
    });
    // EventSource reconnects when a response ends; a finished replay must not start over.
    es.addEventListener('end', (e) => {
      const { reason } = JSON.parse((e as MessageEvent).data);
      this.stopReplay(`replay finished (${reason}): ${n} events`);
    });
    es.onerror = () => this.stopReplay(n ? `replay stopped after ${n} events` : 'replay failed');
    this.bump();
  }

  /**
   * Forgets everything received and stops both streams: whoever signs in next in this tab (another
   * user, perhaps of another region) must not be shown what the last one was allowed to see.
   */
  reset(): void {
    this.disconnect();
    this.events = [];
    this.pending = [];
    this.seen.clear();
    this.risk = new Map();
    this.received = 0;
    this.dropped = 0;
    this.rate = 0;
    this.rateWindow = [];
    this.paused = false;
    this.replayStatus = null;
    this.lastEventId = undefined;
    this.riskLoadedAt = null;
    this.riskStaleSince = null;
    this.sessionExpired = false;
    this.bump();
  }

  stopReplay(status: string | null = null): void {
    this.replaySource?.close();
    this.replaySource = undefined;
    this.replayStatus = status;
    this.bump();
  }

  setRisk(rows: RiskRow[]): void {
    this.risk = new Map(rows.filter((r) => r.admin1 === '').map((r) => [r.country, r]));
    this.riskLoadedAt = Date.now();
    this.riskStaleSince = null;
    this.bump();
  }

  riskRefreshFailed(): void {
    this.riskStaleSince ??= this.riskLoadedAt ?? Date.now();
    this.bump();
  }

  /** While paused the list holds still; what arrives meanwhile waits (up to EVENT_CAP) and shows on resume. */
  setPaused(p: boolean): void {
    this.paused = p;
    if (!p && this.pending.length) this.schedule();
    this.bump();
  }

  clear(): void {
    this.events = [];
    // A replay after clearing should show what it replays.
    this.seen.clear();
    this.bump();
  }

  private setStatus(s: Status) {
    this.status = s;
    this.bump();
  }

  private push(item: StreamItem, isLive = true): void {
    if (this.seen.has(item.id)) return;
    this.seen.add(item.id);
    if (this.seen.size > SEEN_CAP) this.seen.delete(this.seen.values().next().value as string);
    this.received++;
    this.rateWindow.push(Date.now());
    this.pending.push(item);
    if (this.pending.length > EVENT_CAP) this.pending.splice(0, this.pending.length - EVENT_CAP);
    // History must not overwrite the current risk picture.
    if (isLive) this.applyRisk(item);
    this.schedule();
  }

  /** Risk events update the board and map at once, without waiting for a refetch. */
  private applyRisk(item: StreamItem): void {
    // A sub-national escalation opens an alert too, though the board and map show countries only.
    if (item.name === 'risk-escalated' && item.level !== null && item.level >= 3) this.alertsTick++;
    if (!item.country || item.level === null || item.admin1 || !/^risk-/.test(item.name)) return;
    const prev = this.risk.get(item.country);
    const score = typeof item.payload.score === 'number' ? item.payload.score : (prev?.score ?? 0);
    const names = ['unspecified', 'low', 'elevated', 'high', 'critical'];
    this.risk.set(item.country, {
      country: item.country,
      name: prev?.name ?? item.country,
      admin1: '',
      region: item.desk,
      level: item.level,
      levelName: names[item.level] ?? 'unspecified',
      score,
      drivers: (item.payload.drivers as RiskRow['drivers']) ?? prev?.drivers ?? [],
      levelChangedAt: prev && prev.level === item.level ? prev.levelChangedAt : item.time,
      updatedAt: item.time,
      history: withPoint(prev?.history ?? [], historyPointOf(item, score, item.level)),
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, MIN_RENDER_INTERVAL_MS - (performance.now() - this.lastRender));
    setTimeout(() => {
      // Hidden tabs get no animation frames; they do not need renders either, but must not pile up.
      if (document.hidden) this.flush();
      else requestAnimationFrame(() => this.flush());
    }, wait);
  }

  private flush(): void {
    this.scheduled = false;
    this.lastRender = performance.now();
    const now = Date.now();
    this.rateWindow = this.rateWindow.filter((t) => now - t < 1_000);
    this.rate = this.rateWindow.length;
    if (!this.paused && this.pending.length) {
      const fresh = this.pending.reverse();
      this.events = fresh.concat(this.events).slice(0, EVENT_CAP);
      this.pending = [];
    }
    this.bump();
  }

  private bump(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

export const live = new LiveStore();

/** Re-renders the calling component whenever the live store changes (at most a few times a second). */
export function useLive(): LiveStore {
  useSyncExternalStore(live.subscribe, () => live.version);
  return live;
}
