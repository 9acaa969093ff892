/**
 * The browser side of bench/console-stream.bench.ts: a probe installed in the console's pages before
 * the app loads, and the sign-in. The probe changes nothing the app does; it timestamps
 *
 *   rx       each live `domain-event` as the page's own EventSource hands it to the app
 *            (wraps EventSource#addEventListener; `lastEventId` is the CloudEvents id)
 *   commits  each DOM commit of the live events table (a MutationObserver on its rows)
 *   map      each change of the watched country's `data-level` on the world map
 *   alerts   each alert row added to the triage table (`data-escalation-id`)
 *
 * in wall-clock milliseconds (performance.timeOrigin + performance.now(), the same clock as the
 * publisher's on this machine). A DOM commit happens in the render frame's rAF callback, so it
 * precedes that frame's paint by at most one frame.
 */
import type { Browser, Page } from 'playwright-core';

export interface ProbeSample {
  /** Flat [eventId, t, eventId, t, …] of live events as the page received them. */
  readonly rx: Array<string | number>;
  readonly commits: number[];
  /** Flat [level, t, …] of the watched country on the map. */
  readonly map: Array<string | number>;
  /** Flat [escalationId, t, …] of alert rows as they appeared. */
  readonly alerts: Array<string | number>;
  /** Events the server dropped for this page (its `event: dropped` messages). */
  readonly dropped: number;
}

/** Plain JavaScript for Chromium (the bench's tsconfig has no DOM library). */
const probeScript = (mapCountry: string) => `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const b = { rx: [], commits: [], map: [], alerts: [], dropped: 0 };
  b.take = () => {
    const out = { rx: b.rx, commits: b.commits, map: b.map, alerts: b.alerts, dropped: b.dropped };
    b.rx = []; b.commits = []; b.map = []; b.alerts = []; b.dropped = 0;
    return out;
  };
  window.__bench = b;
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, listener, options) {
    if (!/\\/stream\\?/.test(this.url) || (type !== 'domain-event' && type !== 'dropped')) return add.call(this, type, listener, options);
    const wrapped = type === 'domain-event'
      ? function (e) { b.rx.push(e.lastEventId, now()); return listener.call(this, e); }
      : function (e) { try { b.dropped += JSON.parse(e.data).count; } catch {} return listener.call(this, e); };
    return add.call(this, type, wrapped, options);
  };
  const watch = () => new MutationObserver((records) => {
    const t = now();
    let committed = false;
    for (const r of records) {
      const el = r.target;
      if (r.type === 'attributes') {
        if (el.getAttribute('data-iso3') === ${JSON.stringify(mapCountry)}) b.map.push(el.getAttribute('data-level'), t);
        continue;
      }
      if (el.tagName !== 'TBODY') continue;
      const table = el.closest('table');
      if (table && table.dataset.testid === 'live-events') committed = true;
      else if (table && table.dataset.testid === 'alerts') {
        for (const n of r.addedNodes) if (n.dataset && n.dataset.escalationId) b.alerts.push(n.dataset.escalationId, t);
      }
    }
    if (committed) b.commits.push(t);
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-level'] });
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();`;

/** A new tab with the probe, signed in through the login form as the console's users do. */
export async function openConsole(browser: Browser, url: string, token: string, mapCountry: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript({ content: probeScript(mapCountry) });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

/** Waits for the console's stream to be open (it is connected whatever pane is shown). */
export async function streamOpen(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as { __bench?: unknown }).__bench !== undefined);
  await page.goto(`${new URL(page.url()).origin}/#/live`);
  await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor({ timeout: 15_000 });
}

/** Everything the probe recorded since the last call. */
export function takeSample(page: Page): Promise<ProbeSample> {
  return page.evaluate(() => (globalThis as unknown as { __bench: { take(): ProbeSample } }).__bench.take());
}

/** The page's records, accumulated across pulls. */
export class PageLog {
  readonly rx = new Map<string, number>();
  readonly commits: number[] = [];
  readonly map: Array<[string, number]> = [];
  readonly alerts = new Map<string, number>();
  dropped = 0;

  constructor(readonly page: Page) {}

  async pull(): Promise<void> {
    const s = await takeSample(this.page);
    firstTimes(s.rx, this.rx);
    this.commits.push(...s.commits);
    for (let i = 0; i < s.map.length; i += 2) this.map.push([String(s.map[i]), Number(s.map[i + 1])]);
    firstTimes(s.alerts, this.alerts);
    this.dropped += s.dropped;
  }

  /** First live-table render at or after t (binary search over ascending commit times). */
  renderAfter(t: number): number {
    let lo = 0;
    let hi = this.commits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.commits[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.commits.length ? this.commits[lo] : Infinity;
  }
}

/** Folds flat [key, t, …] pairs into a map of the first time per key. */
export function firstTimes(flat: ReadonlyArray<string | number>, into = new Map<string, number>()): Map<string, number> {
  for (let i = 0; i < flat.length; i += 2) {
    const key = String(flat[i]);
    if (!into.has(key)) into.set(key, Number(flat[i + 1]));
  }
  return into;
}

/** Nearest-rank percentile of ascending values; Infinity stands for "never shown". */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
