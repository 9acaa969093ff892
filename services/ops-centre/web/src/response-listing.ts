/** Where the response to an escalation stands, as `GET /response-times` says it. */
export type ResponseStatus = 'awaiting-proposal' | 'awaiting-opening' | 'opened' | 'closed-unopened' | 'not-warranted' | 'reversed';

/** Escalations the Time to response pane lists; one more is asked for, to know whether there are more. */
export const RESPONSES_SHOWN = 50;

/** Still to come: a proposal (or referral), or the opening of the process that answers it. */
export const isPendingResponse = (status: ResponseStatus | undefined): boolean => status === 'awaiting-proposal' || status === 'awaiting-opening';

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
 * What the pane shows of an answer asked for with `limit=shown + 1`: pending responses first (the
 * server sends them first; a server from before that sent the newest first, so the order is kept
 * here too, each group in the server's order), at most `shown`, and whether more exist. A watch
 * officer must never lose sight of a pending response: listed newest first, the older pending ones
 * fell behind settled rows and out of the pane without a word.
 */
export function responseListing<R extends { status?: ResponseStatus }>(answer: readonly R[], shown = RESPONSES_SHOWN): ResponseListing<R> {
  const pendingFirst = [...answer.filter((r) => isPendingResponse(r.status)), ...answer.filter((r) => !isPendingResponse(r.status))];
  const rows = pendingFirst.slice(0, shown);
  const pending = rows.filter((r) => isPendingResponse(r.status)).length;
  const more = answer.length > shown;
  return { rows, more, pending, morePending: more && pending === rows.length };
}
