import { useSyncExternalStore } from 'react';
import { api, ApiError, streamItemOfEntry, type RiskRow, type StreamItem, type TimelineEntry } from './api';
import { assessedDayOf, historyPointOf, isOlderThan, levelChangedAtAfter, withPoint } from './risk-history';
import { trendAfter } from './risk-trend';
import { attributionsAfter } from './data-attribution';
import { applyAreaEvent, areaAbove, areaLevelsOf, type AreaLevel, type AreaLevels } from './area-risk';
import { countryNamer } from './country-namer';
import codes from 'virtual:country-codes';
import { LiveStream, type StreamStatus } from './live-stream';
import { ReplayFeed } from './replay-feed';
import { EventIntake } from './event-intake';

const countryNameOf = countryNamer(codes);

/** Events kept in memory; older ones fall off. */
export const EVENT_CAP = 500;
/** Rows the live pane shows at first, the newest; more as the officer asks for earlier events. */
export const VISIBLE = 200;
/** Earlier events shown, or asked of the timeline, per request. */
const EARLIER_PAGE = 100;
/** Most events kept however far back the officer pages; live events still push the oldest out (Pause holds the list). */
export const KEPT_MAX = 2_000;
/** Events a replay's list keeps, the newest it brought: a replay may bring 50,000. */
export const REPLAY_KEEP = EVENT_CAP;
/** Full pages one request reads past when they hold only events the list has. */
const EARLIER_TRIES = 5;
/** Live event ids remembered to drop repeats: a reconnect's catch-up overlaps. */
const SEEN_CAP = 5_000;
/** Renders happen at most this often however fast events arrive. */
const MIN_RENDER_INTERVAL_MS = 200;

export interface StreamFilter {
  region?: string;
  country?: string;
  type?: string;
  minLevel?: string;
}

/**
 * The console's live state outside React: events arrive from the SSE stream (live-stream.ts) into a
 * pending buffer and are merged at most once per animation frame (and MIN_RENDER_INTERVAL_MS), so
 * 1,000 events/s cost a few renders per second, and the list is capped at EVENT_CAP. A replay's
 * events go to a list of their own (event-intake.ts), never into the live one.
 */
class LiveStore {
  /** Live events, the newest first: the stream's, and those paged back from the timeline. */
  events: StreamItem[] = [];
  /** Which list the live pane shows: a replay shows its own until the officer goes back to live. */
  view: 'live' | 'replayed' = 'live';
  risk = new Map<string, RiskRow>();
  /** Admin1 areas per country, for the area of each that stands above its national level (area-risk.ts). */
  areas: AreaLevels = new Map();
  dropped = 0;
  rate = 0;
  paused = false;
  /** Bumped when an escalation to high/critical arrives, so alert views refetch. */
  alertsTick = 0;
  /** Bumped when mediation answers an escalation (proposed, referred, opened), so time to response refetches. */
  responsesTick = 0;
  version = 0;
  /** When the risk board was last known good (ms), while its refreshes fail. */
  riskStaleSince: number | null = null;
  /** The server no longer takes the token: the console must ask for a new one. */
  sessionExpired = false;
  /** Events the list keeps: EVENT_CAP, raised by what paging back loaded, up to KEPT_MAX. */
  keep = EVENT_CAP;
  /** Rows the live pane shows, the newest first. */
  shown = VISIBLE;
  loadingEarlier = false;
  /** What the last request for earlier events brought, announced to screen readers. */
  earlierStatus: string | null = null;
  /** Bumped when what the list holds stops matching what a request for earlier events was for. */
  private earlierGeneration = 0;
  /** The timeline position the last page of earlier events reached, and the oldest event it left in the list. */
  private earlierCursor?: { oldest: string | undefined; next: string };
  /** Live events received and counted, and apart from them the replay's list (`intake.replayed`). */
  readonly intake = new EventIntake<StreamItem>(EVENT_CAP, SEEN_CAP, REPLAY_KEEP);
  /** Live events received when the pane last went to the replay's list: those since are said there. */
  receivedAtReplayView = 0;

  /** Events received but not yet in the list shown (while paused, those waiting for Resume). */
  get waiting(): number {
    return this.intake.waiting(this.view).length;
  }
  private filter: StreamFilter = {};
  private riskLoadedAt: number | null = null;
  private scheduled = false;
  private lastRender = 0;
  private readonly listeners = new Set<() => void>();

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** The live stream the list is fed from, kept open across refused reconnects. */
  private readonly stream = new LiveStream({
    item: (item) => this.push(item),
    dropped: (count) => {
      this.dropped += count;
      this.schedule();
    },
    expired: () => this.expireSession(),
    changed: () => this.bump(),
  });

  get status(): StreamStatus {
    return this.stream.status;
  }

  /** Why the service refuses the stream as asked (a filter it cannot take), until the filter changes. */
  get refusal(): string | null {
    return this.stream.refusal;
  }

  /** When the stream failed (ms), until it is open again: what is shown may be missing events since. */
  get streamDownSince(): number | null {
    return this.stream.streamDownSince;
  }

  connect(token: string, filter: StreamFilter): void {
    // Refiltered, the list starts again: kept, the events of the old filter sat above a gap that
    // "Earlier events" (which pages back from the oldest held) never filled, and said there was nothing more.
    const refiltered = JSON.stringify(filter) !== JSON.stringify(this.filter);
    this.disconnect();
    this.filter = filter;
    if (refiltered) {
      // Events held while paused were the old filter's too, and so was a replay's list.
      this.intake.dropWaitingLive();
      this.intake.startReplay(null);
      this.view = 'live';
      this.clearLive();
    }
    this.forgetEarlierRequest();
    this.stream.connect(token, filter);
  }

  expireSession(): void {
    this.disconnect();
    this.sessionExpired = true;
    this.bump();
  }

  disconnect(): void {
    this.stream.disconnect();
    this.replays.stop();
  }

  /** Replays history into a list of its own (live events keep arriving into theirs); the server ends it. */
  private readonly replays = new ReplayFeed<StreamItem>(
    (item) => {
      if (this.intake.addReplayed(item)) this.schedule();
    },
    () => this.bump(),
  );

  /** Starts a replay afresh, in its own list, and shows that list. */
  startReplay(token: string, from: string, speed: 'real' | 'max', filter: StreamFilter): void {
    this.intake.startReplay(new Date(from).toISOString());
    this.replays.start(token, from, speed, filter);
    this.showView('replayed');
  }

  stopReplay(): void {
    this.replays.stop('replay stopped');
  }

  /** Shows the live list or the replay's. */
  showView(view: 'live' | 'replayed'): void {
    if (view === 'replayed' && this.view !== 'replayed') this.receivedAtReplayView = this.intake.received;
    this.view = view;
    this.bump();
  }

  get replayStatus(): string | null {
    return this.replays.status;
  }

  /**
   * Forgets everything received and stops both streams: whoever signs in next in this tab (another
   * user, perhaps of another region) must not be shown what the last one was allowed to see.
   */
  reset(): void {
    this.disconnect();
    this.events = [];
    this.intake.reset();
    this.view = 'live';
    this.risk = new Map();
    this.areas = new Map();
    this.dropped = 0;
    this.rate = 0;
    this.paused = false;
    this.replays.status = null;
    this.stream.forgetLastEvent();
    this.riskLoadedAt = null;
    this.riskStaleSince = null;
    this.sessionExpired = false;
    this.keep = EVENT_CAP;
    this.shown = VISIBLE;
    this.forgetEarlierRequest();
    this.bump();
  }


  /** The board as `/risk` answers it: national rows, and the admin1 rows of `/risk?scope=all` (`areaRows`). */
  setRisk(rows: RiskRow[], areaRows: RiskRow[] = rows): void {
    this.risk = new Map(rows.filter((r) => !r.admin1).map((r) => [r.country, r]));
    this.areas = areaLevelsOf(areaRows);
    this.riskLoadedAt = Date.now();
    this.riskStaleSince = null;
    this.bump();
  }

  /** The area of a country at the highest level above its national one, or null (area-risk.ts). */
  areaAbove(country: string): AreaLevel | null {
    return areaAbove(this.risk.get(country), this.areas.get(country));
  }

  riskRefreshFailed(): void {
    this.riskStaleSince ??= this.riskLoadedAt ?? Date.now();
    this.bump();
  }

  /** While paused the lists hold still; what arrives meanwhile waits (up to EVENT_CAP of each) and shows on resume. */
  setPaused(p: boolean): void {
    this.paused = p;
    if (!p && (this.intake.waiting('live').length || this.intake.waiting('replayed').length)) this.schedule();
    this.bump();
  }

  /** Empties the list shown: the live one, or the replay's (which a running replay goes on filling). */
  clear(): void {
    if (this.view === 'replayed') {
      this.intake.clearReplayed();
      this.bump();
    } else this.clearLive();
  }

  private clearLive(): void {
    this.events = [];
    this.keep = EVENT_CAP;
    this.shown = VISIBLE;
    this.forgetEarlierRequest();
    this.bump();
  }

  /**
   * Shows the events before the oldest shown: those the list keeps but does not show yet, else those
   * the timeline has before the oldest kept, with the stream's filters, appended in recording order
   * (newest first) without repeats. Says what it brought, or that there is nothing earlier.
   */
  async showEarlier(): Promise<void> {
    if (this.loadingEarlier) return;
    const hidden = Math.min(this.events.length - this.shown, EARLIER_PAGE);
    if (hidden > 0) {
      this.shown += hidden;
      return this.announceEarlier(`${hidden} earlier events shown.`);
    }
    if (this.events.length >= KEPT_MAX) return this.announceEarlier(`The list keeps at most ${KEPT_MAX} events: clear it, or narrow the filters, to page further back.`);
    const generation = this.earlierGeneration;
    this.loadingEarlier = true;
    this.bump();
    try {
      const fresh: StreamItem[] = [];
      const oldest = this.events.at(-1)?.id;
      // Where the last page ended, while the list still ends where that page left it.
      let before = this.earlierCursor && this.earlierCursor.oldest === oldest ? this.earlierCursor.next : oldest;
      let more = true;
      for (let tries = 0; tries < EARLIER_TRIES && more && !fresh.length; tries++) {
        const q = new URLSearchParams({ limit: String(EARLIER_PAGE) });
        for (const [k, v] of Object.entries(this.filter)) if (v) q.set(k, v);
        if (before) q.set('before', before);
        const page = await api<TimelineEntry[]>(`/timeline?${q}`);
        if (generation !== this.earlierGeneration) return;
        // Appended after what live events left of the list, the page would leave a gap.
        if (oldest && this.events.at(-1)?.id !== oldest) return this.announceEarlier('Live events pushed the oldest out meanwhile: pause the list, then ask again.');
        // Live events may have brought some meanwhile.
        const held = new Set([...this.events, ...this.intake.waiting('live')].map((e) => e.id));
        for (const e of page) if (!held.has(e.eventId)) fresh.push(streamItemOfEntry(e));
        more = page.length === EARLIER_PAGE;
        before = page.at(-1)?.eventId ?? before;
      }
      const added = fresh.slice(0, KEPT_MAX - this.events.length);
      for (const e of added) this.intake.remember(e.id);
      this.events = this.events.concat(added);
      this.earlierCursor = before && added.length === fresh.length ? { oldest: this.events.at(-1)?.id, next: before } : undefined;
      this.keep = Math.max(this.keep, this.events.length);
      // Never fewer than shown already (VISIBLE on a short list): live events arriving next would
      // otherwise push the rows just loaded out of view, though the pane has room for them.
      this.shown = Math.max(this.shown, this.events.length);
      if (added.length) this.announceEarlier(`${added.length} earlier events loaded.${more ? '' : ' There are no earlier events for these filters.'}`);
      else this.announceEarlier(more ? `The timeline's next ${EARLIER_TRIES * EARLIER_PAGE} events are in the list already: ask again to look further back.` : 'There are no earlier events for these filters.');
    } catch (e) {
      if (generation !== this.earlierGeneration) return;
      if (e instanceof ApiError && e.status === 401) this.expireSession();
      else this.announceEarlier(`Earlier events could not be loaded: ${(e as Error).message}`);
    } finally {
      if (generation === this.earlierGeneration) this.loadingEarlier = false;
      this.bump();
    }
  }

  private announceEarlier(status: string): void {
    this.earlierStatus = status;
    this.bump();
  }

  /** What a request for earlier events answers after the list was cleared or refiltered is for another list. */
  private forgetEarlierRequest(): void {
    this.earlierGeneration++;
    this.earlierCursor = undefined;
    this.loadingEarlier = false;
    this.earlierStatus = null;
  }

  /** A live event (a replay's never comes here: history must not overwrite the current risk picture). */
  private push(item: StreamItem): void {
    if (!this.intake.addLive(item, Date.now())) return;
    this.applyRisk(item);
    if (/^(mediation-proposed|mediation-opened|mediation-concluded|escalation-referred)$/.test(item.name)) this.responsesTick++;
    this.schedule();
  }

  /** Risk events update the board and map at once, without waiting for a refetch. */
  private applyRisk(item: StreamItem): void {
    // A sub-national escalation opens an alert too: its area shows on the board and map beside its country.
    if (item.name === 'risk-escalated' && item.level !== null && item.level >= 3) this.alertsTick++;
    // A de-escalation may clear alerts (listed last then) and end responses awaited: read both again.
    if (item.name === 'risk-deescalated') {
      this.alertsTick++;
      this.responsesTick++;
    }
    if (!item.country || item.level === null || !/^risk-/.test(item.name)) return;
    // An area's level is kept apart: the board and map say when one stands above its country's.
    if (item.admin1) {
      applyAreaEvent(this.areas, { country: item.country, admin1: item.admin1, level: item.level, score: typeof item.payload.score === 'number' ? item.payload.score : undefined, at: assessedDayOf(item) });
      // What the data owes is the country's: an area's event says it as well as a national one.
      const national = this.risk.get(item.country);
      if (national) this.risk.set(item.country, { ...national, attributions: attributionsAfter(national.attributions, item.payload) });
      return;
    }
    const prev = this.risk.get(item.country);
    const at = assessedDayOf(item);
    // As the read model: an event about an earlier day than the board holds (a redriven dead letter)
    // would set the country back to that day's level until the next refresh.
    if (prev && isOlderThan(at, prev.updatedAt)) return;
    const score = typeof item.payload.score === 'number' ? item.payload.score : (prev?.score ?? 0);
    const names = ['unspecified', 'low', 'elevated', 'high', 'critical'];
    this.risk.set(item.country, {
      country: item.country,
      // A country new to the board is named as /risk names it, not by its code until the next refresh.
      name: prev?.name ?? countryNameOf(item.country),
      admin1: null,
      region: item.desk,
      level: item.level,
      levelName: names[item.level] ?? 'unspecified',
      score,
      drivers: (item.payload.drivers as RiskRow['drivers']) ?? prev?.drivers ?? [],
      levelChangedAt: levelChangedAtAfter(prev, {
        kind: item.name === 'risk-assessed' ? 'assessed' : item.name === 'risk-escalated' ? 'escalated' : 'deescalated',
        level: item.level,
        at,
        levelSince: typeof item.payload.levelSince === 'string' ? item.payload.levelSince : undefined,
      }),
      updatedAt: at,
      history: withPoint(prev?.history ?? [], historyPointOf(item, score, item.level)),
      ...trendAfter(prev, item.name, item.payload),
      attributions: attributionsAfter(prev?.attributions, item.payload),
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
    this.rate = this.intake.rate(Date.now());
    if (!this.paused) this.events = this.intake.flush(this.events, this.keep);
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
