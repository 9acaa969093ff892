/**
 * What reaches the live pane, from the live stream and from a replay, kept apart. Replayed history
 * is no live traffic: merged into the live list it went on top as if newest, pushed the newest live
 * events out (a replay of 10,000 events left none of them), and was counted in the stream's rate and
 * "received". So a replay's events make a list of their own (`replayed`), and only live events are
 * counted. Importing nothing of the console's: its unit test runs in Node, under the service's
 * compiler settings (as replay-feed.ts).
 */
export class EventIntake<Item extends { id: string }> {
  /** Live events received (repeats left out). */
  received = 0;
  /** The current replay's events, the newest it brought first, at most `replayKeep`. */
  replayed: Item[] = [];
  /** Events the current replay brought (repeats left out), however many its list keeps. */
  replayedCount = 0;
  /** Where the current replay starts (ISO), null before any. */
  replayFrom: string | null = null;
  /** Received but not yet listed (while paused, those waiting for Resume), oldest first. */
  private live: Item[] = [];
  private replaying: Item[] = [];
  /** Live event ids, insertion-ordered so the first is the oldest to forget: a reconnect's catch-up overlaps. */
  private readonly seen = new Set<string>();
  /** The current replay's ids: an event published twice (outbox relays publish at least once) is listed once. */
  private replaySeen = new Set<string>();
  private rateWindow: number[] = [];

  constructor(
    /** Most events waiting of each kind: more would be cut when listed anyway. */
    private readonly waitingCap: number,
    private readonly seenCap: number,
    private readonly replayKeep: number,
  ) {}

  /** A live event; false for one received already. */
  addLive(item: Item, now: number): boolean {
    if (this.seen.has(item.id)) return false;
    this.remember(item.id);
    this.received++;
    this.rateWindow.push(now);
    this.live.push(item);
    if (this.live.length > this.waitingCap) this.live.splice(0, this.live.length - this.waitingCap);
    return true;
  }

  /** An event of the current replay; false for one it brought already. */
  addReplayed(item: Item): boolean {
    if (this.replaySeen.has(item.id)) return false;
    this.replaySeen.add(item.id);
    this.replayedCount++;
    this.replaying.push(item);
    if (this.replaying.length > this.waitingCap) this.replaying.splice(0, this.replaying.length - this.waitingCap);
    return true;
  }

  /** A new replay (`from`; null for none) lists what it brings afresh, what the last one brought included. */
  startReplay(from: string | null): void {
    this.replayFrom = from;
    this.replayed = [];
    this.replaying = [];
    this.replaySeen = new Set();
    this.replayedCount = 0;
  }

  /** Empties the replay's list; a replay still running goes on filling it. */
  clearReplayed(): void {
    this.replayed = [];
  }

  /** An event listed otherwise (paged back from the timeline), so the stream does not list it twice. */
  remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > this.seenCap) this.seen.delete(this.seen.values().next().value as string);
  }

  /** Live events received in the second before `now`. */
  rate(now: number): number {
    this.rateWindow = this.rateWindow.filter((t) => now - t < 1_000);
    return this.rateWindow.length;
  }

  /** Events received but not yet listed: live ones, or the replay's. */
  waiting(kind: 'live' | 'replayed'): readonly Item[] {
    return kind === 'live' ? this.live : this.replaying;
  }

  /** Drops the live events not yet listed (those of a filter no longer asked for). */
  dropWaitingLive(): void {
    this.live = [];
  }

  /**
   * Lists what arrived, on top (newest first): the live list given, which it answers cut at `keep`,
   * and the replay's, cut at `replayKeep`. Neither takes anything of the other's.
   */
  flush(live: Item[], keep: number): Item[] {
    if (this.replaying.length) this.replayed = this.replaying.reverse().concat(this.replayed).slice(0, this.replayKeep);
    this.replaying = [];
    if (!this.live.length) return live;
    const listed = this.live.reverse().concat(live).slice(0, keep);
    this.live = [];
    return listed;
  }

  /** Forgets everything received (another user signs in). */
  reset(): void {
    this.live = [];
    this.seen.clear();
    this.received = 0;
    this.rateWindow = [];
    this.startReplay(null);
  }
}
