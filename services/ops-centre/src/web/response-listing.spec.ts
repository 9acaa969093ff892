import { describe, expect, it } from 'vitest';
import { firstResponses, referralNote, responseListing, type ResponsePage, type ResponseStatus } from '../../web/src/response-listing';

const row = (id: string, status: ResponseStatus) => ({ escalationId: id, status });

describe("the console's Time to response listing", () => {
  it('shows the pending responses before the settled ones, whichever order the server sent', () => {
    const answer = [row('new-opened', 'opened'), row('not-due', 'not-warranted'), row('old-awaiting', 'awaiting-opening'), row('older-awaiting', 'awaiting-proposal')];
    expect(responseListing(answer, false).rows.map((r) => r.escalationId)).toEqual(['old-awaiting', 'older-awaiting', 'new-opened', 'not-due']);
  });

  it('says that more exist, and when pending responses themselves are among them', () => {
    expect(responseListing([row('c', 'awaiting-proposal'), row('a', 'not-warranted')], true)).toMatchObject({ more: true, pending: 1, morePending: false });
    expect(responseListing([row('a', 'awaiting-proposal'), row('b', 'awaiting-opening')], true)).toMatchObject({ more: true, pending: 2, morePending: true });
    expect(responseListing([row('a', 'awaiting-proposal'), row('b', 'awaiting-opening')], false)).toMatchObject({ more: false, pending: 2, morePending: false });
  });
});

describe("the console's word on a referred escalation's process", () => {
  const says = (status?: ResponseStatus) => {
    const n = referralNote({ referred: true, status });
    return n && `${n.lead} P${n.tail}`;
  };

  it('calls the process open only once it is: a referral to a proposal awaits its opening', () => {
    expect(says('opened')).toBe('answered by the open process P');
    expect(says('awaiting-opening')).toBe('referred to the proposed process P, not opened yet');
    expect(says('closed-unopened')).toBe('referred to the proposed process P, closed without being opened');
    expect(says('reversed')).toBe('referred to the proposed process P, never opened');
    // A server before `status` says only that it was referred.
    expect(says(undefined)).toBe('referred to the process P');
  });

  it('says nothing of a process for an escalation that was not referred', () => {
    expect(referralNote({ referred: false, status: 'awaiting-opening' })).toBeNull();
    expect(referralNote({ status: 'opened' })).toBeNull();
  });
});

describe("the console's walk through the Time to response pages", () => {
  /** A server of `total` rows answering pages by cursor (the offset, here), and the requests it got. */
  const server = (total: number) => {
    const asked: [number, string | undefined][] = [];
    const page = async (limit: number, cursor?: string): Promise<ResponsePage<number>> => {
      asked.push([limit, cursor]);
      const from = cursor ? Number(cursor) : 0;
      const rows = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, i) => from + i);
      return { rows, next: from + rows.length < total ? String(from + rows.length) : null };
    };
    return { asked, page };
  };

  it('asks once for what it shows, up to 1,000 rows, and says whether more follow', async () => {
    const few = server(30);
    expect(await firstResponses(few.page, 50, String)).toEqual({ rows: Array.from({ length: 30 }, (_, i) => i), more: false });
    expect(few.asked).toEqual([[50, undefined]]);
    const many = server(120);
    expect((await firstResponses(many.page, 100, String)).more).toBe(true);
    expect(many.asked).toEqual([[100, undefined]]);
  });

  it('follows the cursor past 1,000 rows, each row once', async () => {
    const long = server(2_600);
    const { rows, more } = await firstResponses(long.page, 2_050, String);
    expect(rows).toEqual(Array.from({ length: 2_050 }, (_, i) => i));
    expect(more).toBe(true);
    expect(long.asked).toEqual([[1000, undefined], [1000, '1000'], [50, '2000']]);
  });

  it('shows once, as the later page has it, an escalation answered between pages and so listed again further on', async () => {
    // Page 1 shows b pending; b is answered before page 2, which goes on after a's place and reaches b
    // again among the settled rows.
    const pages: Record<string, ResponsePage<ReturnType<typeof row>>> = {
      first: { rows: [row('a', 'awaiting-proposal'), row('b', 'awaiting-proposal')], next: 'after-b' },
      'after-b': { rows: [row('c', 'awaiting-opening'), row('b', 'opened')], next: 'after-b-settled' },
      'after-b-settled': { rows: [row('d', 'not-warranted')], next: null },
    };
    const asked: (string | undefined)[] = [];
    const page = async (_limit: number, cursor?: string) => (asked.push(cursor), pages[cursor ?? 'first']);
    const { rows, more } = await firstResponses(page, 1_500, (r) => r.escalationId);
    expect(rows).toEqual([row('a', 'awaiting-proposal'), row('c', 'awaiting-opening'), row('b', 'opened'), row('d', 'not-warranted')]);
    expect(more).toBe(false);
    expect(asked).toEqual([undefined, 'after-b', 'after-b-settled']);
  });

  it('stops at a page of none that still gives a cursor, rather than asking for ever', async () => {
    let asked = 0;
    const stuck = async () => (asked++, { rows: [], next: 'again' });
    expect(await firstResponses(stuck, 50, String)).toEqual({ rows: [], more: true });
    expect(asked).toBe(1);
  });
});
