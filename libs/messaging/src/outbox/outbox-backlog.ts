/**
 * The outbox relay's backlog: unpublished rows at the last count, for metrics, readiness and the
 * system view. A count reads every row version of the outbox, the dead ones the relay has just
 * deleted included: run after every drain, it cost Postgres more than the drain's own reads (4 ms
 * per drain under load), so it is counted only while the relay lags, at most once per `everyMs`.
 *
 * The relay lags while a drain goes on for `everyMs` or more and after a drain failed, until one
 * empties the outbox. The drain alone can count only between sends: a send to a broker that does
 * not answer (kafkajs retries it for minutes) held the drain, and the backlog read 0 while the
 * outbox grew. So a timer of its own counts while the relay lags; drains of a few milliseconds that
 * leave the outbox empty, the normal case, cost no count at all.
 */
export class OutboxBacklog {
  private value = 0;
  private countedAt = Number.NEGATIVE_INFINITY;
  private counting = false;
  private timer?: NodeJS.Timeout;
  private drainStartedAt?: number;
  private drainFailed = false;

  constructor(private readonly everyMs: number) {}

  /** Unpublished rows at the last count (0 once a drain emptied the outbox). */
  get current(): number {
    return this.value;
  }

  /** Counts with `countRows` whenever the relay lags, until stop(); the active relay calls it. */
  watch(countRows: () => Promise<number>): void {
    this.stop();
    this.timer = setInterval(() => void this.countIfLagging(countRows), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  drainStarted(): void {
    this.drainStartedAt = Date.now();
  }

  /** The drain published all it found, fewer than a batch: nothing committed before it is left. */
  drainEmptied(): void {
    this.drainStartedAt = undefined;
    this.drainFailed = false;
    this.value = 0;
  }

  drainFailedToPublish(): void {
    this.drainStartedAt = undefined;
    this.drainFailed = true;
  }

  /** Counts now, unless counted less than `everyMs` ago (`always`: counts anyway). */
  async count(countRows: () => Promise<number>, always: boolean): Promise<void> {
    if (!always && Date.now() - this.countedAt < this.everyMs) return;
    this.countedAt = Date.now();
    this.value = await countRows();
  }

  private async countIfLagging(countRows: () => Promise<number>): Promise<void> {
    const stalled = this.drainStartedAt !== undefined && Date.now() - this.drainStartedAt >= this.everyMs;
    // One count at a time: on a slow database they would only queue on the relay's connection.
    if ((!stalled && !this.drainFailed) || this.counting) return;
    this.counting = true;
    try {
      await this.count(countRows, false);
    } catch {
      // The last count stands; a lost connection is the relay's campaign to handle.
    } finally {
      this.counting = false;
    }
  }
}
