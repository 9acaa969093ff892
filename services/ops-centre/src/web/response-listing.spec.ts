import { describe, expect, it } from 'vitest';
import { responseListing, type ResponseStatus } from '../../web/src/response-listing';

const row = (id: string, status: ResponseStatus) => ({ escalationId: id, status });

describe("the console's Time to response listing", () => {
  it('shows the pending responses before the settled ones, whichever order the server sent', () => {
    const answer = [row('new-opened', 'opened'), row('not-due', 'not-warranted'), row('old-awaiting', 'awaiting-opening'), row('older-awaiting', 'awaiting-proposal')];
    expect(responseListing(answer, 10).rows.map((r) => r.escalationId)).toEqual(['old-awaiting', 'older-awaiting', 'new-opened', 'not-due']);
  });

  it('cuts settled rows, never pending ones, and says that more exist', () => {
    const answer = [row('a', 'not-warranted'), row('b', 'opened'), row('c', 'awaiting-proposal'), row('d', 'reversed')];
    const listing = responseListing(answer, 3);
    expect(listing.rows.map((r) => r.escalationId)).toEqual(['c', 'a', 'b']);
    expect(listing).toMatchObject({ more: true, pending: 1, morePending: false });
  });

  it('says when pending responses themselves are left out', () => {
    const answer = [row('a', 'awaiting-proposal'), row('b', 'awaiting-opening'), row('c', 'awaiting-proposal')];
    expect(responseListing(answer, 2)).toMatchObject({ more: true, pending: 2, morePending: true });
    expect(responseListing(answer, 3)).toMatchObject({ more: false, pending: 3, morePending: false });
  });
});
