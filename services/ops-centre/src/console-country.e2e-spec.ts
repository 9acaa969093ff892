import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RiskLevel, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { freshTestCountry, mediationRecords, publishEscalation } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/** The console's country page, as a watch officer reads it. */
describe('ops-centre web console country page', () => {
  const h = useConsoleHarness('ops-centre-e2e-country-producer', 'ops-centre-console-country.log');

  it('says on the country page when it lists only the newest of a country\'s alerts, and how many there are', async () => {
    const country = await freshTestCountry();
    // One more than the page lists (COUNTRY_PAGE_ALERTS), each of its own area so that each opens an alert.
    for (let i = 0; i < 51; i++) await publishEscalation(h.producer, { country, admin1: `Area ${i}`, level: RiskLevel.HIGH, at: new Date(Date.now() - (51 - i) * 1_000) });
    await eventually(async () => ((await h.api(`/countries/${country}`, h.globalToken)) as { alertCount: number }).alertCount === 51, 20_000, 200);
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/country/${country}`);
    const more = page.getByTestId('country-alerts-more');
    await more.waitFor({ timeout: 15_000 });
    expect(await more.textContent()).toBe(`The newest 50 of 51 alerts: the Alerts pane, filtered by ${country}, lists every one.`);
    expect(await page.locator('h3:text-is("Alerts") + ul > li[data-escalation-id]').count()).toBe(50);
    // The oldest is the one left out.
    expect(await page.getByText('Area 0 ·', { exact: false }).count()).toBe(0);
    await page.context().close();
  });

  it('follows the board while the live pane is paused, when no live event of the country reaches it', async () => {
    const country = await freshTestCountry();
    await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, score: 61 });
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/live`);
    await page.getByRole('button', { name: 'Pause' }).click();
    // Same document, so the paused live pane stays paused (a navigation would load the console anew).
    await page.evaluate(`location.hash = '#/country/${country}'`);
    const national = page.locator('table tbody tr', { hasText: 'National' });
    await expect.poll(() => national.textContent(), { timeout: 15_000 }).toMatch(/High/);

    await publishEscalation(h.producer, { country, level: RiskLevel.CRITICAL, score: 91 });
    // It stayed at High for good: the page was read again only on a live event of its country.
    await expect.poll(() => national.textContent(), { timeout: 30_000, interval: 1_000 }).toMatch(/Critical/);
    await page.evaluate(`location.hash = '#/live'`);
    await page.getByRole('button', { name: /^Resume/ }).waitFor({ timeout: 5_000 });
    await page.context().close();
  });

  it("says each mediation process's status, area and last event, not only its newest event's name", async () => {
    const country = await freshTestCountry();
    const processId = randomUUID();
    const at = (minutes: number) => new Date(Date.now() - (10 - minutes) * 60_000);
    await h.producer.send({
      topic: TOPIC_MEDIATION,
      messages: [
        mediationRecords.proposed({ country, processId, admin1: 'Plateaux', at: at(1) }),
        mediationRecords.opened({ country, processId, admin1: 'Plateaux', at: at(2) }),
        mediationRecords.suspended({ country, processId, at: at(3) }),
        mediationRecords.envoyAppointed({ country, processId, at: at(4) }),
      ],
    });
    await eventually(async () => ((await h.api(`/countries/${country}`, h.globalToken)) as { mediation: { lastEvent: { name: string } }[] }).mediation[0]?.lastEvent.name === 'envoy-appointed', 15_000, 200);
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/country/${country}`);
    const process = page.locator('h3:text-is("Mediation processes") + ul > li');
    await process.waitFor({ timeout: 15_000 });
    const text = (await process.textContent()) ?? '';
    expect(text).toMatch(new RegExp(`^suspended since .+ \\(${processId.slice(0, 8)}\\) · Plateaux · lead special_envoy · last: envoy-appointed `));
    await page.context().close();
  });
});
