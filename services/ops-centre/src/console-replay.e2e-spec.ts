import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { freshTestCountry, publishSignals } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

/**
 * A replay in the live pane, in real headless Chromium: it brought history into the live list on top,
 * as if newest, pushed the newest live events out and counted itself as live traffic. Its events are
 * a list of their own now, and the live list is as the officer left it.
 */
describe('ops-centre web console: a replay beside the live list', () => {
  const h = useConsoleHarness('ops-centre-e2e-replay-producer', 'ops-centre-replay.log');

  const rows = (page: Page) => page.locator('[data-testid="live-events"] tbody tr').evaluateAll((trs) => trs.map((r) => r.getAttribute('data-event-id')));
  const received = async (page: Page) => Number((await page.getByTestId('stream-status').locator('..').textContent())?.match(/(\d+) received/)?.[1]);
  /** A `datetime-local` value (the browser's zone, which is this machine's) a minute before `t`. */
  const localMinuteBefore = (t: Date) => new Date(t.getTime() - 60_000 - t.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

  it('keeps the live events listed and counted as they were, and lists the replay apart, marked as history', async () => {
    const country = await freshTestCountry();
    const historyFrom = new Date();
    // History the page never received live.
    const history = await publishSignals(h.producer, country, 3);
    const page = await h.login(h.globalToken);
    await page.getByLabel('Country').fill(country);
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
    // Published after the page asked for the country only: nothing of the history can come live.
    await expect.poll(() => rows(page), { timeout: 15_000 }).toEqual([]);
    const liveIds = await publishSignals(h.producer, country, 5);
    await expect.poll(async () => new Set(await rows(page)), { timeout: 15_000 }).toEqual(new Set(liveIds));
    const liveList = await rows(page);
    expect(await received(page)).toBe(5);

    await page.getByLabel('Replay from').fill(localMinuteBefore(historyFrom));
    await page.getByLabel('Speed').selectOption('max');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.getByTestId('replay-status').filter({ hasText: 'replay finished (end)' }).waitFor({ timeout: 30_000 });
    // The replay's list: the history and what came live, each once, said to be history.
    await expect.poll(async () => new Set(await rows(page)), { timeout: 5_000 }).toEqual(new Set([...history, ...liveIds]));
    // Not live traffic.
    expect(await received(page)).toBe(5);
    expect(await page.getByTestId('live-events').getAttribute('data-list')).toBe('replayed');
    expect(await page.getByTestId('live-events').locator('caption').textContent()).toMatch(/^Replayed history from .*, not live$/);
    expect(await page.getByTestId('list-shown').textContent()).toContain('Replayed history, not live events: 8 of the 8 events');
    await h.shot(page, 'replay-list');

    // A live event while the officer reads the replay is said, and on top of the live list.
    const [late] = await publishSignals(h.producer, country, 1);
    await page.getByRole('button', { name: 'Live events (1 new)' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /^Live events/ }).click();
    expect(await page.getByTestId('live-events').getAttribute('data-list')).toBe('live');
    expect(await rows(page)).toEqual([late, ...liveList]);
    expect(await page.getByTestId('list-shown').textContent()).toContain('Showing the newest 6 of 6 kept');
    expect(await received(page)).toBe(6);
    // The replay's list is still there to go back to.
    await page.getByRole('button', { name: 'Replayed history (8)' }).click();
    expect(new Set(await rows(page))).toEqual(new Set([...history, ...liveIds]));
    await page.context().close();
  });
});
