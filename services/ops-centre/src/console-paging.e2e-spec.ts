import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { freshTestCountry, publishEscalation, publishSignals } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/**
 * A watch officer paging the live pane back in time, past what the stream brought: to what happened
 * before the console was opened, or what a reconnect's catch-up left out.
 */
describe('ops-centre web console paging back through the live pane', () => {
  const h = useConsoleHarness('ops-centre-e2e-paging-producer', 'ops-centre-console-paging.log');

  const onTimeline = (country: string, eventId: string) =>
    eventually(async () => ((await h.api(`/timeline?country=${country}`, h.globalToken)) as { eventId: string }[]).some((e) => e.eventId === eventId), 15_000, 200);

  it('loads earlier events from the timeline at the end of the list, in order and once each, with the pane\'s filters, and says when there are no more', async () => {
    const country = await freshTestCountry();
    // Signals and escalations travel on different topics: each lot recorded before the next is sent.
    const elevated = await publishEscalation(h.producer, { country, level: RiskLevel.ELEVATED });
    const high = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const critical = await publishEscalation(h.producer, { country, level: RiskLevel.CRITICAL });
    await onTimeline(country, critical.eventId);
    const signals = await publishSignals(h.producer, country, 150);
    await onTimeline(country, signals.at(-1) as string);

    const page = await h.login(h.globalToken);
    await page.getByLabel('Country').fill(country);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    const [live] = await publishSignals(h.producer, country, 1);
    await page.locator(`tr[data-event-id="${live}"]`).waitFor({ timeout: 10_000 });

    const earlier = page.getByRole('button', { name: 'Earlier events' });
    const status = page.getByTestId('earlier-status');
    const rows = () => page.locator('[data-testid="live-events"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    const newestFirst = [...signals].reverse();
    await earlier.click();
    await expect.poll(() => status.textContent()).toBe('100 earlier events loaded.');
    expect(await rows()).toEqual([live, ...newestFirst.slice(0, 100)]);
    await earlier.click();
    await expect.poll(() => status.textContent()).toBe('53 earlier events loaded. There are no earlier events for these filters.');
    expect(await rows()).toEqual([live, ...newestFirst, critical.eventId, high.eventId, elevated.eventId]);
    await earlier.click();
    await expect.poll(() => status.textContent()).toBe('There are no earlier events for these filters.');
    expect(await rows()).toHaveLength(154);
    await h.shot(page, 'live-earlier');

    // Narrowed to high and above, an emptied list pages back to those events only.
    await page.getByLabel('Minimum level').selectOption('high');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await earlier.click();
    await expect.poll(() => status.textContent()).toBe('2 earlier events loaded. There are no earlier events for these filters.');
    expect(await rows()).toEqual([critical.eventId, high.eventId]);

    // Widened again, the list starts over, so paging back brings every event, not "no earlier" from
    // the oldest of the narrower list.
    await page.getByLabel('Minimum level').selectOption('');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await earlier.click();
    await expect.poll(() => status.textContent()).toBe('100 earlier events loaded.');

    // Events held while paused belong to the filter they came under: refiltered, they are dropped.
    await page.getByRole('button', { name: 'Pause' }).click();
    const held = await publishSignals(h.producer, country, 3);
    await page.getByRole('button', { name: 'Resume (3 waiting)' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Minimum level').selectOption('critical');
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    expect((await rows()).filter((id) => held.includes(id as string))).toEqual([]);
    await page.context().close();
  });

  it('keeps in view what Earlier events loaded onto a short list as live events arrive, up to the 200 the pane shows', async () => {
    const country = await freshTestCountry();
    const recorded = await publishSignals(h.producer, country, 100);
    await onTimeline(country, recorded.at(-1) as string);

    const page = await h.login(h.globalToken);
    await page.getByLabel('Country').fill(country);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    const [first] = await publishSignals(h.producer, country, 1);
    await page.locator(`tr[data-event-id="${first}"]`).waitFor({ timeout: 10_000 });

    const rows = () => page.locator('[data-testid="live-events"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    await page.getByRole('button', { name: 'Earlier events' }).click();
    await expect.poll(() => page.getByTestId('earlier-status').textContent()).toBe('100 earlier events loaded.');
    expect(await rows()).toHaveLength(101);

    // Three live events: 104 kept, all shown, none of those just loaded pushed out of view.
    const later = await publishSignals(h.producer, country, 3);
    await page.locator(`tr[data-event-id="${later[2]}"]`).waitFor({ timeout: 10_000 });
    await expect.poll(rows).toEqual([...later].reverse().concat(first, [...recorded].reverse()));
    expect(await page.getByText(/^Showing the newest/).textContent()).toBe('Showing the newest 104 of 104 kept (at most 500).');
    await page.context().close();
  });
});
