/** Where the response to an escalation stands, as `GET /response-times` says it. */
export type ResponseStatus = 'awaiting-proposal' | 'awaiting-opening' | 'opened' | 'closed-unopened' | 'not-warranted' | 'reversed';

/** Escalations the Time to response pane lists at first, and how many more each "Show more" adds. */
export const RESPONSES_SHOWN = 50;

/** The most rows GET /response-times answers in one page. */
export const RESPONSES_PAGE_MAX = 1000;

/** Still to come: a proposal (or referral), or the opening of the process that answers it. */
export const isPendingResponse = (status: ResponseStatus | undefined): boolean => status === 'awaiting-proposal' || status === 'awaiting-opening';

/**
 * What a referred escalation's row says of the process it was referred to (EscalationReferred), as
 * the words before and after its id; null for one that was not referred. Every referred row said
 * "answered by the open process", also one whose process was only proposed (EscalationReferred with
 * processOpened false, `awaiting-opening`), beside its own "opened pending": it says what is true.
 * A server before `status` is told nothing more than that it was referred.
 */
export function referralNote(r: { referred?: boolean; status?: ResponseStatus }): { lead: string; tail: string } | null {
  if (!r.referred) return null;
  switch (r.status) {
    case 'opened':
      return { lead: 'answered by the open process', tail: '' };
    case 'awaiting-opening':
      return { lead: 'referred to the proposed process', tail: ', not opened yet' };
    case 'closed-unopened':
      return { lead: 'referred to the proposed process', tail: ', closed without being opened' };
    case 'reversed':
      return { lead: 'referred to the proposed process', tail: ', never opened' };
    default:
      return { lead: 'referred to the process', tail: '' };
  }
}

export interface ResponseListing<R> {
  rows: R[];
  /** Rows were left out: the server had more than are shown. */
  more: boolean;
  /** Of the rows shown, how many are pending. */
  pending: number;
  /** Every row shown is pending and there are more: pending ones are among those left out. */
  morePending: boolean;
}

/**
 * What the pane shows of the rows it was answered, and whether the server has more: pending responses
 * first (the server sends them first; a server from before that sent the newest first, so the order
 * is kept here too, each group in the server's order). A watch officer must never lose sight of a
 * pending response: listed newest first, the older pending ones fell behind settled rows and out of
 * the pane without a word.
 */
export function responseListing<R extends { status?: ResponseStatus }>(answer: readonly R[], more: boolean): ResponseListing<R> {
  const rows = [...answer.filter((r) => isPendingResponse(r.status)), ...answer.filter((r) => !isPendingResponse(r.status))];
  const pending = rows.filter((r) => isPendingResponse(r.status)).length;
  return { rows, more, pending, morePending: more && rows.length > 0 && pending === rows.length };
}

/** One page of a listing and the cursor of the next (its X-Next-Cursor), null on the last. */
export interface ResponsePage<R> {
  rows: R[];
  next: string | null;
}

/**
 * The first `wanted` rows of the listing: one request up to 1,000 rows, then the next pages by their
 * cursor, and whether more follow. Read afresh on each refresh, so what the officer has asked to see
 * stays shown. A page goes on after the previous page's last row as the listing stands now, so an
 * escalation answered between two pages comes again on the later one, settled: it is shown once, as
 * the later page has it (`idOf` tells rows apart). A server from before the cursor sends none: the
 * pane then shows what it has, without "more".
 */
export async function firstResponses<R>(page: (limit: number, cursor?: string) => Promise<ResponsePage<R>>, wanted: number, idOf: (row: R) => string): Promise<{ rows: R[]; more: boolean }> {
  // Insertion order is the listing's order; a row met again is moved to where the later page put it.
  const rows = new Map<string, R>();
  let cursor: string | undefined;
  for (;;) {
    const answer = await page(Math.min(RESPONSES_PAGE_MAX, wanted - rows.size), cursor);
    for (const row of answer.rows) {
      rows.delete(idOf(row));
      rows.set(idOf(row), row);
    }
    if (!answer.next) return { rows: [...rows.values()], more: false };
    // A page of none with a cursor would be asked for again and again.
    if (rows.size >= wanted || answer.rows.length === 0) return { rows: [...rows.values()], more: true };
    cursor = answer.next;
  }
}
