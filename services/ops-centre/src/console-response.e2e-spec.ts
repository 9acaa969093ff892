import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { freshTestCountry, publishClosing, publishDeescalation, publishEscalation, publishOpening, publishProposal, publishReferral } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/** The Time to response pane, for escalations no answer or opening will follow. */
describe('ops-centre web console: time to response that will never come', () => {
  const h = useConsoleHarness('ops-centre-e2e-response-producer', 'ops-centre-console-response.log');

  it('says no response is due below what mediation answers, and that a proposal closed without opening, where both read pending', async () => {
    const country = await freshTestCountry();
    // The pane lists pending responses first, and every other suite on this database publishes its
    // own escalations as it runs (hundreds pending on a reused test stack): the officer narrows the
    // pane to the country, as one following a country would. A day ahead, as the rows' times read.
    const t = Date.now() + 86_400_000;
    const elevated = await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED, at: new Date(t) });
    const high = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, at: new Date(t + 60_000) });
    const processId = await publishProposal(h.producer, { country, escalationId: high.escalationId, proposedAt: new Date(t + 660_000) });

    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/response`);
    await page.getByLabel('Country').fill(country);
    const chart = page.getByTestId('response-chart');
    const notDue = chart.locator('tr', { hasText: elevated.escalationId });
    const closed = chart.locator('tr', { hasText: high.escalationId });
    await expect.poll(() => notDue.textContent(), { timeout: 20_000 }).toContain('No response due: below the level mediation answers');
    await expect.poll(() => closed.textContent(), { timeout: 20_000 }).toContain('proposed 10 min');
    // Closed while the pane is open: it shows so as the stream brings it, not at its 15 s refresh.
    await publishClosing(h.producer, { country, processId, at: new Date(t + 7_260_000) });
    await expect.poll(() => closed.textContent(), { timeout: 8_000 }).toContain('closed without opening after 2.0 h');
    expect(await closed.textContent()).toContain('proposed 10 min');
    for (const row of [notDue, closed]) expect(await row.textContent()).not.toContain('pending');
    expect(await closed.getByRole('img').getAttribute('aria-label')).toBe('proposed after 10 min, closed without opening after 2.0 h');
    await h.shot(page, 'time-to-response-not-due');
    await page.context().close();
  });

  it('says an escalation its area fell back from is no longer awaited, where it read pending for ever', async () => {
    const country = await freshTestCountry();
    const t = Date.now() + 86_400_000;
    const critical = await publishEscalation(h.producer, { country, level: RiskLevel.CRITICAL, at: new Date(t) });
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/response`);
    await page.getByLabel('Country').fill(country);
    const row = page.getByTestId('response-chart').locator('tr', { hasText: critical.escalationId });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('proposed pending');
    // De-escalated while the pane is open: it shows so as the stream brings it.
    await publishDeescalation(h.producer, { country, escalationId: critical.escalationId, level: RiskLevel.ELEVATED, at: new Date(t + 10_800_000) });
    await expect.poll(() => row.textContent(), { timeout: 8_000 }).toContain('no longer awaited: de-escalated to elevated after 3.0 h');
    expect(await row.textContent()).not.toContain('pending');
    await page.context().close();
  });

  it('shows 50 escalations, pending first, and 50 more on asking, each once, where it told the officer to narrow the filter', async () => {
    const country = await freshTestCountry();
    const t = Date.now() + 86_400_000;
    // 51 awaiting a proposal, a minute apart, and 2 below what mediation answers, older.
    const pending: string[] = [];
    for (let i = 0; i < 51; i++) pending.push((await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, at: new Date(t + (i + 2) * 60_000) })).escalationId);
    const notDue = [];
    for (let i = 0; i < 2; i++) notDue.push((await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED, at: new Date(t + i * 60_000) })).escalationId);

    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/response`);
    await page.getByLabel('Country').fill(country);
    const rows = () => page.getByTestId('response-chart').locator('tbody tr th').evaluateAll((ths) => ths.map((th) => th.querySelector('.mono')?.textContent ?? ''));
    const more = page.getByTestId('responses-more');
    const newestFirst = [...pending].reverse();
    await expect.poll(() => more.textContent(), { timeout: 20_000 }).toContain('Showing 50 pending responses, newest first; more are pending.');
    expect(await rows()).toEqual(newestFirst.slice(0, 50));
    await more.getByRole('button', { name: 'Show 50 more' }).click();
    await expect.poll(rows, { timeout: 10_000 }).toEqual([...newestFirst, notDue[1], notDue[0]]);
    expect(await more.count()).toBe(0);
    await h.shot(page, 'time-to-response-more');
    await page.context().close();
  });

  it('says an escalation referred to a process only proposed is not answered by an open one until the process opens', async () => {
    const country = await freshTestCountry();
    const t = Date.now() + 86_400_000;
    const first = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, at: new Date(t) });
    const processId = await publishProposal(h.producer, { country, escalationId: first.escalationId, proposedAt: new Date(t + 60_000) });
    // The next escalation is referred to that process, still a proposal (processOpened false).
    const second = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, at: new Date(t + 120_000) });
    await publishReferral(h.producer, { country, escalationId: second.escalationId, processId, referredAt: new Date(t + 180_000), processOpened: false });
    const page = await h.login(h.globalToken);
    await page.goto(`${h.service.url}/#/response`);
    await page.getByLabel('Country').fill(country);
    const row = page.getByTestId('response-chart').locator('tr', { hasText: second.escalationId });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain(`referred to the proposed process ${processId}, not opened yet`);
    expect(await row.textContent()).toContain('opened pending');
    expect(await row.textContent()).not.toContain('open process');
    await h.shot(page, 'time-to-response-referred-proposed');
    // Opened: now the open process answers it.
    await publishOpening(h.producer, { country, processId, at: new Date(t + 3_780_000) });
    await expect.poll(() => row.getByTestId('referral').textContent(), { timeout: 20_000 }).toBe(`answered by the open process ${processId}`);
    await page.context().close();
  });
});
