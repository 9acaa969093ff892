import type { HistoryPoint } from '../../src/read-model/score-history';

/** One assessed day of a score history (the read model's own type); `change` when it moved the level. */
export type { HistoryPoint };

/** Token kept for the browser tab only (sessionStorage): closing the tab logs out. */
const TOKEN_KEY = 'crisis-ops.token';

export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (t: string | null): void => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY));

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await apiAnswer<T>(path, init)).body;
}

/** The answer's body with its headers, for a listing that pages by one (X-Next-Cursor). */
export async function apiAnswer<T>(path: string, init: RequestInit = {}): Promise<{ body: T; headers: Headers }> {
  const token = getToken();
  const res = await fetch(path, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (body && (body.message as string)) || `${res.status} ${res.statusText}`);
  return { body: body as T, headers: res.headers };
}

/**
 * Every page of a listing that pages by X-Next-Cursor, each page's rows after the previous one's. A
 * row met again (it moved between two pages) is kept once, where the later page put it (`keyOf`
 * tells rows apart). Stops after `maxPages`, so a server that kept answering a cursor could not hold
 * the console in a loop.
 */
export async function apiAllPages<T>(path: string, keyOf: (row: T) => string, maxPages = 50): Promise<T[]> {
  return (await apiAllPagesAnswer(path, keyOf, maxPages)).rows;
}

/**
 * Every page of a listing (as apiAllPages), with the first page's headers: what the listing says of
 * what it holds, such as the audit's X-Audit-Desks.
 */
export async function apiAllPagesAnswer<T>(path: string, keyOf: (row: T) => string, maxPages = 50): Promise<{ rows: T[]; headers: Headers | null }> {
  const rows = new Map<string, T>();
  let cursor: string | null = null;
  let first: Headers | null = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const answer: { body: T[]; headers: Headers } = await apiAnswer<T[]>(cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`);
    first ??= answer.headers;
    for (const row of answer.body) {
      rows.delete(keyOf(row));
      rows.set(keyOf(row), row);
    }
    cursor = answer.headers.get('X-Next-Cursor');
    if (!cursor) break;
  }
  return { rows: [...rows.values()], headers: first };
}

export interface Me {
  subject: string;
  roles: string[];
  region: string | null;
  name?: string;
  global: boolean;
}

export interface StreamItem {
  id: string;
  type: string;
  name: string;
  source: string;
  topic: string;
  country: string | null;
  /** null for the national level */
  admin1: string | null;
  desk: string | null;
  level: number | null;
  time: string;
  traceId: string | null;
  payload: Record<string, unknown>;
}

/** An entry of `GET /timeline`, with what the stream says of the event (name, desk, level). */
export interface TimelineEntry {
  eventId: string;
  type: string;
  name: string;
  source: string;
  topic: string;
  country: string | null;
  desk: string | null;
  level: number | null;
  occurredAt: string;
  traceId: string | null;
  payload: Record<string, unknown>;
}

/** A timeline entry as the live stream sends the same event. */
export const streamItemOfEntry = (e: TimelineEntry): StreamItem => ({
  id: e.eventId,
  type: e.type,
  name: e.name,
  source: e.source,
  topic: e.topic,
  country: e.country,
  admin1: typeof e.payload.admin1 === 'string' && e.payload.admin1 !== '' ? e.payload.admin1 : null,
  desk: e.desk,
  level: e.level,
  time: e.occurredAt,
  traceId: e.traceId,
  payload: e.payload,
});

export interface RiskRow {
  country: string;
  name: string;
  admin1: string | null;
  region: string | null;
  level: number;
  levelName: string;
  score: number;
  /** A driver's `area`: null for the whole area (the REST answers); '' in a streamed event's payload. */
  drivers: { kind: string; label: string; area: string | null; count: number; weight: number }[];
  levelChangedAt: string | null;
  updatedAt: string;
  history: HistoryPoint[];
  /** Early-warning's trend of the area (the change of its last assessment, ±2 points), not the history's. */
  trend: 'rising' | 'falling' | 'steady';
  trendDelta: number;
  /** What the data its country's risk was built from owes (ACLED's attribution): shown with it. Absent from a server before it. */
  attributions?: string[];
}


export interface Alert {
  id: string;
  escalationId: string;
  country: string;
  admin1: string | null;
  region: string | null;
  level: number;
  levelName: string;
  score: number;
  drivers: RiskRow['drivers'];
  /** What the data its escalation was built from owed (ACLED's attribution): shown with it. Absent from a server before it. */
  attributions?: string[];
  openedAt: string;
  status: 'open' | 'acknowledged' | 'closed';
  assignee: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  closeReason: string | null;
  /** When a de-escalation took the area below the alert's level, and to which level; null while it stands (or from a server before them). */
  clearedAt?: string | null;
  clearedToLevel?: number | null;
  clearedToLevelName?: string | null;
  comments?: { id: number; author: string; body: string; at: string }[];
  /** How many comments it has: a listing answers this, not the comments (absent from a server before it). */
  commentCount?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  alertId: string | null;
  region: string | null;
  detail: Record<string, unknown>;
}
