import { apiAnswer, type Alert } from './api';

/** The most alerts one page of GET /alerts answers. */
const LOOKUP_PAGE = 1000;
/** How many pages of its country's alerts are read to find one: a bound, not an expectation. */
const LOOKUP_PAGES = 10;

/**
 * The alert as it now stands, found among every alert of its country (`status=all`), or null when
 * it is not found in the first pages. Not GET /alerts/:id: that is audited as a view, and a console
 * refreshing what an officer already looks at would write views nobody made.
 */
export async function lookUpAlert(alert: Pick<Alert, 'id' | 'country'>): Promise<Alert | null> {
  let cursor: string | null = null;
  for (let page = 0; page < LOOKUP_PAGES; page++) {
    const q = new URLSearchParams({ status: 'all', country: alert.country, limit: String(LOOKUP_PAGE) });
    if (cursor) q.set('cursor', cursor);
    const answer: { body: Alert[]; headers: Headers } = await apiAnswer<Alert[]>(`/alerts?${q}`);
    const found = answer.body.find((a) => a.id === alert.id);
    if (found) return found;
    cursor = answer.headers.get('X-Next-Cursor');
    if (!cursor) return null;
  }
  return null;
}
