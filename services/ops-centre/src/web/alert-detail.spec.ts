import { describe, expect, it } from 'vitest';
import { ActionKeys, alertChanged, asNowStanding, auditDetail, auditLimited, auditUnread, isStale, newComments, unanswered, type AlertState } from '../../web/src/alert-detail';

/** An error as api.ts's ApiError carries it: the message the API answered, and the HTTP status. */
const apiError = (status: number, message: string) => Object.assign(new Error(message), { status });

const alert: AlertState & Record<string, unknown> = {
  id: 'a1', escalationId: 'e1', country: 'TCD', admin1: null, region: 'africa', level: 3, levelName: 'high', score: 0.8, drivers: [],
  openedAt: '2026-11-28T08:00:00.000Z', status: 'acknowledged', assignee: null, acknowledgedBy: 'officer-1', acknowledgedAt: '2026-11-28T08:01:00.000Z',
  closedBy: null, closedAt: null, closeReason: null, clearedAt: null, clearedToLevel: null, clearedToLevelName: null,
  comments: [{ id: 1, author: 'officer-1', body: 'On it.', at: '2026-11-28T08:02:00.000Z' }],
};
/** The alert as GET /alerts lists it: its comments counted, not answered. */
const { comments: _comments, ...withoutComments } = alert;
const listed: AlertState & Record<string, unknown> = { ...withoutComments, commentCount: 1 };

describe("the console's alert detail, following what other officers do", () => {
  it('sees no change in the alert as the list answers it, comments aside (a listed alert has none)', () => {
    expect(alertChanged(alert, listed)).toBe(false);
    // A server before de-escalations sent no clearedAt: absent reads as none.
    expect(alertChanged(alert, { ...listed, clearedAt: undefined, clearedToLevel: undefined })).toBe(false);
  });

  it('sees another officer close, assign, or a de-escalation clear the alert', () => {
    expect(alertChanged(alert, { ...listed, status: 'closed', closedBy: 'officer-2', closedAt: '2026-11-28T09:00:00.000Z', closeReason: 'Duplicate' })).toBe(true);
    expect(alertChanged(alert, { ...listed, assignee: 'officer-9' })).toBe(true);
    expect(alertChanged(alert, { ...listed, clearedAt: '2026-11-28T09:00:00.000Z', clearedToLevel: 1 })).toBe(true);
  });

  it('keeps the comments it had when it shows the alert as listed', () => {
    const now = asNowStanding(alert, { ...listed, status: 'closed' });
    expect(now.status).toBe('closed');
    expect(now.comments).toEqual(alert.comments);
  });

  it('sees another officer comment by the count the list answers, and nothing when the count is the one shown', () => {
    expect(newComments(alert, listed)).toBe(false);
    expect(newComments(alert, { ...listed, commentCount: 2 })).toBe(true);
    // The detail's own comment, shown from the action's answer, is in the count: not new.
    expect(newComments({ ...alert, comments: [...(alert.comments ?? []), { id: 2 }] }, { ...listed, commentCount: 2 })).toBe(false);
    // A server before the count answers none: no change is seen, rather than a view read every refresh.
    expect(newComments(alert, withoutComments)).toBe(false);
  });

  it('takes a 409 as the alert having changed under the officer, and nothing else', () => {
    expect(isStale(apiError(409, 'alert is closed; cannot assign'))).toBe(true);
    expect(isStale(apiError(400, 'assignee must have a visible character'))).toBe(false);
    expect(isStale(new TypeError('Failed to fetch'))).toBe(false);
  });
});

describe("the console's alert audit trail", () => {
  it('says to whom an alert was assigned, why it was closed and what was commented', () => {
    expect(auditDetail({ action: 'assign', detail: { assignee: 'officer-7', previousAssignee: null } })).toBe('to officer-7');
    expect(auditDetail({ action: 'assign', detail: { assignee: 'officer-7', previousAssignee: 'officer-2' } })).toBe('to officer-7 (was officer-2)');
    expect(auditDetail({ action: 'close', detail: { reason: 'Mediation opened' } })).toBe('reason: “Mediation opened”');
    expect(auditDetail({ action: 'close', detail: { reason: null } })).toBe('no reason given');
    expect(auditDetail({ action: 'comment', detail: { body: 'Field office confirms clashes.' } })).toBe('“Field office confirms clashes.”');
    expect(auditDetail({ action: 'view', detail: { roles: ['watch-officer'], country: 'TCD' } })).toBeNull();
    expect(auditDetail({ action: 'acknowledge', detail: {} })).toBeNull();
  });

  it("tells a reader whose role may not read it so, and any other failure as what it is", () => {
    expect(auditUnread(apiError(403, 'requires one of the roles: watch-officer, global-watch-officer, auditor'))).toBe(
      'Your role may not read the audit trail (requires one of the roles: watch-officer, global-watch-officer, auditor).',
    );
    expect(auditUnread(apiError(503, 'service unavailable'))).toBe('The audit trail could not be read: service unavailable.');
  });

  it("says a trail holds the reader's own entries alone when the audit answers no entries of the alert's desk", () => {
    // An asia-pacific officer who may see every desk, on an African alert another officer acknowledged.
    expect(auditLimited('africa', 'asia-pacific')).toBe(
      "Only your own entries are shown: you may read the audit of asia-pacific alone, not that of africa's alerts, so what other officers did on this alert is not listed here.",
    );
    expect(auditLimited('africa', 'none')).toBe(
      "Only your own entries are shown: you may read no desk's audit, not that of africa's alerts, so what other officers did on this alert is not listed here.",
    );
    expect(auditLimited(null, 'europe-central-asia')).toMatch(/not that of alerts of no regional desk,/);
    // The whole trail: the alert's desk's entries, or every desk's; nothing to go by without the header.
    expect(auditLimited('africa', 'africa')).toBeNull();
    expect(auditLimited('africa', 'asia-pacific,africa')).toBeNull();
    expect(auditLimited(null, '*')).toBeNull();
    expect(auditLimited('africa', null)).toBeNull();
  });
});

describe("the console's alert actions, retried", () => {
  it('sends an action pressed again after no answer came with the same Idempotency-Key, and a new one once it was answered', () => {
    let n = 0;
    const keys = new ActionKeys(() => `k${++n}`);
    const first = keys.keyFor('a1', 'comments', { body: 'On it.' });
    // Pressed again (a double click, or after the network dropped the request): the same key.
    expect(keys.keyFor('a1', 'comments', { body: 'On it.' })).toBe(first);
    // Another action, body or alert is another action.
    expect(new Set([keys.keyFor('a1', 'comments', { body: 'Other.' }), keys.keyFor('a2', 'comments', { body: 'On it.' }), keys.keyFor('a1', 'acknowledge', undefined)]).size).toBe(3);
    expect(keys.keyFor('a1', 'comments', { body: 'On it.' })).toBe(first);
    keys.answered('a1', 'comments', { body: 'On it.' });
    // The same words again after an answer are a second comment the officer means.
    expect(keys.keyFor('a1', 'comments', { body: 'On it.' })).not.toBe(first);
  });

  it('takes a failure with no HTTP status as unanswered (it may have been applied), and any answer as answered', () => {
    expect(unanswered(new TypeError('Failed to fetch'))).toBe(true);
    expect(unanswered(apiError(409, 'alert is closed'))).toBe(false);
    expect(unanswered(apiError(503, 'service unavailable'))).toBe(false);
  });
});
