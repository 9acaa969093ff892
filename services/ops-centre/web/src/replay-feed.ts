/**
 * A replay of history (`/replay`, server-sent events) into the live list: each event is handed to
 * `deliver`, and `changed` is called whenever what it says of itself (`status`) changes. The server
 * ends a replay; EventSource would start it over when the response ends, so it is closed on `end`.
 * Generic over what it delivers, and importing nothing of the console's: its unit test runs in Node,
 * under the service's compiler settings, where the console's browser-only modules do not compile.
 */
export class ReplayFeed<Item> {
  status: string | null = null;
  private source?: EventSource;

  constructor(
    private readonly deliver: (item: Item) => void,
    private readonly changed: () => void,
  ) {}

  start(token: string, from: string, speed: 'real' | 'max', filter: object): void {
    this.stop();
    const q = new URLSearchParams({ access_token: token, from: new Date(from).toISOString(), speed });
    for (const [k, v] of Object.entries(filter)) if (typeof v === 'string' && v) q.set(k, v);
    const es = new EventSource(`/replay?${q}`);
    this.source = es;
    let n = 0;
    this.status = 'replaying…';
    es.addEventListener('domain-event', (e) => {
      n++;
      this.deliver(JSON.parse((e as MessageEvent).data));
      this.status = `replaying… ${n} events`;
    });
    es.addEventListener('end', (e) => {
      const { reason } = JSON.parse((e as MessageEvent).data);
      this.stop(`replay finished (${reason}): ${n} events`);
    });
    // The server ends a replay whose token expires, as it ends the live stream; said as such, not as
    // the error the closed response would otherwise read as.
    es.addEventListener('expired', () => this.stop(`replay stopped after ${n} events: the session expired`));
    // Only while this replay is the feed's: one closed (ended, expired, replaced) has said why already.
    es.onerror = () => {
      if (this.source === es) this.stop(n ? `replay stopped after ${n} events` : 'replay failed');
    };
    this.changed();
  }

  stop(status: string | null = null): void {
    this.source?.close();
    this.source = undefined;
    this.status = status;
    this.changed();
  }
}
