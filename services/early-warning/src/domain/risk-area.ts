import { admin1Key, type RiskArea } from './risk-context';
import type { RiskLevel } from './risk-parameters';
import type { RiskDriver } from './risk-events';
import { levelRank } from './risk-score';

/** Plain-JSON form of an AreaState (numbers round-trip exactly through JSON, so restore is bit-exact). */
export interface AreaSnapshot {
  readonly country: string;
  readonly admin1: string | null;
  readonly recent: number;
  readonly baseline: number;
  readonly recentByKey: ReadonlyArray<readonly [string, number]>;
  readonly countsByDay: ReadonlyArray<readonly [number, ReadonlyArray<readonly [string, number]>]>;
  readonly decayedTo: number;
  readonly level: RiskLevel;
  readonly levelSinceDay: number;
  readonly lastEmittedScore: number | null;
  /** The score and level subscribers were last told (absent in snapshots taken before they existed). */
  readonly announcedScore?: number | null;
  readonly announcedLevel?: RiskLevel | null;
  /** The day subscribers were last told the area entered its level (absent in snapshots taken before it existed). */
  readonly announcedLevelSinceDay?: number | null;
  readonly lastScore: number;
  readonly lastEscalationId: string | null;
  /** Escalations still in force, oldest first (absent in snapshots taken before it existed). */
  readonly escalations?: ReadonlyArray<EscalationInForce>;
  /** Escalations in force as subscribers were told them, oldest first (absent in snapshots taken before it existed). */
  readonly toldEscalations?: ReadonlyArray<EscalationInForce>;
  readonly children: readonly AreaSnapshot[];
}

/** An escalation that holds an area above `from`: its id, the level it came from and the level it holds. */
export type EscalationInForce = readonly [from: RiskLevel, to: RiskLevel, id: string];

/** What one contribution adds to an area: a signal, or one day's slice of an aggregate observation. */
export interface Contribution {
  readonly day: number;
  /** A signal type, or "aggregate". */
  readonly key: string;
  readonly count: number;
  readonly weight: number;
}

/**
 * The decaying accumulators and level state of one area. Accumulators are decayed lazily to the day
 * they are read or written; the recent activity is also kept per driver key so drivers can be
 * explained, and exact counts per day for the recent window.
 */
export class AreaState {
  recent = 0;
  baseline = 0;
  readonly recentByKey = new Map<string, number>();
  /** day → key → count, for days inside the recent window. */
  readonly countsByDay = new Map<number, Map<string, number>>();
  private decayedTo: number;

  level: RiskLevel = 'low';
  levelSinceDay: number;
  lastEmittedScore: number | null = null;
  /**
   * The score and level of the last event told to subscribers (null: none yet). The score differs
   * from lastEmittedScore when history was assessed since: what moved "materially" for subscribers
   * is measured from what they were told, not from history they never saw.
   */
  announcedScore: number | null = null;
  announcedLevel: RiskLevel | null = null;
  /**
   * The `levelSince` (a day) subscribers were last told, which the operations centre's board shows
   * as "level since"; null: none known (nothing told, or restored from a snapshot taken before it
   * was kept: see toldSinceStale).
   */
  announcedLevelSinceDay: number | null = null;
  lastScore = 0;
  /** The drivers of the latest assessment, until taken (RiskEngine.takeExplanations); not part of the snapshot. */
  explained: RiskDriver[] | null = null;
  lastEscalationId: string | null = null;
  /** Escalations in force on the area's own path, history included (what a replay names). */
  escalations: EscalationInForce[] = [];
  /**
   * Escalations in force as subscribers were told them: a de-escalation told names one of these.
   * History told to no one moves `escalations` alone (a fall, a rise with an id nobody got), so a
   * change told later reverses what subscribers hold (their alert, their mediation process), not
   * an escalation of history.
   */
  toldEscalations: EscalationInForce[] = [];
  readonly children = new Map<string, AreaState>();

  constructor(
    readonly area: RiskArea,
    firstDay: number,
    private readonly recentTau: number,
    private readonly baselineTau: number,
  ) {
    this.decayedTo = firstDay;
    this.levelSinceDay = firstDay;
  }

  decayTo(day: number): void {
    const dt = day - this.decayedTo;
    if (dt <= 0) return;
    const fr = Math.exp(-dt / this.recentTau);
    this.recent *= fr;
    this.baseline *= Math.exp(-dt / this.baselineTau);
    for (const [key, value] of this.recentByKey) this.recentByKey.set(key, value * fr);
    this.decayedTo = day;
  }

  /** Adds a contribution; one from before the current day (a late report) enters already decayed. */
  add(c: Contribution, windowDays: number): void {
    const age = Math.max(0, this.decayedTo - c.day);
    const wr = c.weight * Math.exp(-age / this.recentTau);
    this.recent += wr;
    this.baseline += c.weight * Math.exp(-age / this.baselineTau);
    this.recentByKey.set(c.key, (this.recentByKey.get(c.key) ?? 0) + wr);
    if (age < windowDays) {
      let counts = this.countsByDay.get(c.day);
      if (!counts) this.countsByDay.set(c.day, (counts = new Map()));
      counts.set(c.key, (counts.get(c.key) ?? 0) + c.count);
    }
  }

  /** Drops per-day counts that left the window ending on `day`. */
  pruneWindow(day: number, windowDays: number): void {
    for (const d of this.countsByDay.keys()) if (d <= day - windowDays) this.countsByDay.delete(d);
  }

  windowCounts(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const counts of this.countsByDay.values()) for (const [key, n] of counts) totals.set(key, (totals.get(key) ?? 0) + n);
    return totals;
  }

  snapshot(): AreaSnapshot {
    return {
      ...this.area,
      recent: this.recent,
      baseline: this.baseline,
      recentByKey: [...this.recentByKey],
      countsByDay: [...this.countsByDay].map(([day, counts]) => [day, [...counts]] as const),
      decayedTo: this.decayedTo,
      level: this.level,
      levelSinceDay: this.levelSinceDay,
      lastEmittedScore: this.lastEmittedScore,
      announcedScore: this.announcedScore,
      announcedLevel: this.announcedLevel,
      announcedLevelSinceDay: this.announcedLevelSinceDay,
      lastScore: this.lastScore,
      lastEscalationId: this.lastEscalationId,
      escalations: this.escalations.map((e) => [...e] as const),
      toldEscalations: this.toldEscalations.map((e) => [...e] as const),
      children: [...this.children.values()].map((c) => c.snapshot()),
    };
  }

  static restore(s: AreaSnapshot, recentTau: number, baselineTau: number): AreaState {
    const state = new AreaState({ country: s.country, admin1: s.admin1 }, s.decayedTo, recentTau, baselineTau);
    state.recent = s.recent;
    state.baseline = s.baseline;
    for (const [k, v] of s.recentByKey) state.recentByKey.set(k, v);
    for (const [day, counts] of s.countsByDay) state.countsByDay.set(day, new Map(counts));
    state.level = s.level;
    state.levelSinceDay = s.levelSinceDay;
    state.lastEmittedScore = s.lastEmittedScore;
    state.announcedScore = s.announcedScore ?? null;
    state.announcedLevel = s.announcedLevel ?? null;
    // Older snapshots did not keep it: unknown, so an area told anything is told its level since once.
    state.announcedLevelSinceDay = s.announcedLevelSinceDay ?? null;
    state.lastScore = s.lastScore;
    state.lastEscalationId = s.lastEscalationId;
    // Older snapshots knew only the latest escalation: the one that holds the area at its level.
    state.escalations = s.escalations
      ? s.escalations.map((e) => [...e] as const)
      : s.lastEscalationId && s.level !== 'low'
        ? [['low', s.level, s.lastEscalationId]]
        : [];
    // Older snapshots did not keep them apart: what was told was named from the area's own path.
    state.toldEscalations = (s.toldEscalations ?? state.escalations).map((e) => [...e] as const);
    // Children are keyed as the engine tells admin1s (admin1Key). A snapshot taken before it did so
    // may hold one admin1 under several spellings: they become one area, under the spelling the
    // engine saw first (children are in the order it first saw them), their activity added up.
    for (const child of s.children) {
      const key = admin1Key(child.admin1) as string;
      const restored = AreaState.restore(child, recentTau, baselineTau);
      const held = state.children.get(key);
      if (held) held.absorb(restored);
      else state.children.set(key, restored);
    }
    return state;
  }

  /**
   * Adds the activity of another spelling of this area (see restore): accumulators and window counts
   * add up, brought to the same day first. The level, its escalations and what subscribers were told
   * stay this area's: they are what subscribers hold under its name; the merged activity moves them
   * at the next assessment, as any input would. What was told under the other spelling is not undone
   * here (see the README).
   */
  private absorb(other: AreaState): void {
    const day = Math.max(this.decayedTo, other.decayedTo);
    this.decayTo(day);
    other.decayTo(day);
    this.recent += other.recent;
    this.baseline += other.baseline;
    for (const [k, v] of other.recentByKey) this.recentByKey.set(k, (this.recentByKey.get(k) ?? 0) + v);
    for (const [d, counts] of other.countsByDay) {
      let mine = this.countsByDay.get(d);
      if (!mine) this.countsByDay.set(d, (mine = new Map()));
      for (const [k, n] of counts) mine.set(k, (mine.get(k) ?? 0) + n);
    }
  }

  /** Records what subscribers are told of the area: a score, a level and the day it was entered. */
  tell(score: number, level: RiskLevel, sinceDay: number): void {
    this.announcedScore = score;
    this.announcedLevel = level;
    this.announcedLevelSinceDay = sinceDay;
  }

  /**
   * Whether subscribers, told something of the area, were told another day it entered its level than
   * the one it has now: history told to no one (an import older than the alert window, days closed
   * late) moved the level and brought it back (told low since 1 Jan, elevated and low again on 25 Feb),
   * or the snapshot did not keep the day told. Their board would show the old day for good, as the
   * level and score need not move again.
   */
  toldSinceStale(): boolean {
    return this.announcedLevel !== null && this.announcedLevelSinceDay !== this.levelSinceDay;
  }

  windowTotal(): number {
    let total = 0;
    for (const counts of this.countsByDay.values()) for (const n of counts.values()) total += n;
    return total;
  }
}

/**
 * Reverses, in `stack`, the escalation a fall to `level` reverses and returns its id: the earliest
 * escalation still holding the area above `level` (the one that first lifted it there). One that
 * came from below `level` still holds the area at `level`, so it stays, lowered to it: after low →
 * critical, critical → high and high → elevated both reverse that one escalation.
 */
export function reverseEscalations(stack: EscalationInForce[], level: RiskLevel): string | undefined {
  const above = (l: RiskLevel) => levelRank(l) > levelRank(level);
  const reversed = stack.find(([, to]) => above(to));
  if (!reversed) return undefined;
  const kept = stack.filter(([, to]) => !above(to));
  const [from, , id] = reversed;
  if (levelRank(from) < levelRank(level)) kept.push([from, level, id]);
  stack.splice(0, stack.length, ...kept);
  return id;
}

/**
 * Records an escalation told from `from` to `to` in what subscribers hold: any told escalation
 * above `from` is reversed first (they were told `from`), then this one holds the area at `to`.
 */
export function tellEscalation(state: AreaState, from: RiskLevel, to: RiskLevel, id: string): string {
  reverseEscalations(state.toldEscalations, from);
  state.toldEscalations.push([from, to, id]);
  return id;
}
