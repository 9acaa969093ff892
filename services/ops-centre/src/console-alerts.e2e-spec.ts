import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '@crisis-ops/contracts';
import type { Page } from 'playwright-core';
import { devToken } from '@crisis-ops/testing';
import { freshTestCountry, publishEscalation } from '../test/events';
import { useConsoleHarness, type ConsoleHarness } from '../test/console-harness';

const AFRICA_COUNTRY = 'TCD'; // Chad, Africa desk

/** A new alert of a fresh country, opened in the alerts pane (narrowed to that country): its id and row. */
async function openNewAlert(h: ConsoleHarness, page: Page) {
  await page.goto(`${h.service.url}/#/alerts`);
  // Narrowed to the country: other suites leave hundreds of standing alerts on a reused test stack.
  const country = await freshTestCountry();
  await page.getByLabel('Country').fill(country);
  const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
  const row = page.locator(`tr[data-escalation-id="${escalationId}"]`);
  await row.waitFor({ timeout: 10_000 });
  const alertId = (await row.getAttribute('data-alert-id')) as string;
  await row.getByRole('button').click();
  await page.getByTestId('alert-detail').waitFor();
  return { alertId, row, detail: page.getByTestId('alert-detail') };
}

/** Which element has the focus, by its test id ('BODY' when focus fell to the page). */
const focused = (page: Page) => page.evaluate("document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName");

/** The console's alerts pane in headless Chromium: acting on alerts, paging, a sub-national alert. */
describe('ops-centre web console: alerts', () => {
  const h = useConsoleHarness('ops-centre-e2e-alerts-producer', 'ops-centre-console-alerts.log');

  it('audits each action an officer takes on an alert as that action, with no view after it that the officer did not make', async () => {
    const page = await h.login(h.globalToken);
    const { alertId, detail } = await openNewAlert(h, page);
    // By keyboard: the button goes once the alert is acknowledged, and focus goes to its new status,
    // not to the page.
    await page.getByRole('button', { name: 'Acknowledge' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('acknowledged');
    await expect.poll(() => focused(page)).toBe('alert-status-line');
    await page.getByLabel('Assign to').fill('officer-7');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await detail.getByText('assigned to officer-7').waitFor();
    await page.getByLabel('Comment').fill('Field office confirms clashes.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    // The comment shows from the action's answer: nothing fetched the alert again.
    // In the comments list: the audit trail below it quotes the comment too, once it has been read again.
    await detail.locator('h4:text-is("Comments") + ul > li').filter({ hasText: 'Field office confirms clashes.' }).waitFor();
    await page.getByLabel('Close reason').fill('Mediation opened');
    await page.getByRole('button', { name: 'Close alert' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('closed');
    await expect.poll(() => focused(page)).toBe('alert-status-line');
    // The pane lists the trail newest first, each entry with its action and what it did.
    const entries = page.getByTestId('alert-audit').locator('li');
    const trail = async () => (await entries.evaluateAll((li) => li.map((e) => e.getAttribute('data-action')))).reverse();
    await expect.poll(trail).toEqual(['view', 'acknowledge', 'assign', 'comment', 'close']);
    expect(await page.locator('[data-testid="alert-audit"] li[data-action="assign"]').textContent()).toMatch(/e2e-global-officer · assign: to officer-7$/);
    expect(await page.locator('[data-testid="alert-audit"] li[data-action="comment"]').textContent()).toMatch(/ · comment: “Field office confirms clashes\.”$/);
    expect(await page.locator('[data-testid="alert-audit"] li[data-action="close"]').textContent()).toMatch(/ · close: reason: “Mediation opened”$/);
    const audit = (await h.api(`/audit?alertId=${alertId}`, h.globalToken)) as { action: string }[];
    expect(audit.map((a) => a.action).reverse()).toEqual(['view', 'acknowledge', 'assign', 'comment', 'close']);
    await page.context().close();
  });

  it('says when there are more alerts than it lists, and lists them narrowed by country', async () => {
    const page = await h.login(h.globalToken);
    // More alerts than the list holds, made up: the test database has whatever earlier runs left.
    const asked: URLSearchParams[] = [];
    await page.route((url) => url.pathname === '/alerts', (route) => {
      const q = new URL(route.request().url()).searchParams;
      asked.push(q);
      // As the server: 200 unless asked for another limit, the highest levels and newest first.
      const n = Math.min(Number(q.get('limit') ?? 200), q.get('country') ? 3 : 1_000);
      const alerts = Array.from({ length: n }, (_, i) => ({
        id: randomUUID(), escalationId: randomUUID(), country: q.get('country') ?? AFRICA_COUNTRY, admin1: null, region: 'africa', level: 3, levelName: 'high', score: 0.8, drivers: [],
        openedAt: new Date(Date.now() - i * 60_000).toISOString(), status: 'open', assignee: null, acknowledgedBy: null, acknowledgedAt: null, closedBy: null, closedAt: null, closeReason: null,
      }));
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(alerts) });
    });
    await page.goto(`${h.service.url}/#/alerts`);
    const more = page.getByTestId('alerts-more');
    await more.waitFor();
    expect(await more.textContent()).toContain('Showing the first 200 alerts');
    expect(await page.locator('[data-testid="alerts"] tbody tr[data-alert-id]').count()).toBe(200);
    expect(asked.at(-1)?.get('limit')).toBe('201');
    await h.shot(page, 'alerts-more');

    await page.getByLabel('Country').pressSequentially(AFRICA_COUNTRY);
    await expect.poll(() => page.locator('[data-testid="alerts"] tbody tr[data-alert-id]').count()).toBe(3);
    expect(asked.at(-1)?.get('country')).toBe(AFRICA_COUNTRY);
    expect(await more.count()).toBe(0);
    await page.context().close();
  });

  it("shows an alert's whole audit trail, every page of it, oldest entries included", async () => {
    const page = await h.login(h.globalToken);
    // A much-viewed alert, made up: its trail is longer than one page of GET /audit.
    const alert = {
      id: randomUUID(), escalationId: randomUUID(), country: AFRICA_COUNTRY, admin1: null, region: 'africa', level: 3, levelName: 'high', score: 0.8, drivers: [],
      openedAt: new Date(Date.now() - 3_600_000).toISOString(), status: 'acknowledged', assignee: null, acknowledgedBy: 'e2e-first', acknowledgedAt: null, closedBy: null, closedAt: null, closeReason: null, comments: [],
    };
    const entry = (id: number, action: string, actor: string) => ({ id, at: new Date(Date.now() - (3_000 - id) * 1_000).toISOString(), actor, action, alertId: alert.id, region: 'africa', detail: {} });
    const views = Array.from({ length: 1_000 }, (_, i) => entry(2_000 - i, 'view', `viewer-${i}`));
    const asked: URLSearchParams[] = [];
    await page.route((url) => url.pathname === '/alerts', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify([alert]) }));
    await page.route((url) => url.pathname === `/alerts/${alert.id}`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(alert) }));
    await page.route((url) => url.pathname === '/audit', (route) => {
      const q = new URL(route.request().url()).searchParams;
      asked.push(q);
      // As the server: the newest page first, its X-Next-Cursor naming the next.
      return q.get('cursor') === 'older'
        ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify([entry(2, 'acknowledge', 'e2e-first'), entry(1, 'view', 'e2e-first')]) })
        : route.fulfill({ status: 200, contentType: 'application/json', headers: { 'X-Next-Cursor': 'older' }, body: JSON.stringify(views) });
    });
    await page.goto(`${h.service.url}/#/alerts`);
    await page.locator(`tr[data-alert-id="${alert.id}"]`).getByRole('button').click();
    const trail = page.getByTestId('alert-audit').locator('li');
    await expect.poll(() => trail.count()).toBe(1_002);
    expect(await trail.last().textContent()).toContain('e2e-first · view');
    expect(await trail.nth(1_000).textContent()).toContain('e2e-first · acknowledge');
    expect(asked.map((q) => [q.get('alertId'), q.get('cursor')])).toEqual([
      [alert.id, null],
      [alert.id, 'older'],
    ]);
    await page.context().close();
  });

  it('shows a sub-national alert as it opens, keeps what an officer typed when an action fails, and holds events while paused', async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/alerts`);
    await page.getByTestId('alerts').waitFor();
    const country = await freshTestCountry();
    // Narrowed to the country, as in the test above.
    await page.getByLabel('Country').fill(country);
    // Well inside the pane's 15 s refresh: the stream's escalation is what reloads it.
    const sub = await publishEscalation(h.producer, { country, admin1: 'North', level: RiskLevel.HIGH });
    const row = page.locator(`tr[data-escalation-id="${sub.escalationId}"]`);
    await row.waitFor({ timeout: 8_000 });

    await row.getByRole('button').click();
    await page.getByTestId('alert-detail').waitFor();
    const tooLong = 'x'.repeat(4_001);
    await page.getByLabel('Comment').fill(tooLong);
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Comment').inputValue()).toBe(tooLong);

    await page.goto(`${h.service.url}/#/live`);
    await page.getByRole('button', { name: 'Pause' }).click();
    const held = await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED });
    await page.getByRole('button', { name: 'Resume (1 waiting)' }).waitFor({ timeout: 10_000 });
    expect(await page.locator(`tr[data-event-id="${held.eventId}"]`).count()).toBe(0);
    await page.getByRole('button', { name: /^Resume/ }).click();
    await page.locator(`tr[data-event-id="${held.eventId}"]`).waitFor({ timeout: 5_000 });
    await page.context().close();
  });

  it('follows what another officer does to the alert it shows, and writes a view only to show their comment', async () => {
    const page = await h.login(h.globalToken);
    const { alertId, row, detail } = await openNewAlert(h, page);
    const other = await devToken({ roles: ['global-watch-officer'], subject: 'e2e-other-officer' });
    // Still listed: the list's 15 s refresh brings the detail up to date.
    await h.post(`/alerts/${alertId}/assign`, other, { assignee: 'officer-9' });
    await detail.getByText('assigned to officer-9').waitFor({ timeout: 20_000 });
    // A comment changes nothing else of the alert: the list's count of comments tells the console.
    await h.post(`/alerts/${alertId}/comments`, other, { body: 'Spoke to the governor.' });
    await detail.locator('h4:text-is("Comments") + ul > li').filter({ hasText: 'e2e-other-officer' }).filter({ hasText: 'Spoke to the governor.' }).waitFor({ timeout: 20_000 });
    // Closed, it leaves the list of open and acknowledged alerts; the detail shows it closed, and why.
    await h.post(`/alerts/${alertId}/close`, other, { reason: 'Handled by the field office' });
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('closed');
    expect(await page.getByTestId('alert-closed').textContent()).toContain('Closed by e2e-other-officer');
    expect(await page.getByTestId('alert-closed').textContent()).toContain('Handled by the field office');
    expect(await detail.getByRole('button', { name: 'Assign', exact: true }).count()).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="alert-audit"] li[data-action="close"]').textContent())
      .toMatch(/e2e-other-officer · close: reason: “Handled by the field office”$/);
    // The officer's own views: opening the alert, and reading it again to be shown the other's comment.
    // Refreshing what is shown wrote none.
    const audit = (await h.api(`/audit?alertId=${alertId}`, h.globalToken)) as { action: string }[];
    expect(audit.map((a) => a.action).reverse()).toEqual(['view', 'assign', 'comment', 'view', 'close']);
    await page.context().close();
  });

  it('comments once when the officer presses again after the answer was lost: the same Idempotency-Key', async () => {
    const page = await h.login(h.globalToken);
    const { alertId, detail } = await openNewAlert(h, page);
    const keys: string[] = [];
    let lose = true;
    await page.route((url) => url.pathname === `/alerts/${alertId}/comments`, async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!lose) return route.continue();
      // The server gets the comment and applies it; its answer never reaches the console.
      lose = false;
      await route.fetch();
      return route.abort('connectionreset');
    });
    await page.getByLabel('Comment').fill('Road to the capital closed.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByRole('alert').waitFor();
    // The form kept what was typed; pressed again, the comment is answered as the first one was applied.
    expect(await page.getByLabel('Comment').inputValue()).toBe('Road to the capital closed.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await detail.locator('h4:text-is("Comments") + ul > li').filter({ hasText: 'Road to the capital closed.' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await detail.locator('h4:text-is("Comments") + ul > li').count()).toBe(1);
    const audit = (await h.api(`/audit?alertId=${alertId}&action=comment`, h.globalToken)) as { action: string }[];
    expect(audit).toHaveLength(1);
    await page.context().close();
  });

  it('shows the alert as it stands when an action is refused because another officer closed it', async () => {
    const page = await h.login(h.globalToken);
    const { alertId, detail } = await openNewAlert(h, page);
    // No refresh of the list comes before the officer acts: only the refusal tells the console.
    await page.route((url) => url.pathname === '/alerts' && url.searchParams.get('status') === 'active', (route) => route.abort());
    const other = await devToken({ roles: ['global-watch-officer'], subject: 'e2e-other-officer' });
    await h.post(`/alerts/${alertId}/close`, other, { reason: 'Duplicate' });
    await page.getByLabel('Assign to').fill('officer-3');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'alert is closed; cannot assign' }).waitFor();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('closed');
    expect(await page.getByTestId('alert-closed').textContent()).toContain('Duplicate');
    expect(await detail.getByRole('button', { name: 'Assign', exact: true }).count()).toBe(0);
    await page.locator('[data-testid="alert-audit"] li[data-action="close"]').waitFor();
    // The focus was on Assign, which went with the refusal.
    await expect.poll(() => focused(page)).toBe('alert-status-line');
    await page.context().close();
  });

  it("says an alert's trail holds the reader's own entries alone when it may see the alert but not read its desk's audit", async () => {
    // An African alert another officer acknowledged, as a regional officer of asia-pacific who may see
    // every desk opens it: the API answers its own view alone, which showed as the whole trail.
    const { escalationId } = await publishEscalation(h.producer, { country: AFRICA_COUNTRY, level: RiskLevel.CRITICAL });
    const listed = async () => ((await h.api(`/alerts?country=${AFRICA_COUNTRY}&status=all&limit=1000`, h.globalToken)) as { id: string; escalationId: string }[]).find((a) => a.escalationId === escalationId);
    await expect.poll(listed, { timeout: 10_000 }).toBeDefined();
    const alertId = ((await listed()) as { id: string }).id;
    await h.post(`/alerts/${alertId}/acknowledge`, h.globalToken);
    const openIt = async (token: string) => {
      const page = await h.login(token);
      await page.goto(`${h.service.url}/#/alerts`);
      await page.getByLabel('Country').fill(AFRICA_COUNTRY);
      await page.locator(`tr[data-alert-id="${alertId}"]`).getByRole('button').click();
      await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('acknowledged');
      await page.locator('[data-testid="alert-audit"] li[data-action="view"]').first().waitFor();
      return page;
    };
    const asiaPacific = await devToken({ roles: ['watch-officer', 'global-viewer'], region: 'asia-pacific', subject: 'e2e-asia-pacific-officer' });
    const page = await openIt(asiaPacific);
    expect(await page.getByTestId('alert-audit').locator('li').evaluateAll((li) => li.map((e) => e.textContent))).toEqual([expect.stringMatching(/ · e2e-asia-pacific-officer · view$/)]);
    expect(await page.getByTestId('alert-audit-limited').textContent()).toBe(
      "Only your own entries are shown: you may read the audit of asia-pacific alone, not that of africa's alerts, so what other officers did on this alert is not listed here.",
    );
    await page.context().close();
    // Africa's officer reads the whole trail, and is not told otherwise.
    const africa = await openIt(h.africaToken);
    await africa.locator('[data-testid="alert-audit"] li[data-action="acknowledge"]').waitFor();
    expect(await africa.getByTestId('alert-audit-limited').count()).toBe(0);
    await africa.context().close();
  });

  it('tells a reader who may not read the audit trail so, rather than show it empty', async () => {
    const viewer = await devToken({ roles: ['global-viewer'], subject: 'e2e-global-viewer' });
    const page = await h.login(viewer);
    await openNewAlert(h, page);
    const unread = page.getByTestId('alert-audit-unread');
    await unread.waitFor();
    expect(await unread.textContent()).toMatch(/^Your role may not read the audit trail \(requires one of the roles: .*auditor.*\)\.$/);
    expect(await page.getByTestId('alert-audit').count()).toBe(0);
    await page.context().close();
  });
});
