/*
 * The alert detail's rules, importing nothing of the console's: their unit test runs in Node, and
 * api.ts needs the browser's types. An `Alert` and an `AuditEntry` of api.ts fit the shapes here.
 */

/** What the detail shows of an alert that other officers, or a de-escalation, can change. */
export interface AlertState {
  id: string;
  status: string;
  level: number;
  score: number;
  assignee: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  closeReason: string | null;
  clearedAt?: string | null;
  clearedToLevel?: number | null;
  comments?: unknown[];
  /** How many comments it has; a listed alert answers the count, not the comments (absent from a server before it). */
  commentCount?: number;
}

/**
 * What the alert detail shows of an alert that can change under it: other officers act on alerts,
 * and nothing streams what they did. Comments are compared by their count (newComments): a listed
 * alert has no comments, and only the audited GET /alerts/:id answers them.
 */
const FIELDS = ['status', 'level', 'score', 'assignee', 'acknowledgedBy', 'acknowledgedAt', 'closedBy', 'closedAt', 'closeReason', 'clearedAt', 'clearedToLevel'] as const;

/** Whether `current` (as the list answers the alert now) differs from the alert the detail shows. */
export const alertChanged = (shown: AlertState, current: AlertState): boolean => FIELDS.some((f) => (shown[f] ?? null) !== (current[f] ?? null));

/**
 * Whether the alert as listed now (`current`) has comments the detail does not show: another officer
 * commented since it was opened. Only GET /alerts/:id answers them, and reading it is a view the
 * audit records: the officer is shown what was written, so it is one. A server that answers no count
 * is taken as no change.
 */
export const newComments = (shown: AlertState, current: AlertState): boolean =>
  current.commentCount !== undefined && current.commentCount !== (shown.comments?.length ?? shown.commentCount);

/** The alert as it now stands, with the comments the detail already had (a listed alert has none). */
export const asNowStanding = <A extends AlertState>(shown: A, current: A): A => ({ ...current, comments: current.comments ?? shown.comments });

/** The HTTP status an API error (api.ts's ApiError) carries; undefined for a failure of the network. */
const statusOf = (error: unknown): number | undefined => (error instanceof Error && 'status' in error && typeof error.status === 'number' ? error.status : undefined);

/** Whether an action was refused because the alert is no longer as the detail shows it (closed, acknowledged already). */
export const isStale = (error: unknown): boolean => statusOf(error) === 409;

/**
 * Why the audit trail is not shown. A reader without audit rights (a `global-viewer`) is told so:
 * an empty trail read as "nobody has acted on this alert".
 */
export const auditUnread = (error: unknown): string => {
  const why = error instanceof Error ? error.message : String(error);
  return statusOf(error) === 403 ? `Your role may not read the audit trail (${why}).` : `The audit trail could not be read: ${why}.`;
};

/**
 * What an alert's trail leaves out, from the audit's X-Audit-Desks header (the desks whose entries
 * the answer holds, `*` for every desk's; a reader's own entries on any desk come besides): null when
 * it holds the alert's desk's entries, else that it lists the reader's own entries alone. A regional
 * officer who may see other desks (a `global-viewer`) was shown its own views as an African alert's
 * whole trail, beside a status line that said another officer had acknowledged it: "nobody acted".
 * Null too when there is no header to go by (a server before it).
 */
export const auditLimited = (alertRegion: string | null, desks: string | null): string | null => {
  if (desks === null) return null;
  const named = desks.split(',').map((d) => d.trim()).filter((d) => d !== '' && d !== 'none');
  if (named.includes('*') || (alertRegion !== null && named.includes(alertRegion))) return null;
  const readable = named.length ? `the audit of ${named.join(', ')} alone` : "no desk's audit";
  const ofAlert = alertRegion ? `${alertRegion}'s alerts` : "alerts of no regional desk";
  return `Only your own entries are shown: you may read ${readable}, not that of ${ofAlert}, so what other officers did on this alert is not listed here.`;
};

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What an audit entry says beyond its time, actor and action: to whom an alert was assigned, why it was closed, what was commented. */
export const auditDetail = (entry: { action: string; detail: Record<string, unknown> | null }): string | null => {
  const d = entry.detail ?? {};
  if (entry.action === 'assign') {
    const to = text(d.assignee);
    const from = text(d.previousAssignee);
    return to ? `to ${to}${from ? ` (was ${from})` : ''}` : null;
  }
  if (entry.action === 'close') return text(d.reason) ? `reason: “${d.reason}”` : 'no reason given';
  if (entry.action === 'comment') return text(d.body) ? `“${d.body}”` : null;
  return null;
};

/**
 * One Idempotency-Key per action the officer means to take: pressing the button again after a request
 * that got no answer (the network dropped it, and it may have been applied) sends the same key, so
 * the server applies the comment or the assignment once and answers the first response. An answer,
 * taken or refused, ends the key: the next press is a new action. Two presses before any answer
 * share the key too, so a double click comments once.
 */
export class ActionKeys {
  private readonly pending = new Map<string, string>();

  constructor(private readonly newKey: () => string) {}

  /** The key of this action on this alert with this body: the pending one, or a new one. */
  keyFor(alertId: string, action: string, body: unknown): string {
    const what = `${alertId} ${action} ${JSON.stringify(body ?? null)}`;
    let key = this.pending.get(what);
    if (key === undefined) {
      key = this.newKey();
      this.pending.set(what, key);
    }
    return key;
  }

  /** The server answered the action (whatever it answered): a new press is a new action. */
  answered(alertId: string, action: string, body: unknown): void {
    this.pending.delete(`${alertId} ${action} ${JSON.stringify(body ?? null)}`);
  }
}

/** Whether an action's failure leaves it unknown whether the server applied it: no answer came. */
export const unanswered = (error: unknown): boolean => statusOf(error) === undefined;
