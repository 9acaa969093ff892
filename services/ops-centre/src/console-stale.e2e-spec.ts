import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { RiskLevel, TOPIC_RISK } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { freshTestCountry, publishEscalation, publishSignals } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/**
 * Routes the page's streams: the first answers `first(url)` and ends (a cut stream); the browser's
 * own reconnect is held until `release()`, then refused as a proxy does while the service is
 * redeployed, so the browser gives up; the console's next stream reaches the service. `streams` are
 * the URLs asked, in order.
 */
async function streamCutThenRefused(page: Page, first: (url: string) => Promise<string>): Promise<{ streams: string[]; release: () => void }> {
  const streams: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route((url) => url.pathname === '/stream', async (route) => {
    streams.push(route.request().url());
    if (streams.length === 1) {
      await route.fulfill({ status: 200, contentType: 'text/event-stream', body: `retry: 100\n\n${await first(route.request().url())}` });
    } else if (streams.length === 2) {
      await released;
      await route.fulfill({ status: 502, contentType: 'text/plain', body: 'bad gateway' });
    } else {
      await route.continue();
    }
  });
  return { streams, release };
}

/**
 * The console when what feeds it fails: the stream refused (a redeploy behind a proxy, an expired
 * token), the risk board or Time to response not answering. Failures are made with Playwright's
 * request routing, in front of a real ops-centre.
 */
describe('ops-centre web console when its feeds fail', () => {
  const h = useConsoleHarness('ops-centre-e2e-stale-producer', 'ops-centre-console-stale.log');

  it('opens a new stream when the browser gives one up, catching up from the last event it got, and says meanwhile that the picture may be stale', async () => {
    const country = await freshTestCountry();
    const a = await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED });
    const b = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    await eventually(async () => ((await h.api(`/timeline?country=${country}`, h.globalToken)) as { eventId: string }[]).some((e) => e.eventId === b.eventId), 10_000, 200);
    const page = await h.newPage();
    // The first stream delivers only `a`, then ends. The browser's own reconnect is held until the
    // page has been seen saying the picture may be stale, then refused as a proxy does while the
    // service is redeployed, and the browser gives up. So `b` can only come through a catch-up from `a`.
    const item = { id: a.eventId, type: 'org.crisis-ops.early-warning.risk-escalated.v1', name: 'risk-escalated', source: 'early-warning', topic: TOPIC_RISK, country, admin1: null, desk: null, level: 2, time: new Date().toISOString(), traceId: null, payload: {} };
    const { streams, release } = await streamCutThenRefused(page, async () => `event: hello\ndata: {}\n\nid: ${a.eventId}\nevent: domain-event\ndata: ${JSON.stringify(item)}\n\n`);
    await page.goto(h.service.url);
    await page.getByLabel('Access token').fill(h.globalToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`tr[data-event-id="${a.eventId}"]`).waitFor();
    const stale = page.getByRole('alert').filter({ hasText: /picture may be stale: the live stream has been interrupted since/ });
    await stale.waitFor({ timeout: 5_000 });
    await h.shot(page, 'stale-stream');
    release();
    await page.locator(`tr[data-event-id="${b.eventId}"]`).waitFor({ timeout: 15_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; ${streams.length} stream requests, ${await page.getByTestId('stream-status').textContent()}`);
    });
    expect(streams).toHaveLength(3);
    expect(new URL(streams[2]).searchParams.get('lastEventId')).toBe(a.eventId);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    expect(await stale.count()).toBe(0);
    await page.context().close();
  });

  it('catches up what was recorded while the stream was down for a console that had received nothing before it, from where its stream began', async () => {
    const page = await h.newPage();
    // The first stream is what the service sends as it opens, then cut, as a proxy restarting does.
    // The browser's own reconnect is held until the page says the picture may be stale, meanwhile
    // the events are recorded, then it is refused, the browser gives up, and the console opens a new stream.
    const { streams, release } = await streamCutThenRefused(page, openingOf);
    await page.goto(h.service.url);
    await page.getByLabel('Access token').fill(h.africaToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const stale = page.getByRole('alert').filter({ hasText: /picture may be stale: the live stream has been interrupted since/ });
    await stale.waitFor({ timeout: 5_000 });
    expect(await page.getByText(/· 0 received/).count()).toBe(1);
    const ids = await publishSignals(h.producer, 'NER', 100);
    await eventually(async () => ((await h.api('/timeline?country=NER&limit=1000', h.africaToken)) as { eventId: string }[]).some((e) => e.eventId === ids.at(-1)), 15_000, 200);
    release();
    await page.getByText(/· 100 received/).waitFor({ timeout: 15_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; the streams' lastEventId: ${streams.map((u) => new URL(u).searchParams.get('lastEventId') ?? '(none)').join(', ')}`);
    });
    for (const id of [ids[0], ids[99]]) await page.locator(`tr[data-event-id="${id}"]`).waitFor();
    expect(streams).toHaveLength(3);
    // The console's new stream names where the first began (the browser's own reconnect sends it as
    // Last-Event-ID, which request routing does not show: stream-catch-up.int-spec.ts covers it).
    expect(new URL(streams[2]).searchParams.get('lastEventId')).toMatch(/^at:/);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    expect(await stale.count()).toBe(0);
    await page.context().close();
  });

  it('says why the service refuses the stream as filtered (a code that names no country), rather than reconnecting for ever', async () => {
    const page = await h.newPage();
    await page.goto(h.service.url);
    await page.getByLabel('Access token').fill(h.globalToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await page.getByLabel('Country').fill('MAL');
    await expect.poll(() => page.getByTestId('stream-refusal').textContent(), { timeout: 10_000 }).toContain('country: MAL: not an ISO 3166-1 country');
    expect(await page.getByRole('alert').filter({ hasText: 'interrupted' }).count()).toBe(0);
    // Corrected, it streams again.
    await page.getByLabel('Country').fill('MLI');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('stream-refusal').count()).toBe(0);
    await page.context().close();
  });

  it("says why the service refuses a regional officer's stream of another desk's country, as the timeline refuses it", async () => {
    const page = await h.login(h.africaToken);
    await page.getByLabel('Country').fill('NOR');
    await expect.poll(() => page.getByTestId('stream-refusal').textContent(), { timeout: 10_000 }).toContain('region africa may not read NOR, a country of region europe-central-asia');
    expect(await page.getByRole('alert').filter({ hasText: 'interrupted' }).count()).toBe(0);
    await h.shot(page, 'stream-refused-other-desk');
    await page.context().close();
  });

  it('returns to the sign-in page when the stream is refused and /me says the token is no longer valid', async () => {
    const page = await h.newPage();
    let meCalls = 0;
    await page.route((url) => url.pathname === '/me', async (route) => {
      if (++meCalls === 1) await route.continue();
      else await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'AUTH.TOKEN_EXPIRED', message: 'token expired' }) });
    });
    await page.route((url) => url.pathname === '/stream', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{}' }));
    await page.goto(h.service.url);
    await page.getByLabel('Access token').fill(h.globalToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your session has expired' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Access token').waitFor();
    expect(await page.getByTestId('who').count()).toBe(0);
    await page.context().close();
  });

  it('says on every pane that the picture may be stale while /risk fails', async () => {
    const page = await h.newPage();
    await page.route((url) => url.pathname === '/risk', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ message: 'unavailable' }) }));
    await page.goto(h.service.url);
    await h.signIn(page, h.globalToken);
    for (const pane of ['live', 'map', 'risk', 'alerts']) {
      await page.goto(`${h.service.url}/#/${pane}`);
      await page.getByRole('alert').filter({ hasText: /picture may be stale: the risk board has not been refreshed since/ }).waitFor({ timeout: 5_000 });
    }
    await h.shot(page, 'stale-risk');
    await page.context().close();
  });

  it('says why Time to response cannot load, and not that there are no escalations, until a reload succeeds', async () => {
    const page = await h.newPage();
    // Failing until told otherwise: a reload the stream happens to cause must not end the failure early.
    let failing = true;
    await page.route((url) => url.pathname === '/response-times', (route) =>
      failing
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ message: 'response times unavailable' }) })
        : route.fulfill({ status: 200, contentType: 'application/json', body: '[]' }),
    );
    await page.goto(h.service.url);
    await h.signIn(page, h.globalToken);
    await page.goto(`${h.service.url}/#/response`);
    const pane = page.getByRole('region', { name: 'Time to response' });
    const error = pane.getByRole('alert').filter({ hasText: 'response times unavailable' });
    const none = pane.getByText('No escalations yet.');
    await error.waitFor({ timeout: 5_000 });
    expect(await none.count()).toBe(0);
    await h.shot(page, 'response-times-failed');

    failing = false;
    // Well inside the pane's 15 s refresh: an escalation on the stream is what reloads it.
    const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/response-times' && r.status() === 200);
    await publishEscalation(h.producer, { country: await freshTestCountry(), level: RiskLevel.HIGH });
    await reloaded;
    await expect.poll(() => error.count(), { timeout: 5_000 }).toBe(0);
    await none.waitFor();
    await page.context().close();
  });

  it('never writes a stream token to the service log, a new stream\'s included', async () => {
    expect(readFileSync(h.service.logFile, 'utf8')).not.toMatch(/access_token=/);
  });
});

/** What the service sends as a stream opens: all it sent within a second, or up to its position. */
async function openingOf(url: string): Promise<string> {
  const aborter = new AbortController();
  const timer = setTimeout(() => aborter.abort(), 1_000);
  let text = '';
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: aborter.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    while (!/event: position\n.*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } catch {
    // Cut at the second: a service that places no stream sends no position.
  } finally {
    clearTimeout(timer);
    aborter.abort();
  }
  return text;
}
