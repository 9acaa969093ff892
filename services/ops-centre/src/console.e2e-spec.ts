import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_RISK_DEESCALATED, encodeEvent, RiskDeescalatedSchema, RiskLevel, TOPIC_RISK } from '@crisis-ops/contracts';
import { cloudEventHeaders } from '@crisis-ops/messaging';
import { eventually } from '@crisis-ops/testing';
import { randomUUID } from 'node:crypto';
import { publishAssessment, publishEscalation, publishMediation, publishReferral, publishSignals, freshTestCountry } from '../test/events';
import { openSse } from '../test/sse-client';
import { useConsoleHarness } from '../test/console-harness';

/**
 * The web console in real headless Chromium against ops-centre started from dist (as in production)
 * on the test infrastructure. Real countries are needed for the map; each test first sets the
 * country to a known level and then asserts on the change it causes, so reruns pass.
 */
const AFRICA_COUNTRY = 'TCD'; // Chad, Africa desk
const EUROPE_COUNTRY = 'MDA'; // Moldova, Europe and Central Asia desk

describe('ops-centre web console in Chromium', () => {
  const h = useConsoleHarness('ops-centre-e2e-producer');
  let escalationEventId = '';
  const suiteStart = new Date(Date.now() - 60_000);

  /** Sets a country's national risk to LOW through a de-escalation, so the next change is ours. */
  async function resetToLow(country: string) {
    await h.producer.send({
      topic: TOPIC_RISK,
      messages: [
        {
          key: country,
          value: Buffer.from(
            encodeEvent(CE_RISK_DEESCALATED, create(RiskDeescalatedSchema, { escalationId: randomUUID(), country, previousLevel: RiskLevel.HIGH, newLevel: RiskLevel.LOW, score: 0.1, at: timestampFromDate(new Date()) })),
          ),
          headers: cloudEventHeaders({ id: randomUUID(), type: CE_RISK_DEESCALATED, source: 'early-warning', time: new Date() }),
        },
      ],
    });
  }

  it('shows the login page and rejects a bad token', async () => {
    const page = await h.newPage();
    await page.goto(h.service.url);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Token rejected' }).waitFor();
    await h.shot(page, 'login');
    await page.context().close();
  });

  it('an escalation reaches the live pane, colours the map and opens an alert; acknowledging it is audited', async () => {
    const page = await h.login(h.globalToken);
    await resetToLow(AFRICA_COUNTRY);
    await page.goto(`${h.service.url}/#/map`);
    const chad = page.locator(`path[data-iso3="${AFRICA_COUNTRY}"]`);
    await expect.poll(() => chad.getAttribute('data-level'), { timeout: 15_000 }).toBe('low');

    const sentAt = Date.now();
    const { escalationId, eventId } = await publishEscalation(h.producer, { country: AFRICA_COUNTRY, level: RiskLevel.CRITICAL, score: 0.93, admin1: '' });
    // The map turns from the stream. How fast is logged, not asserted: a wall-clock
    // threshold on a shared test machine fails for reasons that are not the console's, and
    // bench/console-stream.bench.ts measures publish → map colour and → alert row.
    await expect.poll(() => chad.getAttribute('data-level'), { timeout: 10_000, interval: 20 }).toBe('critical');
    const shownAfterMs = Date.now() - sentAt;
    escalationEventId = eventId;
    expect(await chad.getAttribute('fill')).toBe('url(#p-critical)');
    await expect.poll(() => page.getByTestId('map-list').textContent()).toContain(`(${AFRICA_COUNTRY}): ■ Critical`);
    await h.shot(page, 'map');

    // Keyboard: the country is focusable and Enter opens its page.
    await chad.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('location.hash')).toBe(`#/country/${AFRICA_COUNTRY}`);

    await page.goto(`${h.service.url}/#/live`);
    await page.locator(`tr[data-event-id="${eventId}"]`).waitFor({ timeout: 5_000 });
    await h.shot(page, 'live');
    console.info(`escalation shown on the map ${shownAfterMs} ms after it was published`);

    const processId = await publishMediation(h.producer, { country: AFRICA_COUNTRY, escalationId, proposedAt: new Date(Date.now() + 20 * 60_000), openedAt: new Date(Date.now() + 3 * 3_600_000) });
    // A second escalation, which mediation answers with that process rather than a proposal of its own.
    const second = await publishEscalation(h.producer, { country: AFRICA_COUNTRY, level: RiskLevel.CRITICAL, score: 0.95, admin1: 'Lac' });
    await publishReferral(h.producer, { country: AFRICA_COUNTRY, escalationId: second.escalationId, processId, referredAt: new Date(Date.now() + 60_000), processOpened: true });

    await page.goto(`${h.service.url}/#/alerts`);
    const row = page.locator(`tr[data-escalation-id="${escalationId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole('button').click();
    await page.getByTestId('alert-detail').waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('acknowledged');
    await page.getByLabel('Comment').fill('Field office confirms clashes.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await expect.poll(() => page.getByTestId('alert-audit').textContent()).toContain('comment');
    await h.shot(page, 'alerts');

    const alertId = await row.getAttribute('data-alert-id');
    const audit = (await h.api(`/audit?alertId=${alertId}`, h.globalToken)) as { actor: string; action: string }[];
    expect(audit.filter((a) => a.actor === 'e2e-global-officer').map((a) => a.action)).toEqual(expect.arrayContaining(['view', 'acknowledge', 'comment']));

    await page.goto(`${h.service.url}/#/risk`);
    await page.locator(`[data-testid="risk-board"] tr[data-country="${AFRICA_COUNTRY}"]`).waitFor();
    await h.shot(page, 'risk-board');

    await page.goto(`${h.service.url}/#/country/${AFRICA_COUNTRY}`);
    await expect.poll(() => page.getByTestId('country-timeline').textContent(), { timeout: 10_000 }).toContain('mediation-opened');
    await h.shot(page, 'country');

    await page.goto(`${h.service.url}/#/response`);
    // Pending responses come first, and other suites leave many on this database: narrowed to the country.
    await page.getByLabel('Country').fill(AFRICA_COUNTRY);
    await expect.poll(() => page.getByTestId('response-chart').textContent(), { timeout: 10_000 }).toContain(escalationId.slice(0, 8));
    // Answered, not pending: the referred escalation names the process that answers it.
    const referredRow = page.getByTestId('response-chart').locator('tr', { hasText: second.escalationId });
    await expect.poll(() => referredRow.textContent(), { timeout: 10_000 }).toContain(`answered by the open process ${processId}`);
    expect(await referredRow.textContent()).not.toContain('pending');
    await h.shot(page, 'time-to-response');

    await page.goto(`${h.service.url}/#/system`);
    await expect.poll(() => page.getByTestId('system-services').textContent(), { timeout: 10_000 }).toContain('ops-centre');
    await expect.poll(() => page.getByTestId('system-services').textContent()).toMatch(/ops-centre✔ up/);
    await h.shot(page, 'system');
    await page.context().close();
  });

  it('draws one point of a country\'s score history per assessment, one that escalates (RiskAssessed and RiskEscalated) included', async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/risk`);
    const country = await freshTestCountry();
    const today = new Date(new Date().toISOString().slice(0, 10));
    await publishAssessment(h.producer, { country, level: RiskLevel.ELEVATED, score: 41.2, day: new Date(today.getTime() - 86_400_000) });
    await publishAssessment(h.producer, { country, level: RiskLevel.HIGH, score: 63.5, day: today, escalatedFrom: RiskLevel.ELEVATED, previousScore: 41.2 });
    const trend = page.locator(`[data-testid="risk-board"] tr[data-country="${country}"] svg[role="img"]`);
    // The trend is early-warning's: the change of the last assessment.
    const twoPoints = 'score rising (+22.3 at its last assessment), 41.20 to 63.50 over 2 assessed days, 1 escalation';
    // As the stream brings them, then as the read model keeps them.
    await expect.poll(() => trend.getAttribute('aria-label'), { timeout: 10_000 }).toContain(twoPoints);
    await page.reload();
    await expect.poll(() => trend.getAttribute('aria-label'), { timeout: 10_000 }).toContain(twoPoints);
    await page.context().close();
  });

  it('takes every event of a burst of 1,000 events/s and keeps at most 500 in memory', async () => {
    const page = await h.login(h.globalToken);
    const country = await freshTestCountry();
    await page.getByLabel('Country').fill(country);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    const total = 3_000;
    const burst = (async () => {
      for (let sent = 0; sent < total; sent += 100) {
        const started = Date.now();
        await publishSignals(h.producer, country, 100);
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
      }
    })();
    // While events pour in, main-thread stalls are measured and logged, not asserted: how long a frame
    // waits on a shared two-core machine says as much about the other processes as about the page.
    const stalls: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 4_000) {
      const before = Date.now();
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
      stalls.push(Date.now() - before);
    }
    await burst;
    const received = async () => Number((await page.getByTestId('stream-status').locator('..').textContent())?.match(/(\d+) received/)?.[1] ?? 0);
    await expect.poll(received, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(total);
    const rows = await page.locator('[data-testid="live-events"] tbody tr').count();
    expect(rows).toBeLessThanOrEqual(200);
    expect(await page.getByText(/Showing the newest 200 of 500 kept/).count()).toBe(1);
    const worst = Math.max(...stalls);
    console.info(`burst: ${total} events; frames measured ${stalls.length}, worst frame wait ${worst} ms, p50 ${stalls.sort((a, b) => a - b)[Math.floor(stalls.length / 2)]} ms`);
    await page.context().close();
  });

  it('a regional user never sees another region\'s events', async () => {
    const page = await h.login(h.africaToken);
    // A global reader on the same replica: once it has the European event, the stream hub has handed
    // that event to every open stream, the African page's included, had it been going to pass it on.
    const everything = await openSse(`${h.service.url}/stream?access_token=${h.globalToken}`);
    onTestFinished(() => everything.close());
    await everything.waitFor((m) => m.event === 'hello');
    const europe = await publishEscalation(h.producer, { country: EUROPE_COUNTRY, level: RiskLevel.HIGH });
    await everything.waitFor((m) => m.event === 'domain-event' && (m.data as { id: string }).id === europe.eventId);
    // Published only now, so on the page's one ordered stream it comes after anything European would
    // have: once its row shows, a European row would be there too.
    const africa = await publishEscalation(h.producer, { country: AFRICA_COUNTRY, level: RiskLevel.HIGH });
    await page.locator(`tr[data-event-id="${africa.eventId}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`tr[data-event-id="${europe.eventId}"]`).count()).toBe(0);
    const countries = await page.locator('[data-testid="live-events"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-country')));
    expect(countries.length).toBeGreaterThan(0);
    const global = (await h.api(`/risk?scope=all`, h.globalToken)) as { country: string; region: string }[];
    const regionOf = new Map(global.map((r) => [r.country, r.region]));
    expect(countries.every((c) => regionOf.get(c as string) === 'africa')).toBe(true);

    // The alert pane loads from the read model: the European alert is in it (a global officer sees it)
    // before the page asks, so its absence is the region filter's doing, not a race.
    await eventually(async () => ((await h.api(`/alerts?country=${EUROPE_COUNTRY}`, h.globalToken)) as { escalationId: string }[]).some((a) => a.escalationId === europe.escalationId), 10_000, 200);
    await page.goto(`${h.service.url}/#/alerts`);
    await page.locator(`tr[data-escalation-id="${africa.escalationId}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`tr[data-escalation-id="${europe.escalationId}"]`).count()).toBe(0);
    await page.goto(`${h.service.url}/#/map`);
    // Not "No data", as a quiet country of the desk's own reads: another desk's, not shown to this token.
    const european = page.locator(`path[data-iso3="${EUROPE_COUNTRY}"]`);
    await expect.poll(() => european.getAttribute('data-level')).toBe('withheld');
    expect(await european.locator('title').textContent()).toMatch(/: not on your desk \(africa\): its risk is not shown to you$/);
    expect(await page.locator(`path[data-iso3="${AFRICA_COUNTRY}"]`).getAttribute('data-level')).not.toBe('withheld');
    // Shapes the atlas gives no ISO code are their country's (Kosovo XKX, of another desk; Somaliland Somalia's).
    expect(await page.locator('path[data-iso3="XKX"]').getAttribute('data-level')).toBe('withheld');
    expect(await page.locator('path[data-iso3="SOM"]').count()).toBe(2);
    await h.shot(page, 'regional-map');
    await page.context().close();
  });

  it('signing out forgets what the console showed: the next user in the same tab does not see it', async () => {
    const page = await h.login(h.globalToken);
    const europe = await publishEscalation(h.producer, { country: EUROPE_COUNTRY, level: RiskLevel.HIGH });
    await page.locator(`tr[data-event-id="${europe.eventId}"]`).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await h.signIn(page, h.africaToken);
    expect(await page.getByTestId('who').textContent()).toContain('region africa');
    expect(await page.locator(`tr[data-event-id="${europe.eventId}"]`).count()).toBe(0);
    expect(await page.locator(`[data-testid="live-events"] tbody tr[data-country="${EUROPE_COUNTRY}"]`).count()).toBe(0);
    await page.context().close();
  });

  it('takes a country filter typed key by key, applying it once it is a three-letter code', async () => {
    const page = await h.login(h.globalToken);
    const field = page.getByLabel('Country');
    await field.pressSequentially('ML');
    expect(await field.inputValue()).toBe('ML');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('3 letters, e.g. MLI: not applied yet').waitFor();
    await h.shot(page, 'country-filter-invalid');
    const filtered = page.waitForRequest((r) => new URL(r.url()).pathname === '/stream' && new URL(r.url()).searchParams.get('country') === 'MLI');
    await field.pressSequentially('I');
    await filtered;
    expect(await field.inputValue()).toBe('MLI');
    expect(await field.getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await page.context().close();
  });

  it('names each pane by its heading, and announces the stream status but not its counters', async () => {
    const page = await h.login(h.globalToken);
    await page.getByRole('region', { name: 'Live event stream' }).waitFor();
    expect(await page.locator('[aria-live]').allTextContents()).toEqual(['Stream: open']);
    for (const [pane, name] of [['alerts', 'Alert triage'], ['risk', 'Risk board'], ['response', 'Time to response'], ['map', 'World map']]) {
      await page.goto(`${h.service.url}/#/${pane}`);
      await page.getByRole('region', { name }).waitFor({ timeout: 5_000 });
    }
    await page.context().close();
  });

  it('moves the focus to the content with Skip to content, and stays on the pane it was on', async () => {
    const page = await h.login(h.globalToken);
    for (const [route, pane] of [[`#/country/${AFRICA_COUNTRY}`, 'Country'], ['#/alerts', 'Alerts']]) {
      await page.goto(`${h.service.url}/${route}`);
      // Loaded afresh, so that Tab starts from the top of the page.
      await page.reload();
      await page.getByTestId('who').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('main');
      expect(await page.evaluate('location.hash')).toBe(route);
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(pane);
    }
    await page.context().close();
  });

  it('replays history from a time into the live pane, through the console', async () => {
    const page = await h.login(h.globalToken);
    await page.getByLabel('Country').fill(AFRICA_COUNTRY);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    const local = new Date(suiteStart.getTime() - suiteStart.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Replay from').fill(local);
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.getByTestId('replay-status').filter({ hasText: 'replay finished (end)' }).waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-event-id="${escalationEventId}"]`).waitFor();
    const countries = await page.locator('[data-testid="live-events"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-country')));
    expect(new Set(countries)).toEqual(new Set([AFRICA_COUNTRY]));
    // Replaying what the list already holds adds nothing twice.
    const ids = () => page.locator('[data-testid="live-events"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
    const before = await ids();
    // The status reads the same after either replay: record its changes to see the second one end,
    // each with the "N received" counter as the same render shows it. An event counts as received
    // before it can reach the list, and the render that says the replay ended shows every event it
    // delivered counted: so an unchanged counter in that render means nothing of it was taken twice.
    // Runs in the page; this file is typed for Node, hence globalThis and the DOM's shapes.
    type Shown = { status: string; counter: string };
    type InPage = {
      replayStates: Shown[];
      document: { querySelector(selector: string): { parentElement: { textContent: string | null } | null } | null };
      MutationObserver: new (cb: () => void) => { observe(node: unknown, options: object): void };
    };
    await page.getByTestId('replay-status').evaluate((el) => {
      const page = globalThis as unknown as InPage;
      const counter = () => page.document.querySelector('[data-testid="stream-status"]')?.parentElement?.textContent ?? '';
      const seen: Shown[] = [{ status: el.textContent ?? '', counter: counter() }];
      page.replayStates = seen;
      new page.MutationObserver(() => seen.push({ status: el.textContent ?? '', counter: counter() })).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const ended = await page.waitForFunction(() => {
      const states = (globalThis as unknown as InPage).replayStates;
      const started = states.findIndex((t) => t.status.startsWith('replaying'));
      return started >= 0 && states.slice(started).find((t) => t.status.startsWith('replay finished (end)'));
    }, undefined, { timeout: 30_000 });
    const baseline = await page.evaluate(() => (globalThis as unknown as InPage).replayStates[0]);
    const end = (await ended.jsonValue()) as Shown;
    const receivedIn = (shown: Shown) => Number(shown.counter.match(/(\d+) received/)?.[1]);
    // The second replay did deliver events (otherwise there was nothing to drop)…
    expect(Number(end.status.match(/(\d+) events/)?.[1])).toBeGreaterThanOrEqual(1);
    // …and none of them was counted, so none reached the list.
    expect(receivedIn(end), `${baseline.counter} → ${end.counter}`).toBe(receivedIn(baseline));
    const after = await ids();
    expect(after).toHaveLength(new Set(after).size);
    expect(after).toEqual(before);
    await h.shot(page, 'replay');
    await page.context().close();
  });

  it('replays from its default start, an hour ago, west of Greenwich too', async () => {
    const page = await h.login(h.globalToken, { timezoneId: 'America/New_York' });
    // A country with no events keeps the replay short; the start time is what is under test.
    await page.getByLabel('Country').fill(await freshTestCountry());
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.getByTestId('replay-status').filter({ hasText: /^replay (finished|failed|stopped)/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('replay-status').textContent()).toMatch(/^replay finished \(end\)/);
    await page.context().close();
  });

  it('never writes a stream token to the service log', async () => {
    expect(readFileSync(h.service.logFile, 'utf8')).not.toMatch(/access_token=/);
  });
});
