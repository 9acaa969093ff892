import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, LOCAL_DEV_SECRET, signDevToken } from '@crisis-ops/auth';
import { freshTestCountry, publishEscalation } from '../test/events';
import { useConsoleHarness } from '../test/console-harness';

const OFFICER = 'e2e-night-officer';

/** The night officer's token, living `ttlSeconds` (the verifier accepts it 30 s past that). */
const nightToken = (ttlSeconds: number) =>
  signDevToken({ subject: OFFICER, roles: ['global-watch-officer'], secret: LOCAL_DEV_SECRET, issuer: DEFAULT_AUTH_ISSUER, audience: DEFAULT_AUTH_AUDIENCE, ttlSeconds });

/**
 * The console when an officer's token expires mid-work: the sign-in page replaced every pane, and
 * the comment being typed and the alert it was on were gone.
 */
describe('ops-centre web console: a session that ends', () => {
  const h = useConsoleHarness('ops-centre-e2e-session-producer', 'ops-centre-console-session.log');

  it('warns before the token ends, and after signing in again shows the alert that was open with its unsent comment, dropped once sent', { timeout: 120_000 }, async () => {
    const country = await freshTestCountry();
    const first = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const second = await publishEscalation(h.producer, { country, level: RiskLevel.CRITICAL });
    // A short-lived token (as `npm run token -- --ttl 8`): the server ends its stream 30 s after.
    const page = await h.login(await nightToken(8));
    await page.getByTestId('session-ending').filter({ hasText: /Your session (ends at|has reached its end)/ }).waitFor();
    await page.goto(`${h.service.url}/#/alerts`);
    await page.getByLabel('Country').fill(country);
    const rowOf = (escalationId: string) => page.locator(`tr[data-escalation-id="${escalationId}"]`);
    await rowOf(first.escalationId).waitFor({ timeout: 10_000 });
    await rowOf(second.escalationId).waitFor({ timeout: 10_000 });
    const alertId = (await rowOf(first.escalationId).getAttribute('data-alert-id')) as string;

    const note = 'Handover: field office confirms 60 civilian deaths; OCHA informed; awaiting envoy reply';
    await rowOf(first.escalationId).getByRole('button').click();
    await page.getByTestId('alert-detail').waitFor();
    await page.getByLabel('Comment').fill(note);
    // Each alert its own draft: the note is not offered on another alert, and is there on going back.
    await rowOf(second.escalationId).getByRole('button').click();
    await expect.poll(() => page.getByLabel('Comment').inputValue()).toBe('');
    await rowOf(first.escalationId).getByRole('button').click();
    await expect.poll(() => page.getByLabel('Comment').inputValue()).toBe(note);

    // The token ends: the stream is closed with `event: expired` and the console asks to sign in.
    await page.getByRole('alert').filter({ hasText: 'Your session has expired' }).waitFor({ timeout: 60_000 });
    await h.shot(page, 'session-expired');
    // On the alerts pane, which shows no stream status (h.signIn waits for the live pane's).
    await page.getByLabel('Access token').fill(await nightToken(3_600));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();

    // Where the officer was: the alerts pane, the alert open, the note as typed. No warning on a long token.
    expect(new URL(page.url()).hash).toBe('#/alerts');
    await expect.poll(() => page.locator(`tr[data-alert-id="${alertId}"]`).first().getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => page.getByLabel('Comment').inputValue()).toBe(note);
    expect(await page.getByTestId('session-ending').count()).toBe(0);
    await h.shot(page, 'session-resumed');

    // Sent, it is a draft no longer: nothing of it is kept in the tab.
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.getByTestId('alert-detail').locator('h4:text-is("Comments") + ul > li').filter({ hasText: note }).waitFor();
    // Cleared once the action is done (after its trail and the list are read again, a moment after the comment shows).
    await expect.poll(() => page.getByLabel('Comment').inputValue()).toBe('');
    const kept = JSON.parse(((await page.evaluate(`sessionStorage.getItem('crisis-ops.kept.${OFFICER}')`)) as string | null) ?? '{}') as { drafts?: Record<string, unknown> };
    expect(kept.drafts ?? {}).toEqual({});

    // Signing out on purpose leaves nothing behind: signed in again, no alert is opened.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').fill(await nightToken(3_600));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Select an alert to see it').waitFor();
    await page.context().close();
  });
});
