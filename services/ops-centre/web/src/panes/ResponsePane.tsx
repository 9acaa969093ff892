import { useEffect, useState } from 'react';
import { apiAnswer, type Me } from '../api';
import { CountryField, emptyListing, ErrorNote, LevelBadge, RegionSelect, Section } from '../components';
import { afterFailure, listedNothing, type Listed } from '../listing-answer';
import { firstResponses, isPendingResponse, referralNote, responseListing, RESPONSES_SHOWN, type ResponseStatus } from '../response-listing';
import { fmtInstant } from '../time.format';
import { levelInfo } from '../levels';
import { useLive } from '../live-store';

interface Row {
  escalationId: string;
  country: string;
  level: number | null;
  escalatedAt: string;
  toProposedMs: number | null;
  toOpenedMs: number | null;
  /** Answered by a process already open in the country (EscalationReferred), not by a proposal of its own. */
  referred?: boolean;
  processId?: string | null;
  /** Where the response stands; only awaiting-proposal and awaiting-opening are still to come. */
  status?: ResponseStatus;
  toClosedUnopenedMs?: number | null;
  /** When its area fell back below its level before a process was opened, and to which level. */
  reversedAt?: string | null;
  reversedToLevel?: number | null;
  toReversedMs?: number | null;
}

const RESPONSES_REFRESH_MS = 15_000;
const hours = (ms: number | null) => (ms === null ? null : ms / 3_600_000);
const fmt = (h: number | null, none = 'pending') => (h === null ? none : h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`);

/** Time from each escalation to mediation proposed and opened, as bars with the values in text. */
export function ResponsePane({ me }: { me: Me }) {
  const store = useLive();
  const [answer, setAnswer] = useState<Listed<Row> & { more: boolean }>({ ...listedNothing(), more: false });
  const [error, setError] = useState<unknown>(null);
  const [show, setShow] = useState<'all' | 'pending'>('all');
  const [region, setRegion] = useState('');
  const [country, setCountry] = useState<string | undefined>();
  // How many rows the officer has asked to see of these filters: RESPONSES_SHOWN, and as many more per
  // "Show more". Another filter starts from the first rows again.
  const [asked, setAsked] = useState({ query: '', rows: RESPONSES_SHOWN });
  const filters = new URLSearchParams();
  // Asked only when chosen: a server from before ?status= refuses a parameter it does not take.
  if (show === 'pending') filters.set('status', 'pending');
  if (region) filters.set('region', region);
  if (country) filters.set('country', country);
  const query = filters.toString();
  const wanted = asked.query === query ? asked.rows : RESPONSES_SHOWN;
  useEffect(() => {
    const page = async (limit: number, cursor?: string) => {
      const q = new URLSearchParams(query);
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      const { body, headers } = await apiAnswer<Row[]>(`/response-times?${q}`);
      return { rows: body, next: headers.get('x-next-cursor') };
    };
    const load = () =>
      firstResponses(page, wanted, (r) => r.escalationId).then(
        ({ rows, more }) => {
          setAnswer({ query, rows, more });
          setError(null);
        },
        (e) => {
          setAnswer((listed) => ({ ...afterFailure(listed, query), more: listed.query === query && listed.more }));
          setError(e);
        },
      );
    void load();
    // Also on a timer: mediation's answers reach the live stream only when its filter lets them through.
    const timer = setInterval(() => void load(), RESPONSES_REFRESH_MS);
    return () => clearInterval(timer);
  }, [store.alertsTick, store.responsesTick, query, wanted]);
  const { rows, more, pending, morePending } = responseListing(answer.rows, answer.more);
  const max = Math.max(1, ...rows.map((r) => hours(r.toOpenedMs) ?? hours(r.toProposedMs) ?? 0));
  const W = 420;
  return (
    <Section
      title="Time to response"
      actions={
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Response filters">
          <label>
            Show
            <select value={show} onChange={(e) => setShow(e.target.value as 'all' | 'pending')}>
              <option value="all">All escalations, pending first</option>
              <option value="pending">Pending only</option>
            </select>
          </label>
          {me.global && <RegionSelect value={region} onChange={setRegion} />}
          <CountryField id="responses-country" value={country} onChange={setCountry} />
        </form>
      }
    >
      <ErrorNote error={error} />
      {more && (
        <p className="notice" role="status" data-testid="responses-more">
          {morePending
            ? `Showing ${rows.length} pending responses, newest first; more are pending. `
            : `Showing the first ${rows.length} escalations: the ${pending} pending first, then the newest of the rest; more exist. `}
          <button type="button" onClick={() => setAsked({ query, rows: rows.length + RESPONSES_SHOWN })}>
            Show {RESPONSES_SHOWN} more
          </button>
        </p>
      )}
      <p className="muted">Per escalation: to mediation proposed, or referred to a process already open in the country (solid bar), and to mediation opened (hatched bar), from the events' own times.</p>
      <table data-testid="response-chart">
        <thead>
          <tr><th scope="col">Escalation</th><th scope="col">Level</th><th scope="col">Escalated</th><th scope="col">To proposed / opened</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const p = hours(r.toProposedMs);
            const o = hours(r.toOpenedMs);
            const answered = r.referred ? 'referred' : 'proposed';
            // Which process answers it, and only "open" once it is (a referral to a proposal is not yet).
            const referral = referralNote(r);
            // A reversed escalation awaits nothing: an answer that never came is none, not pending.
            const none = r.status === 'reversed' ? 'none' : 'pending';
            // An opening that will never come is no pending one: say what became of it instead.
            const closed =
              r.status === 'closed-unopened'
                ? `closed without opening after ${fmt(hours(r.toClosedUnopenedMs ?? null))}`
                : r.status === 'reversed'
                  ? `no longer awaited: de-escalated to ${levelInfo(r.reversedToLevel).label.toLowerCase()} after ${fmt(hours(r.toReversedMs ?? null))}, ${fmtInstant(r.reversedAt)}`
                  : null;
            return (
              <tr key={r.escalationId} data-pending={isPendingResponse(r.status) ? 'true' : undefined}>
                <th scope="row">
                  {r.country} <span className="mono">{r.escalationId}</span>
                  {referral && <div className="muted" data-testid="referral">{referral.lead} <span className="mono">{r.processId}</span>{referral.tail}</div>}
                </th>
                <td><LevelBadge level={r.level} /></td>
                <td>{fmtInstant(r.escalatedAt)}</td>
                <td>
                  {r.status === 'not-warranted' ? (
                    <span>No response due: below the level mediation answers</span>
                  ) : (
                    <svg width={W} height={26} role="img" aria-label={`${answered} after ${fmt(p, none)}, ${closed ?? `opened after ${fmt(o)}`}`}>
                      <defs>
                        <pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                          <rect width="5" height="5" fill="#9ecae1" />
                          <line x1="0" y1="0" x2="0" y2="5" stroke="#08306b" strokeWidth="1.5" />
                        </pattern>
                      </defs>
                      {p !== null && <rect x={0} y={2} height={10} width={Math.max(2, (p / max) * (W - 120))} fill="#08519c" />}
                      {o !== null && <rect x={0} y={14} height={10} width={Math.max(2, (o / max) * (W - 120))} fill="url(#hatch)" stroke="#08306b" />}
                      <text x={W - 115} y={11} fontSize="11">{answered} {fmt(p, none)}</text>
                      <text x={W - 115} y={24} fontSize="11">{r.status === 'reversed' ? 'reversed' : closed ? 'never opened' : `opened ${fmt(o)}`}</text>
                    </svg>
                  )}
                  {closed && <div className="muted">{closed}</div>}
                </td>
              </tr>
            );
          })}
          {!rows.length && !error && <tr><td colSpan={4} className="muted">{emptyListing(me, 'escalations', 'No escalations yet.')}</td></tr>}
        </tbody>
      </table>
    </Section>
  );
}
