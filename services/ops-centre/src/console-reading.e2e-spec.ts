import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { ALL_EVENT_TYPES, RiskLevel } from '@crisis-ops/contracts';
import { devToken, eventually } from '@crisis-ops/testing';
import { freshTestCountry, publishAssessment, publishDeescalation, publishEscalation } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';
import { shortNameOf } from './stream/stream-item';

/**
 * What a watch officer reads off the console, and must not misread: which day a level began, in
 * which time zone a time is, who closed an alert, which area an alert is for, and what the system
 * view's figures are about.
 */
describe('ops-centre web console read as it is meant', () => {
  const h = useConsoleHarness('ops-centre-e2e-reading-producer', 'ops-centre-console-reading.log');

  it('shows the day a risk level began as that day west of Greenwich, and each time of an event with its offset from UTC', async () => {
    const page = await h.login(h.globalToken, { timezoneId: 'America/New_York' });
    await page.goto(`${h.service.url}/#/risk`);
    const country = await freshTestCountry();
    // Early-warning assesses whole days, dated midnight UTC: the evening before, in New York.
    await publishAssessment(h.producer, { country, level: RiskLevel.ELEVATED, score: 41.2, day: new Date('2026-11-20T00:00:00Z') });
    await publishAssessment(h.producer, { country, level: RiskLevel.HIGH, score: 63.5, day: new Date('2026-11-23T00:00:00Z'), escalatedFrom: RiskLevel.ELEVATED });

    const row = page.locator(`[data-testid="risk-board"] tr[data-country="${country}"]`);
    const highSince23Nov = async () => (await row.textContent()) ?? '';
    // As the stream brings it, then as the read model keeps it.
    await expect.poll(highSince23Nov, { timeout: 10_000 }).toMatch(/High.*23 Nov 2026/);
    await page.reload();
    await expect.poll(highSince23Nov, { timeout: 10_000 }).toMatch(/High.*23 Nov 2026/);

    await page.goto(`${h.service.url}/#/country/${country}`);
    const national = page.getByRole('row').filter({ hasText: 'National' });
    await expect.poll(() => national.textContent(), { timeout: 10_000 }).toContain('23 Nov 2026');
    // The events themselves were published now: instants, written in New York time and saying so.
    const times = page.getByTestId('country-timeline').locator('time');
    await expect.poll(() => times.count()).toBeGreaterThanOrEqual(3);
    for (const t of await times.allTextContents()) expect(t).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} GMT-[45]$/);
    await h.shot(page, 'country-west-of-greenwich');
    await page.context().close();
  });

  it("keeps the board's picture when an assessment of an earlier day comes late (a redriven dead letter), as the read model does", async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/risk`);
    const country = await freshTestCountry();
    await publishAssessment(h.producer, { country, level: RiskLevel.HIGH, score: 63.5, day: new Date('2026-11-23T00:00:00Z'), escalatedFrom: RiskLevel.ELEVATED });
    const row = page.locator(`[data-testid="risk-board"] tr[data-country="${country}"]`);
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 10_000 }).toMatch(/High.*63\.50/);
    // Three days older, then the next day's: one partition, so the console gets them in this order.
    await publishAssessment(h.producer, { country, level: RiskLevel.LOW, score: 12, day: new Date('2026-11-20T00:00:00Z') });
    await publishAssessment(h.producer, { country, level: RiskLevel.HIGH, score: 64.2, day: new Date('2026-11-24T00:00:00Z') });
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 10_000 }).toMatch(/High.*64\.20/);
    expect(await row.getByRole('img').getAttribute('aria-label')).toMatch(/over 2 assessed days/);
    await page.context().close();
  });

  it("shows early-warning's trend of an area assessed on one day only, on the board and the country page, not 'one reading'", async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/risk`);
    const country = await freshTestCountry();
    // One assessed day, 9.9 points below the assessment before it (which early-warning made, not this read model).
    await publishAssessment(h.producer, { country, level: RiskLevel.HIGH, score: 50.1, previousScore: 60, day: new Date(new Date().toISOString().slice(0, 10)) });
    const trendOf = (row: Locator) => async () => (await row.locator('td').nth(3).textContent()) ?? '';
    const row = page.locator(`[data-testid="risk-board"] tr[data-country="${country}"]`);
    // As the stream brings it, then as /risk answers it.
    await expect.poll(trendOf(row), { timeout: 15_000 }).toBe('↓ falling');
    await page.reload();
    await expect.poll(trendOf(row), { timeout: 10_000 }).toBe('↓ falling');
    expect(await row.locator('td').nth(3).getByRole('img').count()).toBe(0);

    await page.goto(`${h.service.url}/#/country/${country}`);
    const national = page.getByRole('row').filter({ hasText: 'National' });
    await expect.poll(async () => (await national.locator('td').nth(3).textContent()) ?? '', { timeout: 10_000 }).toBe('↓ falling');
    await page.context().close();
  });

  it("says on the board a country's area above its national level, as it loads and as live events move it", async () => {
    const country = await freshTestCountry();
    const at = new Date(Date.now() - 60_000);
    await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, score: 61.2, at });
    const mopti = await publishEscalation(h.producer, { country, admin1: 'Mopti', level: RiskLevel.CRITICAL, score: 90.5, at });
    await eventually(async () => ((await h.api(`/risk?scope=all`, h.globalToken)) as { country: string }[]).filter((r) => r.country === country).length === 2, 10_000, 200);
    // Loaded from /risk: national first, then the area it would hide.
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/risk`);
    const row = page.locator(`[data-testid="risk-board"] tr[data-country="${country}"]`);
    const above = row.getByTestId('area-above');
    await expect.poll(async () => (await row.locator('td').nth(1).textContent()) ?? '', { timeout: 10_000 }).toBe('▲ High · Mopti ■ critical');
    await row.scrollIntoViewIfNeeded();
    await h.shot(page, 'risk-board-area-above');
    // Live, well within the board's 30 s refresh: Mopti falls back to the national level, then rises above it again.
    await publishDeescalation(h.producer, { country, admin1: 'Mopti', escalationId: mopti.escalationId, level: RiskLevel.HIGH, at: new Date(Date.now() - 30_000) });
    await expect.poll(() => above.count(), { timeout: 10_000 }).toBe(0);
    await publishEscalation(h.producer, { country, admin1: 'Mopti', level: RiskLevel.CRITICAL, score: 92, at: new Date() });
    await expect.poll(async () => (await above.textContent()) ?? '', { timeout: 10_000 }).toBe(' · Mopti ■ critical');
    await page.context().close();
  });

  it("outlines on the map a country whose area stands above its national level, and names the area in words", async () => {
    // /risk answered by the test, so that real countries (on the map, unlike test codes) hold a known picture.
    const row = (country: string, name: string, admin1: string | null, level: number, score: number) => ({
      country, name, admin1, region: 'africa', level, levelName: ['', 'low', 'elevated', 'high', 'critical'][level], score, drivers: [],
      levelChangedAt: '2026-11-20T00:00:00.000Z', updatedAt: '2026-11-27T00:00:00.000Z', history: [], trend: 'steady', trendDelta: 0,
    });
    const national = [row('MLI', 'Mali', null, 3, 61.2), row('NER', 'Niger', null, 4, 88)];
    const areas = [...national, row('MLI', 'Mali', 'Mopti', 4, 90.5), row('MLI', 'Mali', 'Gao', 4, 80.1), row('NER', 'Niger', 'Tillabéri', 4, 95)];
    const page = await h.newPage();
    await page.route((url) => url.pathname === '/risk', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(new URL(route.request().url()).searchParams.get('scope') === 'all' ? areas : national) }),
    );
    await page.goto(h.service.url);
    await h.signIn(page, h.globalToken);
    await page.goto(`${h.service.url}/#/map`);
    const list = page.getByTestId('map-list');
    await expect.poll(() => list.textContent(), { timeout: 10_000 }).toContain('Mali (MLI): ▲ High · Mopti critical');
    // Niger's areas stand at its national level, not above it: nothing more to say of them.
    expect(await list.locator('li').filter({ hasText: '(NER)' }).textContent()).toBe('Niger (NER): ■ Critical');
    expect(await page.locator('[data-area-outline]').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-area-outline')))).toEqual(['MLI']);
    expect(await page.locator('path[data-iso3="MLI"].country').getAttribute('aria-label')).toBe('Mali: High · Mopti critical');
    await h.shot(page, 'map-area-above');
    await page.context().close();
  });

  it('lists in the map\'s text every country at risk the board has, and says above the map which of them it cannot draw', async () => {
    // The atlas (countries-110m) has no shape for Maldives, Singapore, Malta or Bahrain; Kosovo's, which
    // carries no ISO code, the map draws by its name.
    const row = (country: string, name: string, region: string, level: number, score: number) => ({
      country, name, admin1: null, region, level, levelName: ['', 'low', 'elevated', 'high', 'critical'][level], score, drivers: [],
      levelChangedAt: '2026-11-20T00:00:00.000Z', updatedAt: '2026-11-27T00:00:00.000Z', history: [], trend: 'steady', trendDelta: 0,
    });
    const rows = [
      row('MDV', 'Maldives', 'asia-pacific', 3, 72.5), row('SGP', 'Singapore', 'asia-pacific', 2, 30), row('MLT', 'Malta', 'europe-central-asia', 4, 85),
      row('BHR', 'Bahrain', 'middle-east', 2, 35), row('XKX', 'Kosovo', 'europe-central-asia', 3, 60), row('MLI', 'Mali', 'africa', 3, 61.2), row('NER', 'Niger', 'africa', 1, 10),
    ];
    const page = await h.newPage();
    await page.route((url) => url.pathname === '/risk', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(rows) }));
    await page.goto(h.service.url);
    await h.signIn(page, h.globalToken);
    await page.goto(`${h.service.url}/#/map`);
    const list = page.getByTestId('map-list');
    await expect.poll(() => list.locator('li').allTextContents(), { timeout: 10_000 }).toEqual([
      'Malta (MLT): ■ Critical', 'Maldives (MDV): ▲ High', 'Mali (MLI): ▲ High', 'Kosovo (XKX): ▲ High', 'Bahrain (BHR): ◇ Elevated', 'Singapore (SGP): ◇ Elevated', 'Niger (NER): ▽ Low',
    ]);
    expect(await page.getByTestId('map-undrawn').textContent()).toBe(
      'Not on this map (too small at its scale, or without a shape): Malta (Critical), Maldives (High), Bahrain (Elevated), Singapore (Elevated). They are in the text list below and on the risk board.',
    );
    // What the map can draw it still draws, as before.
    expect(await page.locator('path[data-iso3="MLI"].country').getAttribute('aria-label')).toBe('Mali: High');
    expect(await page.locator('path[data-iso3="XKX"].country').getAttribute('aria-label')).toBe('Kosovo: High');
    expect(await page.locator('path[data-iso3="MDV"]').count()).toBe(0);
    await h.shot(page, 'map-undrawn');
    await page.context().close();
  });

  it('says on the country page that a code other than 3 letters is not applied, rather than ignoring it, and opens one that is', async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/country/MLI`);
    // By role: the page's region ("Country Mali") is labelled Country too.
    const field = page.getByRole('textbox', { name: 'Country' });
    await expect.poll(() => field.inputValue()).toBe('MLI');
    await field.fill('xx');
    await field.press('Enter');
    await page.getByText('3 letters, e.g. MLI: not applied yet').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(new URL(page.url()).hash).toBe('#/country/MLI');
    // One letter too many, after a valid code: still not applied, nor the code before it opened.
    await field.fill('NERX');
    await field.press('Enter');
    expect(await page.getByText('3 letters, e.g. MLI: not applied yet').count()).toBe(1);
    expect(new URL(page.url()).hash).toBe('#/country/MLI');
    await h.shot(page, 'country-page-invalid');
    await field.fill('ner');
    await field.press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/country/NER');
    await page.getByRole('heading', { name: 'Country Niger' }).waitFor();
    expect(await page.getByText('3 letters, e.g. MLI: not applied yet').count()).toBe(0);
    await page.context().close();
  });

  it('shows who closed an alert and why to the officer who opens it afterwards', async () => {
    const country = await freshTestCountry();
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const alertId = await eventually(async () => {
      const alerts = (await h.api(`/alerts?status=all&country=${country}`, h.globalToken)) as { id: string; escalationId: string }[];
      return alerts.find((a) => a.escalationId === escalationId)?.id;
    }, 15_000, 200);
    // The night shift closes it; the morning shift finds it closed.
    const nightOfficer = await devToken({ roles: ['global-watch-officer'], subject: 'e2e-night-officer' });
    const closed = await fetch(`${h.service.url}/alerts/${alertId}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${nightOfficer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Clashes ended; mediation opened' }),
    });
    expect(closed.status).toBe(200);

    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/alerts`);
    await page.getByLabel('Show').selectOption('closed');
    await page.getByLabel('Country').fill(country);
    await page.locator(`tr[data-alert-id="${alertId}"]`).getByRole('button').click();
    const detail = page.getByTestId('alert-detail');
    await detail.waitFor();
    expect(await page.getByTestId('alert-status').textContent()).toBe('closed');
    expect(await detail.textContent()).toMatch(/Closed by e2e-night-officer on .+: Clashes ended; mediation opened/);
    await page.context().close();
  });

  it('tells apart on the country page a country\'s alerts of one level and status by their area, national or admin1', async () => {
    const country = await freshTestCountry();
    const national = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const khartoum = await publishEscalation(h.producer, { country, admin1: 'Khartoum', level: RiskLevel.HIGH });
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/country/${country}`);
    const alerts = page.locator('h3:text-is("Alerts") + ul > li');
    await expect.poll(() => alerts.count(), { timeout: 15_000 }).toBe(2);
    const texts = await alerts.allTextContents();
    expect(texts.filter((t) => /High National · open/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /High Khartoum · open/.test(t))).toHaveLength(1);

    // The API says it too, for whatever else reads the country page.
    const view = (await h.api(`/countries/${country}`, h.globalToken)) as { alerts: { escalationId: string; admin1: string | null }[] };
    expect(view.alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ escalationId: national.escalationId, admin1: null }), expect.objectContaining({ escalationId: khartoum.escalationId, admin1: 'Khartoum' })]),
    );
    await h.shot(page, 'country-alert-areas');
    await page.context().close();
  });

  it('says on the system view whose events the dead letters are, and which services consume nothing by design', async () => {
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/system`);
    const services = page.getByTestId('system-services');
    const mediation = services.locator('tr').filter({ has: page.getByRole('rowheader', { name: 'mediation', exact: true }) });
    await mediation.waitFor({ timeout: 10_000 });
    // A letter of mediation's events was set aside by another service's consumer: mediation did nothing wrong.
    expect(await services.locator('thead').textContent()).toContain('Dead letters of events on its topics');
    expect(await mediation.locator('td').nth(2).getAttribute('title')).toBe('mediation.processes.v1.dlq');
    expect(await mediation.locator('td').nth(2).textContent()).toMatch(/^(\d+|unknown) outstanding \/ (\d+|unknown) too old \/ (\d+|unknown) kept$/);
    expect(await page.getByTestId('dead-letters-note').textContent()).toContain('a consumer, of any service, could not process');
    expect(await page.getByTestId('dead-letters-note').textContent()).toContain('outstanding counts the letters not redriven yet, too old those not redriven whose event was first published over 37 days ago');

    const noConsumer = page.getByTestId('no-consumer');
    await expect.poll(async () => (await noConsumer.locator('li').allTextContents()).sort(), { timeout: 10_000 }).toEqual([
      // Neither publishes any event yet either (no routes, no events): nothing is said of what they publish.
      'electoral-support · no consumer (by design): the service consumes no events',
      'partnerships · no consumer (by design): the service consumes no events',
    ]);
    expect(await page.locator('details[data-group="partnerships"], details[data-group="electoral-support"]').count()).toBe(0);
    // A service that does consume keeps its group, members and lag, whatever state it is in.
    expect(await page.locator('details[data-group="ops-centre"] summary').textContent()).toMatch(/^ops-centre · \w+ · [1-9]\d* member\(s\) · total lag/);
    await h.shot(page, 'system-reading');
    await page.context().close();
  });

  it('tells a token without a region that no regional risk, alerts or escalations are shown to it, not that there are none', async () => {
    const engineer = await devToken({ roles: ['ops-engineer'], subject: 'e2e-reading-engineer' });
    const page = await h.login(engineer);
    for (const [pane, what, none] of [['risk', 'risk assessments', 'No risk assessments yet.'], ['alerts', 'alerts', 'No alerts.'], ['response', 'escalations', 'No escalations yet.']]) {
      await page.goto(`${h.service.url}/#/${pane}`);
      await page.getByText(`Your token names no region, so no regional ${what} are shown to you.`).waitFor({ timeout: 5_000 });
      expect(await page.getByText(none, { exact: true }).count(), pane).toBe(0);
    }
    await h.shot(page, 'no-region-response');
    await page.context().close();
  });

  it("offers in the live pane's type filter every event type the stream takes, and streams the one chosen", async () => {
    const page = await h.login(h.globalToken);
    const type = page.getByLabel('Event type');
    expect(await type.locator('option').allTextContents()).toEqual(['All types', ...new Set(ALL_EVENT_TYPES.map(shortNameOf))]);
    await type.selectOption('agreement-reached');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('stream-refusal').count()).toBe(0);
    await page.context().close();
  });
});
