import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Producer } from 'kafkajs';
import { devToken, startService, testKafka, workspaceRoot, type RunningService } from '@crisis-ops/testing';

const PORT = Number(process.env.OPS_CENTRE_E2E_PORT ?? 18180);
const SHOTS = path.join(workspaceRoot(), 'tmp/screenshots');

/**
 * What the console suites share: ops-centre started from dist (as in production) on the test
 * infrastructure, headless Chromium, a producer, and a global and an African officer.
 */
export class ConsoleHarness {
  service!: RunningService;
  browser!: Browser;
  producer!: Producer;
  globalToken!: string;
  africaToken!: string;

  async start(producerId: string, logFile?: string): Promise<void> {
    mkdirSync(SHOTS, { recursive: true });
    this.service = await startService('ops-centre', { port: PORT, logFile });
    await this.service.waitForLog('consuming as group');
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    this.producer = testKafka(producerId).producer({ idempotent: true });
    await this.producer.connect();
    this.globalToken = await devToken({ roles: ['global-watch-officer', 'ops-engineer'], subject: 'e2e-global-officer' });
    this.africaToken = await devToken({ roles: ['watch-officer'], region: 'africa', subject: 'e2e-africa-officer' });
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.browser?.close();
    await this.service?.stop();
  }

  /** A page of its own browser context (its own sessionStorage), not signed in. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    return (await this.browser.newContext({ viewport: { width: 1400, height: 900 }, ...options })).newPage();
  }

  async login(token: string, options: BrowserContextOptions = {}): Promise<Page> {
    const page = await this.newPage(options);
    await page.goto(this.service.url);
    await this.signIn(page, token);
    return page;
  }

  /** Signs in on the sign-in page and waits for the live stream to open. */
  async signIn(page: Page, token: string): Promise<void> {
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByTestId('stream-status').filter({ hasText: 'open' }).waitFor();
  }

  shot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  }

  async api(p: string, token: string): Promise<unknown> {
    return (await fetch(`${this.service.url}${p}`, { headers: { authorization: `Bearer ${token}` } })).json();
  }

  /** A POST as another officer's console would make it, e.g. closing an alert another console shows; throws unless 2xx. */
  async post(p: string, token: string, body: unknown = {}): Promise<unknown> {
    const res = await fetch(`${this.service.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  }
}

/**
 * A harness started before the calling suite's tests and stopped after them. A second suite names
 * its own service log (under tmp/e2e-logs), or it would overwrite the first one's.
 */
export function useConsoleHarness(producerId: string, logName?: string): ConsoleHarness {
  const harness = new ConsoleHarness();
  beforeAll(() => harness.start(producerId, logName ? path.join(workspaceRoot(), 'tmp/e2e-logs', logName) : undefined));
  afterAll(() => harness.stop());
  return harness;
}
