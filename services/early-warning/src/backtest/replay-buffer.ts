import { SIGNAL_SUB_TYPES, SIGNAL_TYPES, dayOf, type AggregateObservation, type RiskObservation, type RiskSignal, type Signal, type SignalSubType } from '../domain';

const ALL_SUB_TYPES: readonly string[] = [...new Set(Object.values(SIGNAL_SUB_TYPES).flat())];
const NONE = -1;
/** The kind of a slot left out (a repeated record whose kept copy is outside the replayed days). */
const DROPPED = 2;

/** A growable Int32 column. */
class Column {
  data = new Int32Array(1024);
  push(at: number, value: number): void {
    if (at >= this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[at] = value;
  }
}

export type ReplayItem = { kind: 'signal'; signal: RiskSignal } | { kind: 'observation'; observation: RiskObservation };

/**
 * What a replay needs of each record, as compact tuples in typed columns with interned strings
 * (~40 bytes a record instead of a parsed object), so files of a few million rows can be sorted by
 * event time in memory without holding their text.
 */
export class ReplayBuffer {
  private n = 0;
  private readonly kind = new Column();
  private readonly day = new Column();
  /** Milliseconds into the day (a signal's time of day, an observation's period start): the order within a day. */
  private readonly msOfDay = new Column();
  private readonly endDay = new Column();
  private readonly type = new Column();
  private readonly subType = new Column();
  private readonly fatalities = new Column();
  private readonly severity = new Column();
  private readonly events = new Column();
  private readonly country = new Column();
  private readonly admin1 = new Column();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  get size(): number {
    return this.n;
  }

  private intern(value: string | null): number {
    if (value === null) return NONE;
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  /** Adds a signal; returns its slot (for replaceSignal, drop). */
  addSignal(s: Signal): number {
    const i = this.n++;
    this.setSignal(i, s);
    return i;
  }

  /** Puts another copy of a signal in its slot. */
  replaceSignal(slot: number, s: Signal): void {
    this.setSignal(slot, s);
  }

  /** Leaves the record of a slot out of the replay. */
  drop(slot: number): void {
    this.kind.push(slot, DROPPED);
  }

  private setSignal(i: number, s: Signal): void {
    this.kind.push(i, 0);
    this.day.push(i, dayOf(s.occurredAt));
    this.msOfDay.push(i, s.occurredAt.getTime() - dayOf(s.occurredAt) * 86_400_000);
    this.endDay.push(i, 0);
    this.type.push(i, SIGNAL_TYPES.indexOf(s.type));
    this.subType.push(i, s.subType === null ? NONE : ALL_SUB_TYPES.indexOf(s.subType));
    this.fatalities.push(i, s.fatalities);
    this.severity.push(i, s.severity ?? NONE);
    this.events.push(i, 1);
    this.country.push(i, this.intern(s.country));
    this.admin1.push(i, this.intern(s.admin1));
  }

  addObservation(o: AggregateObservation): void {
    const i = this.n++;
    this.kind.push(i, 1);
    this.day.push(i, dayOf(o.periodStart));
    this.msOfDay.push(i, o.periodStart.getTime() - dayOf(o.periodStart) * 86_400_000);
    this.endDay.push(i, dayOf(o.periodEnd));
    this.type.push(i, NONE);
    this.subType.push(i, NONE);
    this.fatalities.push(i, o.fatalities);
    this.severity.push(i, NONE);
    this.events.push(i, o.events);
    this.country.push(i, this.intern(o.country));
    this.admin1.push(i, this.intern(o.admin1));
  }

  /**
   * Record indices in event-time order, ties in file order: the order an import writes a file in
   * (EventTimeOrder). Scores do not depend on the order within a day, but an admin1's name does (the
   * first spelling the engine sees of it), so a day's records are put in time order as live has them.
   */
  private order(): Uint32Array {
    const day = this.day.data;
    const ms = this.msOfDay.data;
    const idx = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) idx[i] = i;
    return idx.sort((a, b) => day[a] - day[b] || ms[a] - ms[b] || a - b);
  }

  /** The records in event-time order, rebuilt one at a time. */
  *sorted(): Generator<ReplayItem & { day: number }> {
    const DAY = 86_400_000;
    for (const i of this.order()) {
      if (this.kind.data[i] === DROPPED) continue;
      const country = this.strings[this.country.data[i]];
      const a = this.admin1.data[i];
      const admin1 = a === NONE ? null : this.strings[a];
      const day = this.day.data[i];
      if (this.kind.data[i] === 0) {
        const st = this.subType.data[i];
        const sev = this.severity.data[i];
        yield {
          kind: 'signal',
          day,
          signal: {
            country,
            admin1,
            occurredAt: new Date(day * DAY),
            type: SIGNAL_TYPES[this.type.data[i]],
            subType: st === NONE ? null : (ALL_SUB_TYPES[st] as SignalSubType),
            fatalities: this.fatalities.data[i],
            severity: sev === NONE ? null : sev,
          },
        };
      } else {
        yield {
          kind: 'observation',
          day,
          observation: { country, admin1, periodStart: new Date(day * DAY), periodEnd: new Date(this.endDay.data[i] * DAY), events: this.events.data[i], fatalities: this.fatalities.data[i] },
        };
      }
    }
  }

  /** Fatalities per country and month (UTC), for the z-score baseline. */
  monthlyFatalities(): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    for (let i = 0; i < this.n; i++) {
      if (this.kind.data[i] === DROPPED) continue;
      const country = this.strings[this.country.data[i]];
      const d = new Date(this.day.data[i] * 86_400_000);
      const month = d.getUTCFullYear() * 12 + d.getUTCMonth();
      let series = out.get(country);
      if (!series) out.set(country, (series = new Map()));
      series.set(month, (series.get(month) ?? 0) + this.fatalities.data[i]);
    }
    return out;
  }
}
