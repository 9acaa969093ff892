import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { freshTestCountries, publishEscalation } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/**
 * ACLED's terms ask for attribution wherever results built from its data are shown: the console showed
 * the risk of countries an ACLED import fed (the board, the map, the country page, the alert) with no
 * word of ACLED. Each attribution here is the run's own, so other suites' countries on the shared
 * stack cannot make it appear.
 */
describe('ops-centre web console: data attribution', () => {
  const h = useConsoleHarness('ops-centre-e2e-attribution-producer', 'ops-centre-console-attribution.log');

  it('shows the attribution on the board, the map, the country page and the alert detail of risk that owes it, and none where nothing is owed', async () => {
    const acled = `Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com. e2e ${randomUUID().slice(0, 8)}`;
    const [owing, owingNothing] = await freshTestCountries(2);
    const page = await h.login(h.globalToken);
    // The board and the map take it from the live risk event, or from /risk read again.
    await page.goto(`${h.service.url}/#/risk`);
    const owed = await publishEscalation(h.producer, { country: owing, level: RiskLevel.CRITICAL, attributions: [acled] });
    const unowed = await publishEscalation(h.producer, { country: owingNothing, level: RiskLevel.CRITICAL });
    // Projected (possibly by another member of the consumer group on a shared stack, whose events this
    // console's stream does not carry: then the board's next read of /risk, every 30 s, brings it).
    await eventually(async () => ((await h.api(`/countries/${owing}`, h.globalToken)) as { attributions?: string[] }).attributions?.[0] === acled, 20_000, 200);
    const board = page.getByTestId('risk-board-attribution');
    await expect.poll(() => board.textContent().catch(() => ''), { timeout: 45_000 }).toContain(acled);
    expect(await board.textContent()).toMatch(/^Conflict data: /);
    await page.locator(`[data-testid="risk-board"] tr[data-country="${owing}"]`).waitFor();

    await page.evaluate(`location.hash = '#/map'`);
    await expect.poll(() => page.getByTestId('map-attribution').textContent().catch(() => ''), { timeout: 10_000 }).toContain(acled);

    await page.goto(`${h.service.url}/#/country/${owing}`);
    const countryLine = page.getByTestId('country-attribution');
    await countryLine.waitFor({ timeout: 15_000 });
    expect(await countryLine.textContent()).toBe(acled);
    await h.shot(page, 'console-attribution-country');

    await page.goto(`${h.service.url}/#/country/${owingNothing}`);
    // Its own page loaded (its alert listed), not the one before still shown.
    await page.locator(`li[data-escalation-id="${unowed.escalationId}"]`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('country-attribution').count()).toBe(0);

    // The alert detail, of each.
    await eventually(async () => ((await h.api(`/alerts?country=${owingNothing}`, h.globalToken)) as unknown[]).length === 1, 15_000, 200);
    for (const [country, escalationId, line] of [[owing, owed.escalationId, acled], [owingNothing, unowed.escalationId, null]] as const) {
      await page.goto(`${h.service.url}/#/alerts`);
      await page.getByLabel('Country').fill(country);
      const row = page.locator(`[data-testid="alerts"] tbody tr[data-escalation-id="${escalationId}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.getByRole('button').click();
      await page.locator('[data-testid="alert-detail"]', { hasText: country }).waitFor();
      if (line) expect(await page.getByTestId('alert-attribution').textContent()).toBe(line);
      else expect(await page.getByTestId('alert-attribution').count()).toBe(0);
    }
    await page.context().close();
  });
});
