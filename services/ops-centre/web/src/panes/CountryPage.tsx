import { useEffect, useState } from 'react';
import { api, type HistoryPoint, type RiskRow } from '../api';
import { ClearedNote, CountryField, DataAttribution, ErrorNote, LevelBadge, Section, Sparkline } from '../components';
import { fmtDay, fmtInstant } from '../time.format';
import { useLive } from '../live-store';

/** A mediation process (GET /countries/:iso3 `mediation`). */
interface Aggregate {
  id: string;
  /** Its status (null when the timeline no longer holds the event that set it). */
  state: string | null;
  since: string;
  payload: Record<string, unknown>;
  /** Its area (null: the whole country), lead, and newest event, which need not move its status. */
  admin1?: string | null;
  lead?: string | null;
  lastEvent?: { name: string; at: string };
}

/** An election by its newest event (`elections`): ids are electoral support's own free text, shown whole. */
interface Election {
  id: string;
  state: string;
  since: string;
  kind: string | null;
  admin1: string | null;
  scheduledFor: string | null;
  postponedFrom: string | null;
  reason: string | null;
}

/** A partner engagement by its newest event (`partnerships`): ids are partnerships' own free text, shown whole; since is its own start. */
interface Engagement {
  id: string;
  since: string;
  partner: string | null;
  kind: string | null;
  description: string | null;
}

/**
 * The page is read again this often as well as on the country's live events: with the live pane paused
 * or filtered to other countries or types no such event comes, and the page kept an old level beside
 * a board that showed the new one.
 */
const COUNTRY_REFRESH_MS = 15_000;

/** A process's events that set its status: its status already says them. */
const STATUS_EVENT_NAMES = new Set(['mediation-proposed', 'mediation-opened', 'mediation-suspended', 'mediation-resumed', 'mediation-concluded']);
interface CountryView {
  country: string;
  name: string;
  region: string | null;
  risk: { admin1: string | null; level: number; score: number; history: HistoryPoint[]; levelChangedAt: string | null; trend: RiskRow['trend']; trendDelta: number }[];
  /** How many alerts the country has; the page lists the newest of them. */
  alertCount?: number;
  alerts: { id: string; escalationId: string; admin1: string | null; level: number; status: string; assignee: string | null; openedAt: string; clearedAt?: string | null; clearedToLevel?: number | null }[];
  mediation: Aggregate[];
  elections: Election[];
  partnerships: Engagement[];
  timeline: { eventId: string; name: string; source: string; occurredAt: string; traceId: string | null; payload: Record<string, unknown> }[];
  /** What the data its risk was built from owes (ACLED's attribution); absent from a server before it. */
  attributions?: string[];
}

function Aggregates({ title, rows, empty }: { title: string; rows: Aggregate[]; empty: string }) {
  return (
    <div>
      <h3>{title}</h3>
      {rows.length ? (
        <ul>
          {rows.map((r) => (
            <li key={r.id}>
              <strong>{r.state ?? 'status unknown'}</strong> since {fmtInstant(r.since)} <span className="mono" title={r.id}>({r.id.slice(0, 8)})</span>
              {r.admin1 !== undefined && ` · ${r.admin1 ?? 'National'}`}
              {(() => {
                const lead = r.lead ?? (typeof r.payload.lead === 'string' ? r.payload.lead : null);
                return lead ? ` · lead ${lead}` : '';
              })()}
              {r.lastEvent && !STATUS_EVENT_NAMES.has(r.lastEvent.name) && <span className="muted"> · last: {r.lastEvent.name} {fmtInstant(r.lastEvent.at)}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{empty}</p>
      )}
    </div>
  );
}

/**
 * Each election with its whole id (free text: cut to 8 characters, TCD-PRES-2026 and TCD-PRES-2031
 * read alike), its kind and area, and its polling day as it stands.
 */
function Elections({ rows }: { rows: Election[] }) {
  return (
    <div>
      <h3>Elections</h3>
      {rows.length ? (
        <ul>
          {rows.map((r) => (
            <li key={r.id} data-election-id={r.id}>
              <strong>{r.state}</strong> since {fmtInstant(r.since)} <span className="mono">({r.id})</span> · {r.kind ?? 'kind not given'} · {r.admin1 ?? 'National'} · polling day{' '}
              {r.scheduledFor ? fmtDay(r.scheduledFor) : 'not set'}
              {r.postponedFrom && <span className="muted"> · postponed from {fmtDay(r.postponedFrom)}{r.reason ? `: ${r.reason}` : ''}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No election events yet (electoral support).</p>
      )}
    </div>
  );
}

/**
 * Each engagement with its whole id (free text: UNDP-TCD-2026-01 and -02 both read UNDP-TCD cut to 8
 * characters), who engages in what, and since the engagement's own start, not its publication.
 */
function Engagements({ rows }: { rows: Engagement[] }) {
  return (
    <div>
      <h3>Partner engagements</h3>
      {rows.length ? (
        <ul>
          {rows.map((r) => (
            <li key={r.id} data-engagement-id={r.id}>
              <strong>{r.partner ?? 'partner not named'}</strong> · {r.kind ?? 'kind not given'} · since {fmtInstant(r.since)} <span className="mono">({r.id})</span>
              {r.description && ` · ${r.description}`}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No partner engagement yet (partnerships).</p>
      )}
    </div>
  );
}

export function CountryPage({ country, onCountry }: { country: string; onCountry: (c: string) => void }) {
  const store = useLive();
  const [view, setView] = useState<CountryView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [input, setInput] = useState(country);
  // Refetch when this country's events arrive (coalesced by the store's render batching).
  const relevant = store.events.find((e) => e.country === country)?.id;
  useEffect(() => {
    if (!country) return;
    const load = () => api<CountryView>(`/countries/${country}`).then((v) => { setView(v); setError(null); }, setError);
    void load();
    const timer = setInterval(() => void load(), COUNTRY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [country, relevant]);

  return (
    <Section title={`Country ${view?.name ?? country}`}>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          // Anything else the field says is not applied (the shared field's hint), rather than ignoring it.
          if (/^[A-Za-z]{3}$/.test(input)) onCountry(input.toUpperCase());
        }}
      >
        <CountryField id="country-page-country" value={country} onChange={() => undefined} onText={setInput} />
        <button type="submit">Open</button>
      </form>
      <ErrorNote error={error} />
      {view && (
        <div className="country-grid">
          <div>
            <h3>Risk</h3>
            <p>Region: {view.region ?? 'none'}</p>
            <table>
              <thead>
                <tr><th scope="col">Area</th><th scope="col">Level</th><th scope="col">Score</th><th scope="col">Trend</th><th scope="col">Since</th></tr>
              </thead>
              <tbody>
                {view.risk.map((r) => (
                  <tr key={r.admin1 ?? ''}>
                    <td>{r.admin1 || 'National'}</td>
                    <td><LevelBadge level={r.level} /></td>
                    <td>{r.score.toFixed(2)}</td>
                    <td><Sparkline points={r.history} label={`${r.admin1 || view.name} trend`} trend={r.trend} trendDelta={r.trendDelta} /></td>
                    <td>{fmtDay(r.levelChangedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <DataAttribution owed={[view.attributions]} testId="country-attribution" />
            <h3>Alerts</h3>
            <ul>
              {view.alerts.map((a) => (
                <li key={a.id} data-escalation-id={a.escalationId}><LevelBadge level={a.level} /> {a.admin1 || 'National'} · {a.status} · opened {fmtInstant(a.openedAt)}{a.assignee ? ` · ${a.assignee}` : ''}
                  {a.clearedAt && <> · <ClearedNote at={a.clearedAt} toLevel={a.clearedToLevel} /></>}
                </li>
              ))}
              {!view.alerts.length && <li className="muted">None</li>}
              {(view.alertCount ?? 0) > view.alerts.length && (
                <li className="muted" data-testid="country-alerts-more">
                  The newest {view.alerts.length} of {view.alertCount} alerts: the Alerts pane, filtered by {view.country}, lists every one.
                </li>
              )}
            </ul>
            <Aggregates title="Mediation processes" rows={view.mediation} empty="No mediation process." />
            <Elections rows={view.elections} />
            <Engagements rows={view.partnerships} />
          </div>
          <div>
            <h3>Timeline across services</h3>
            <ol className="timeline" data-testid="country-timeline">
              {view.timeline.map((t) => (
                <li key={t.eventId}>
                  <time dateTime={t.occurredAt}>{fmtInstant(t.occurredAt)}</time> <strong>{t.name}</strong> <span className="muted">from {t.source}</span>
                  {t.traceId && <span className="mono"> trace {t.traceId.slice(0, 8)}</span>}
                </li>
              ))}
            </ol>
          </div>
        </div>
      )}
    </Section>
  );
}
