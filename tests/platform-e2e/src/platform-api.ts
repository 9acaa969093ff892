import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { devToken, eventually } from '@crisis-ops/testing';
import type { ReceivedSpan } from './otlp-receiver';
import type { PlatformUrls } from './platform';

export const platform = (): PlatformUrls => inject('platform');

/**
 * A country code per test and run: ISO 3166 leaves QMA–QZZ (and other ranges) to user assignment, so these never name a
 * real country. Reruns against the same database can draw a code again, so assertions look for the
 * test's own signal or event ids, never at counts per country.
 */
export function testCountry(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `Q${letters[randomInt(12, 26)]}${letters[randomInt(0, 26)]}`;
}

export const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

export function signalBody(country: string, overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    source: 'platform-e2e',
    country,
    type: 'protests',
    occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
    fatalities: 2,
    severity: 3,
    notes: 'posted by the platform end-to-end suite',
    ...overrides,
  };
}

let token: Promise<string> | undefined;
export const analystToken = () => (token ??= devToken({ roles: ['analyst'], region: null }));

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** JSON over HTTP with the analyst's bearer token unless `token: null`. */
export async function api<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const bearer = init.token === undefined ? await analystToken() : init.token;
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: metrics and docs pages
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export interface TimelineEntry {
  eventId: string;
  type: string;
  source: string;
  subject: string | null;
  country: string | null;
  topic: string;
  partition: number;
  /** A bigint column: TypeORM answers it as a string. */
  offset: string;
  traceId: string | null;
  payload: Record<string, unknown>;
}

let watchToken: Promise<string> | undefined;
/** A global watch officer: the ops-centre timeline shows a regional token its own desk only. */
export const globalWatchOfficerToken = () => (watchToken ??= devToken({ roles: ['global-watch-officer'], region: null }));

let mediationReader: Promise<string> | undefined;
/** A mediation reader of every region: mediation's country watch is read under its processes' roles and regions. */
export const mediationReaderToken = () => (mediationReader ??= devToken({ roles: ['global-viewer'], region: null }));

/** A country's ops-centre timeline, newest first (the last 1,000 entries). */
export async function countryTimeline(country: string): Promise<TimelineEntry[]> {
  const res = await api<TimelineEntry[]>(`${platform()['ops-centre']}/timeline?country=${country}&limit=1000`, { token: await globalWatchOfficerToken() });
  if (res.status !== 200) throw new Error(`GET /timeline answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The ops-centre timeline entries about one signal (its events carry the signal id as subject). */
export async function timelineEntriesOf(country: string, signalId: string): Promise<TimelineEntry[]> {
  return (await countryTimeline(country)).filter((e) => e.subject === signalId);
}

export function eventuallyOnTimeline(country: string, signalId: string, timeoutMs = 10_000): Promise<TimelineEntry> {
  return eventually(async () => (await timelineEntriesOf(country, signalId))[0], timeoutMs, 200);
}

/** Whether any span the services exported carried this text, in its name or any attribute. */
export async function exportedSpansContain(text: string): Promise<boolean> {
  const res = await fetch(`${inject('otlpReceiverUrl')}/exported?contains=${encodeURIComponent(text)}`);
  return ((await res.json()) as { found: boolean }).found;
}

export async function spansOfTrace(traceId: string): Promise<ReceivedSpan[]> {
  const res = await fetch(`${inject('otlpReceiverUrl')}/spans?traceId=${traceId}`);
  return (await res.json()) as ReceivedSpan[];
}
