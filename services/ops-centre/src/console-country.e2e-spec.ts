import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ElectionKind, EngagementKind, RiskLevel, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { freshTestCountry, mediationRecords, publishElectionPostponed, publishElectionScheduled, publishEngagement, publishEscalation } from '../test/events';
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

  it('tells apart partner engagements and elections by their whole ids, saying who, what and since when by their own time', async () => {
    const country = await freshTestCountry();
    // Midday UTC: the same calendar day in any browser's zone.
    const noon = (day: string) => new Date(`${day}T12:00:00Z`);
    await publishEngagement(h.producer, { country, engagementId: 'UNDP-TCD-2026-01', partner: 'UNDP', kind: EngagementKind.TECHNICAL, description: 'voter registration support', at: noon('2026-01-15') });
    await publishEngagement(h.producer, { country, engagementId: 'UNDP-TCD-2026-02', partner: 'UNDP', kind: EngagementKind.FUNDING, description: 'polling station kits', at: noon('2026-03-01') });
    await publishElectionScheduled(h.producer, { country, electionId: 'TCD-PRES-2026', kind: ElectionKind.PRESIDENTIAL, scheduledFor: '2026-12-20', occurredAt: noon('2026-06-01') });
    await publishElectionPostponed(h.producer, { country, electionId: 'TCD-PRES-2026', previousDate: '2026-12-20', newDate: '2027-02-14', reason: 'security', occurredAt: noon('2026-10-01') });
    await eventually(async () => {
      const page = (await h.api(`/countries/${country}`, h.globalToken)) as { partnerships: unknown[]; elections: Array<{ state: string }> };
      return page.partnerships.length === 2 && page.elections[0]?.state === 'election-postponed';
    }, 15_000, 200);
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/country/${country}`);
    const engagements = page.locator('h3:text-is("Partner engagements") + ul > li');
    await engagements.first().waitFor({ timeout: 15_000 });
    const lines = await engagements.allTextContents();
    expect(lines).toHaveLength(2);
    // Newest start first; each its own line, no longer two identical "UNDP-TCD" ones.
    expect(lines[0]).toMatch(/^UNDP · funding · since 1 Mar 2026, .+ \(UNDP-TCD-2026-02\) · polling station kits$/);
    expect(lines[1]).toMatch(/^UNDP · technical · since 15 Jan 2026, .+ \(UNDP-TCD-2026-01\) · voter registration support$/);
    const election = (await page.locator('h3:text-is("Elections") + ul > li').allTextContents()).join('\n');
    expect(election).toMatch(/^election-postponed since 1 Oct 2026, .+ \(TCD-PRES-2026\) · presidential · National · polling day 14 Feb 2027 · postponed from 20 Dec 2026: security$/);
    await page.context().close();
  });
});
