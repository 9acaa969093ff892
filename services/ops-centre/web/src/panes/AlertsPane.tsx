import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, apiAllPagesAnswer, ApiError, type Alert, type AuditEntry, type Me } from '../api';
import { ClearedNote, CountryField, DataAttribution, emptyListing, ErrorNote, LevelBadge, RegionSelect, Section } from '../components';
import { fmtInstant } from '../time.format';
import { useLive } from '../live-store';
import { afterFailure, listedNothing, type Listed } from '../listing-answer';
import { mayActOnAlert } from '../../../src/access/alert-acting';
import { ActionKeys, alertChanged, asNowStanding, auditDetail, auditLimited, auditUnread, isStale, newComments, unanswered } from '../alert-detail';
import { lookUpAlert } from '../alert-lookup';
import { keptWork, type DraftField } from '../kept-work';

/** How often the list is read again whatever the stream says. */
const ALERTS_REFRESH_MS = 15_000;
/**
 * Alerts listed. One more is asked for, to know whether there are more: the server sends those not
 * cleared by a de-escalation first, then the cleared, each highest level and newest first, so what is
 * cut off is the oldest of the lowest, and would vanish unannounced.
 */
const SHOWN = 200;
/** The most entries GET /audit answers in one page. */
const AUDIT_PAGE = 1000;

export function AlertsPane({ me }: { me: Me }) {
  const store = useLive();
  const [status, setStatus] = useState('active');
  const [region, setRegion] = useState('');
  const [country, setCountry] = useState<string | undefined>();
  const [listed, setListed] = useState<Listed<Alert>>(listedNothing());
  const alerts = listed.rows;
  const [listError, setListError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Alert | null>(null);
  // The alert shown, for answers that arrive after another was opened (theirs are dropped), and how
  // many times one was shown: an answer to a request made before the last (a list read as the officer
  // acknowledged) would show the alert as it was before it.
  const selectedRef = useRef<Alert | null>(null);
  const shownCount = useRef(0);
  const [assignee, setAssignee] = useState('');
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  // The alert open and its unsent text, kept across a session's end (kept-work.ts).
  const kept = useMemo(() => keptWork(), []);
  const show = useCallback(
    (a: Alert) => {
      const another = selectedRef.current?.id !== a.id;
      selectedRef.current = a;
      shownCount.current += 1;
      setSelected(a);
      if (another) {
        // Each alert's forms hold its own unsent text: a comment begun on one is not sent on the next.
        const draft = kept.draft(me.subject, a.id);
        setAssignee(draft.assignee ?? '');
        setComment(draft.comment ?? '');
        setReason(draft.reason ?? '');
        kept.select(me.subject, a.id);
      }
    },
    [kept, me.subject],
  );
  // `desks`: whose entries the trail holds (the API's X-Audit-Desks), to say when it is the reader's own alone.
  const [audit, setAudit] = useState<{ entries: AuditEntry[]; error: unknown; desks: string | null }>({ entries: [], error: null, desks: null });
  const detailRef = useRef<HTMLDivElement>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const [refocus, setRefocus] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const actionKeys = useRef(new ActionKeys(() => crypto.randomUUID()));
  const setters: Record<DraftField, (v: string) => void> = { assignee: setAssignee, comment: setComment, reason: setReason };
  /** The officer typed into `field` of the alert shown: kept until sent. */
  const typed = (field: DraftField) => (e: { target: { value: string } }) => {
    setters[field](e.target.value);
    if (selectedRef.current) kept.keep(me.subject, selectedRef.current.id, field, e.target.value);
  };
  /** `field` of alert `id` was sent: no longer a draft (nor in the form, if that alert is still shown). */
  const sent = (field: DraftField, id: string) => (done: boolean) => {
    if (!done) return;
    kept.sent(me.subject, id, field);
    if (selectedRef.current?.id === id) setters[field]('');
  };

  /**
   * The alert's whole trail, every page of it: each view is audited, so a much-read alert has more
   * entries than one page holds, and its oldest (who acknowledged it, who first took it) were cut off.
   * A reader who may not read it is told so: an empty trail read as "nobody acted on this alert".
   */
  const loadAudit = useCallback(async (id: string) => {
    const answer = await apiAllPagesAnswer<AuditEntry>(`/audit?alertId=${id}&limit=${AUDIT_PAGE}`, (a) => String(a.id)).then(
      ({ rows, headers }) => ({ entries: rows, error: null, desks: headers?.get('X-Audit-Desks') ?? null }),
      (error: unknown) => ({ entries: [], error, desks: null }),
    );
    if (selectedRef.current?.id === id) setAudit(answer);
  }, []);

  /**
   * Shows the alert as it now stands (`current`, null when not found, read by a request made when the
   * detail had shown `asked` alerts), and its trail, if it changed since. If the control the officer was on went with the change (the
   * actions of an alert closed meanwhile), focus moves to the status rather than drop to the page.
   */
  const showCurrent = useCallback(
    async (shown: Alert, current: Alert | null, asked: number) => {
      const now = selectedRef.current;
      if (!current || asked !== shownCount.current || now?.id !== shown.id) return;
      const commented = newComments(now, current);
      if (!commented && !alertChanged(now, current)) return;
      const focused = detailRef.current?.contains(document.activeElement) ?? false;
      if (commented) {
        // Another officer's comment: only the alert itself answers its text (a view, audited as one).
        const viewed = await api<Alert>(`/alerts/${shown.id}`).catch(() => null);
        if (!viewed || asked !== shownCount.current || selectedRef.current?.id !== shown.id) return;
        show(viewed);
      } else {
        show(asNowStanding(now, current));
      }
      if (focused) setRefocus((n) => n + 1);
      await loadAudit(shown.id);
    },
    [loadAudit, show],
  );

  /**
   * The detail follows what other officers do to the alert, which no stream carries: from the list
   * when it is listed; else (it left the filter: closed, say) looked up among its country's alerts,
   * not by GET /alerts/:id, which would audit a view per refresh that nobody made (it is read only
   * when another officer commented, to show the comment). A closed alert not listed is not looked
   * up: no action changes it any more.
   */
  const follow = useCallback(
    async (rows: Alert[], asked: number) => {
      const shown = selectedRef.current;
      if (!shown) return;
      const listed = rows.find((a) => a.id === shown.id);
      if (listed) return showCurrent(shown, listed, asked);
      if (shown.status === 'closed') return;
      const lookup = shownCount.current;
      await showCurrent(shown, await lookUpAlert(shown).catch(() => null), lookup);
    },
    [showCurrent],
  );

  useEffect(() => {
    if (!refocus) return;
    const at = document.activeElement;
    // The control acted on is gone (Acknowledge once acknowledged, every action once closed).
    if (!at || at === document.body || !at.isConnected) statusRef.current?.focus();
  }, [refocus]);

  const reload = useCallback(() => {
    const q = new URLSearchParams({ status, limit: String(SHOWN + 1) });
    if (region) q.set('region', region);
    if (country) q.set('country', country);
    const query = q.toString();
    const asked = shownCount.current;
    return api<Alert[]>(`/alerts?${query}`).then(
      (rows) => {
        setListed({ query, rows });
        setListError(null);
        void follow(rows, asked);
      },
      (e) => {
        setListed((before) => afterFailure(before, query));
        setListError(e);
      },
    );
  }, [status, region, country, follow]);
  useEffect(() => {
    void reload();
  }, [reload, store.alertsTick]);
  // The stream only hints at new alerts (and only for what the Live filter lets through); what other
  // officers did to alerts arrives by no stream at all.
  useEffect(() => {
    const timer = setInterval(() => void reload(), ALERTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  /** Opening an alert is a view, and the server audits it as one. */
  const open = useCallback(
    async (id: string) => {
      setError(null);
      try {
        show(await api<Alert>(`/alerts/${id}`));
        setAudit({ entries: [], error: null, desks: null });
        await loadAudit(id);
      } catch (e) {
        setError(e);
        // Gone, or no longer the officer's to read: not opened again at the next sign-in.
        if (e instanceof ApiError && (e.status === 404 || e.status === 403) && kept.selected(me.subject) === id) kept.select(me.subject, null);
      }
    },
    [show, loadAudit, kept, me.subject],
  );
  // Signed in again after the session ended: the alert that was open is open again, with its drafts.
  useEffect(() => {
    const id = kept.selected(me.subject);
    if (id) void open(id);
  }, [kept, me.subject, open]);
  /**
   * Whether the action was taken: a form keeps what the officer typed when it was not. The action
   * answers the alert as it left it; fetching it again would audit a view the officer did not make.
   * Refused as stale (409: another officer closed it meanwhile), the detail shows the alert as it
   * now stands, beside the refusal, rather than keep offering what it no longer allows.
   */
  const act = async (path: string, body?: unknown): Promise<boolean> => {
    const shown = selectedRef.current;
    if (!shown) return false;
    setError(null);
    const focused = detailRef.current?.contains(document.activeElement) ?? false;
    const key = actionKeys.current.keyFor(shown.id, path, body);
    try {
      const acted = await api<Alert>(`/alerts/${shown.id}/${path}`, { method: 'POST', body: body ? JSON.stringify(body) : undefined, headers: { 'Idempotency-Key': key } });
      actionKeys.current.answered(shown.id, path, body);
      // Another alert opened meanwhile stays shown.
      if (selectedRef.current?.id === shown.id) {
        show(acted);
        if (focused) setRefocus((n) => n + 1);
      }
    } catch (e) {
      // Refused, the action applied nothing; unanswered, it may have been: pressed again, it keeps its key.
      if (!unanswered(e)) actionKeys.current.answered(shown.id, path, body);
      setError(e);
      if (isStale(e)) {
        const asked = shownCount.current;
        await showCurrent(shown, await lookUpAlert(shown).catch(() => null), asked);
        await reload();
      }
      return false;
    }
    await loadAudit(shown.id);
    await reload();
    return true;
  };

  // A trail of the reader's own entries alone (another desk's alert) says so: shown as the whole
  // trail, it read as "nobody acted" beside a status another officer's action had set.
  const limited = selected ? auditLimited(selected.region, audit.desks) : null;

  return (
    <Section
      title="Alert triage"
      actions={
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Alert filters">
          <label>
            Show
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="active">Open and acknowledged</option>
              <option value="open">Open</option>
              <option value="acknowledged">Acknowledged</option>
              <option value="closed">Closed</option>
              <option value="all">All</option>
            </select>
          </label>
          {me.global && (
            <RegionSelect value={region} onChange={setRegion} />
          )}
          <CountryField id="alerts-country" value={country} onChange={setCountry} />
        </form>
      }
    >
      <ErrorNote error={listError} />
      <ErrorNote error={error} />
      {alerts.length > SHOWN && (
        <p className="notice" role="status" data-testid="alerts-more">
          Showing the first {SHOWN} alerts, highest level and newest first (de-escalated ones last); more exist: narrow by {me.global ? 'region, ' : ''}country or status to see the others.
        </p>
      )}
      <div className="split">
        <div className="table-wrap" tabIndex={0} aria-label="Alerts">
          <table data-testid="alerts">
            <thead>
              <tr><th scope="col">Country</th><th scope="col">Level</th><th scope="col">Status</th><th scope="col">Assignee</th><th scope="col">Opened</th></tr>
            </thead>
            <tbody>
              {alerts.slice(0, SHOWN).map((a) => (
                <tr key={a.id} data-alert-id={a.id} data-escalation-id={a.escalationId} data-cleared={a.clearedAt ? 'true' : undefined} aria-selected={selected?.id === a.id}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => open(a.id)}>
                      {a.country}{a.admin1 ? ` / ${a.admin1}` : ''}
                    </button>
                  </th>
                  <td><LevelBadge level={a.level} /></td>
                  <td>
                    {a.status}
                    {a.clearedAt && <div><ClearedNote at={a.clearedAt} toLevel={a.clearedToLevel} /></div>}
                  </td>
                  <td>{a.assignee ?? '–'}</td>
                  <td>{fmtInstant(a.openedAt)}</td>
                </tr>
              ))}
              {!alerts.length && !listError && <tr><td colSpan={5} className="muted">{emptyListing(me, 'alerts', 'No alerts.')}</td></tr>}
            </tbody>
          </table>
        </div>
        <div className="detail" aria-live="polite" ref={detailRef}>
          {!selected && <p className="muted">Select an alert to see it (viewing is audited).</p>}
          {selected && (
            <div data-testid="alert-detail" data-status={selected.status}>
              <h3>
                {selected.country}{selected.admin1 ? ` / ${selected.admin1}` : ''} <LevelBadge level={selected.level} />
              </h3>
              <p tabIndex={-1} ref={statusRef} data-testid="alert-status-line">
                Status <strong data-testid="alert-status">{selected.status}</strong> · score {selected.score.toFixed(2)} · opened {fmtInstant(selected.openedAt)}
                {selected.acknowledgedBy && <> · acknowledged by {selected.acknowledgedBy}</>}
                {selected.assignee && <> · assigned to {selected.assignee}</>}
              </p>
              {selected.clearedAt && (
                // Still the officer's to look at and close: the area fell back, the alert is not gone.
                <p className="notice">
                  The area no longer stands at this level: <ClearedNote at={selected.clearedAt} toLevel={selected.clearedToLevel} />.
                </p>
              )}
              {selected.status === 'closed' && (
                // Who closed it and why: the next shift reads this before deciding to let it rest.
                <p data-testid="alert-closed">
                  Closed by <strong>{selected.closedBy ?? 'unknown'}</strong> on {fmtInstant(selected.closedAt)}: {selected.closeReason ? <q>{selected.closeReason}</q> : <span className="muted">no reason given</span>}
                </p>
              )}
              <h4>Drivers</h4>
              <ul>{selected.drivers.map((d, i) => <li key={i}>{d.label || d.kind} ({d.count} signals, weight {d.weight})</li>)}</ul>
              <DataAttribution owed={[selected.attributions]} testId="alert-attribution" />
              {!mayActOnAlert(me, selected.region) && mayActOnAlert(me, me.region) && selected.status !== 'closed' && (
                <p className="muted" data-testid="alert-not-yours">You may read this alert; acting on it is for the {selected.region ?? 'global'} desk.</p>
              )}
              {mayActOnAlert(me, selected.region) && selected.status !== 'closed' && (
                <div className="actions">
                  {selected.status === 'open' && <button type="button" onClick={() => act('acknowledge')}>Acknowledge</button>}
                  <form onSubmit={(e) => { e.preventDefault(); if (assignee) void act('assign', { assignee }).then(sent('assignee', selected.id)); }}>
                    <label>Assign to <input value={assignee} onChange={typed('assignee')} /></label>
                    <button type="submit">Assign</button>
                  </form>
                  <form onSubmit={(e) => { e.preventDefault(); if (comment) void act('comments', { body: comment }).then(sent('comment', selected.id)); }}>
                    <label>Comment <textarea value={comment} onChange={typed('comment')} rows={2} /></label>
                    <button type="submit">Add comment</button>
                  </form>
                  <form onSubmit={(e) => { e.preventDefault(); void act('close', reason ? { reason } : {}).then(sent('reason', selected.id)); }}>
                    <label>Close reason <input value={reason} onChange={typed('reason')} /></label>
                    <button type="submit">Close alert</button>
                  </form>
                </div>
              )}
              <h4>Comments</h4>
              <ul>{(selected.comments ?? []).map((c) => <li key={c.id}><strong>{c.author}</strong> ({fmtInstant(c.at)}): {c.body}</li>)}</ul>
              <h4>Audit</h4>
              {audit.error ? (
                <p className="muted" data-testid="alert-audit-unread">{auditUnread(audit.error)}</p>
              ) : (
                <>
                  {limited && <p className="muted" data-testid="alert-audit-limited">{limited}</p>}
                  <ol data-testid="alert-audit">
                    {audit.entries.map((a) => {
                      const detail = auditDetail(a);
                      return (
                        <li key={a.id} data-action={a.action}>
                          {fmtInstant(a.at)} · {a.actor} · {a.action}{detail && <>: {detail}</>}
                        </li>
                      );
                    })}
                  </ol>
                </>
              )}
            </div>
          )}
        </div>
      </div>
    </Section>
  );
}
