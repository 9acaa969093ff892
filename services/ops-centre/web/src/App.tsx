import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { api, apiAllPages, ApiError, getToken, setToken, type Me, type RiskRow } from './api';
import { fmtInstant } from './time.format';
import { keptWork, minutesLeft, sessionEnding, tokenExpiresAt } from './kept-work';
import { live, useLive, type StreamFilter } from './live-store';
import { AlertsPane } from './panes/AlertsPane';
import { CountryPage } from './panes/CountryPage';
import { LivePane } from './panes/LivePane';
import { ResponsePane } from './panes/ResponsePane';
import { RiskBoard } from './panes/RiskBoard';
import { SystemPane } from './panes/SystemPane';
import { WorldMap } from './panes/WorldMap';

const PANES = [
  { id: 'live', label: 'Live stream' },
  { id: 'risk', label: 'Risk board' },
  { id: 'map', label: 'World map' },
  { id: 'country', label: 'Country' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'response', label: 'Time to response' },
  { id: 'system', label: 'System' },
] as const;

/** `#/pane` or `#/country/MLI`: hash routes, so the server only serves index.html at `/`. */
function useRoute(): [string, string, (pane: string, arg?: string) => void] {
  const parse = () => {
    const [, pane = 'live', arg = ''] = window.location.hash.split('/');
    return [pane, arg] as const;
  };
  const [[pane, arg], set] = useState(parse);
  useEffect(() => {
    const on = () => set(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = useCallback((p: string, a?: string) => {
    window.location.hash = `/${p}${a ? `/${a}` : ''}`;
  }, []);
  return [pane, arg, go];
}

function Login({ onLogin, error }: { onLogin: (token: string) => void; error: string | null }) {
  const [value, setValue] = useState('');
  return (
    <main className="login">
      <h1>Operations centre</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onLogin(value.trim());
        }}
      >
        <label htmlFor="token">Access token</label>
        <p className="muted" id="token-help">
          Paste a token from your identity provider; locally: <code>npm run -s token -- --role watch-officer --region africa</code>. It is kept for this tab only.
        </p>
        <textarea id="token" aria-describedby="token-help" rows={5} value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={!value.trim()}>Sign in</button>
      </form>
    </main>
  );
}

/**
 * Shown on every pane while what they show may have stopped updating: a map or board that no longer
 * changes looks exactly like a quiet one.
 */
function StaleBanner() {
  const store = useLive();
  const why: string[] = [];
  if (store.streamDownSince !== null && store.status !== 'open') why.push(`the live stream has been interrupted since ${fmtInstant(store.streamDownSince)} (reconnecting)`);
  if (store.riskStaleSince !== null) why.push(`the risk board has not been refreshed since ${fmtInstant(store.riskStaleSince)}`);
  if (!why.length) return null;
  return (
    <p role="alert" className="stale" data-testid="stale">
      The picture may be stale: {why.join('; ')}.
    </p>
  );
}

/**
 * Says, from a few minutes before the token's `exp`, that the session is ending: at its end the
 * console goes back to sign-in without a choice, and an officer mid-comment should know to finish
 * it (what is unsent is kept across signing in again, see kept-work.ts).
 */
function SessionEndingBanner({ token }: { token: string | null }) {
  const expiresAt = token ? tokenExpiresAt(token) : null;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === null) return;
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, [expiresAt]);
  if (expiresAt === null || !sessionEnding(expiresAt, now)) return null;
  const left = minutesLeft(expiresAt, now);
  return (
    <p role="alert" className="stale" data-testid="session-ending">
      Your session {left > 0 ? `ends at ${fmtInstant(expiresAt)} (in about ${left} minute${left === 1 ? '' : 's'})` : `has reached its end (${fmtInstant(expiresAt)})`}: you will be asked to
      sign in again. The alert you have open and what you have not sent are kept for when you do.
    </p>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [checking, setChecking] = useState(!!getToken());
  const [pane, arg, go] = useRoute();
  const [filter, setFilter] = useState<StreamFilter>({});
  const filterKey = JSON.stringify(filter);
  const expired = useSyncExternalStore(live.subscribe, () => live.sessionExpired);

  const signOut = useCallback((message: string | null) => {
    live.reset();
    setToken(null);
    setMe(null);
    // The next user's stream must not start narrowed to what this one chose.
    setFilter({});
    setLoginError(message);
  }, []);

  useEffect(() => {
    // What the officer had open and had not sent is kept (kept-work.ts), for the same officer signing in again.
    if (expired) signOut('Your session has expired: sign in again. The alert you had open and what you had not sent are kept.');
  }, [expired, signOut]);

  const login = useCallback(async (token: string) => {
    live.reset();
    setToken(token);
    try {
      setMe(await api<Me>('/me'));
      setLoginError(null);
    } catch (e) {
      setToken(null);
      setMe(null);
      setLoginError(e instanceof ApiError && e.status === 401 ? `Token rejected: ${e.message}` : (e as Error).message);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    const t = getToken();
    if (t) void login(t);
  }, [login]);

  // One stream for the whole console: the map and board stay live whatever pane is shown.
  useEffect(() => {
    const token = getToken();
    if (!me || !token) return;
    live.connect(token, JSON.parse(filterKey));
    return () => live.disconnect();
  }, [me, filterKey]);

  useEffect(() => {
    if (!me) return;
    // A board that answers after sign-out is the previous user's: it must not land in the next one's.
    let current = true;
    // National rows, and the areas that may stand above their country's level: a low area never does
    // (low is the lowest level). Every page of each, so no country or area is cut off the board.
    const areaKey = (r: RiskRow) => `${r.country}/${r.admin1 ?? ''}`;
    const load = () => Promise.all([apiAllPages<RiskRow>('/risk', areaKey), apiAllPages<RiskRow>('/risk?scope=all&minLevel=elevated', areaKey)]).then(
      ([rows, areaRows]) => {
        if (current) live.setRisk(rows, areaRows);
      },
      (e) => {
        if (!current) return;
        if (e instanceof ApiError && e.status === 401) live.expireSession();
        else live.riskRefreshFailed();
      },
    );
    void load();
    const t = setInterval(load, 30_000);
    return () => {
      current = false;
      clearInterval(t);
    };
  }, [me]);

  if (checking && !me) return <p className="muted">Checking your token…</p>;
  if (!me) return <Login onLogin={login} error={loginError} />;

  const onCountry = (c: string) => go('country', c);
  return (
    <>
      {/* Focus moves to the content and the route stays: followed as a link, #main reached the hash
          router as a route, no pane's, and switched the country page or Alerts to the live pane. */}
      <a
        href="#main"
        className="skip"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <h1>Operations centre</h1>
        <nav aria-label="Panes">
          <ul>
            {PANES.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={pane === p.id ? 'page' : undefined}>{p.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who" data-testid="who">
          {me.name ?? me.subject} · {me.global ? 'global' : `region ${me.region ?? 'none'}`} · {me.roles.join(', ')}{' '}
          <button
            type="button"
            onClick={() => {
              // Signing out on purpose leaves nothing of this officer's behind in the tab.
              keptWork().forget(me.subject);
              signOut(null);
            }}
          >
            Sign out
          </button>
        </div>
        <SessionEndingBanner token={getToken()} />
        <StaleBanner />
      </header>
      <main id="main" tabIndex={-1}>
        {pane === 'live' && <LivePane me={me} onCountry={onCountry} filter={filter} setFilter={setFilter} />}
        {pane === 'risk' && <RiskBoard me={me} onCountry={onCountry} />}
        {pane === 'map' && <WorldMap me={me} onCountry={onCountry} />}
        {pane === 'country' && <CountryPage key={arg} country={arg} onCountry={onCountry} />}
        {pane === 'alerts' && <AlertsPane me={me} />}
        {pane === 'response' && <ResponsePane me={me} />}
        {pane === 'system' && <SystemPane />}
      </main>
    </>
  );
}
