/** Time is injected so that domain code can be replayed and tested at any instant. */
export interface Clock {
  now(): Date;
}

/** Injection token for a Clock (interfaces do not exist at run time). */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests and for replays at event time. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = at;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
