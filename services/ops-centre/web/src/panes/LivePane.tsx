import { memo, useState } from 'react';
import { getToken, type Me, type StreamItem } from '../api';
import { CountryField, LevelBadge, RegionSelect, Section } from '../components';
import { EVENT_NAMES } from '../event-names';
import { fmtInstant } from '../time.format';
import { live, REPLAY_KEEP, useLive, type StreamFilter } from '../live-store';

interface Props {
  me: Me;
  onCountry: (c: string) => void;
  filter: StreamFilter;
  setFilter: (f: (prev: StreamFilter) => StreamFilter) => void;
}

export function LivePane({ me, onCountry, filter, setFilter }: Props) {
  const store = useLive();
  const set = (k: keyof StreamFilter) => (e: { target: { value: string } }) => setFilter((f) => ({ ...f, [k]: e.target.value || undefined }));
  // A replay's events are a list of their own, shown in place of the live one until the officer goes
  // back: put into the live list, history went on top as if newest and pushed the newest live events out.
  const { intake } = store;
  const replayed = store.view === 'replayed';
  const newLive = replayed ? intake.received - store.receivedAtReplayView : 0;

  return (
    <Section
      title="Live event stream"
      actions={
        // Only the status is announced: the counters change several times a second and would drown it.
        <div className="status">
          <span data-testid="stream-status" aria-live="polite">Stream: {store.status}</span> · {store.rate}/s · {intake.received} received
          {store.refusal && <span role="alert" data-testid="stream-refusal" className="error"> · not streaming: {store.refusal}</span>}
          {store.dropped > 0 && <> · <strong>{store.dropped} not shown (a burst faster than the browser, or more missed while away than a reconnect sends): Earlier events, below the list, pages back to them</strong></>}
        </div>
      }
    >
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Stream filters (applied on the server)">
        {me.global && (
          <RegionSelect value={filter.region ?? ''} onChange={(region) => setFilter((f) => ({ ...f, region: region || undefined }))} />
        )}
        <CountryField id="live-country" value={filter.country} onChange={(country) => setFilter((f) => ({ ...f, country }))} />
        <label>
          Event type
          <select value={filter.type ?? ''} onChange={set('type')}>
            <option value="">All types</option>
            {EVENT_NAMES.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Minimum level
          <select value={filter.minLevel ?? ''} onChange={set('minLevel')}>
            <option value="">Any</option>
            <option value="low">Low</option>
            <option value="elevated">Elevated</option>
            <option value="high">High</option>
            <option value="critical">Critical</option>
          </select>
        </label>
        <button type="button" onClick={() => live.setPaused(!store.paused)} aria-pressed={store.paused}>
          {store.paused ? `Resume${store.waiting ? ` (${store.waiting} waiting)` : ''}` : 'Pause'}
        </button>
        <button type="button" onClick={() => live.clear()}>Clear</button>
      </form>
      <ReplayControls filter={filter} />
      {intake.replayFrom && (
        <div className="filters" role="group" aria-label="List shown">
          <button type="button" aria-pressed={!replayed} onClick={() => live.showView('live')}>
            Live events{newLive > 0 && <strong> ({newLive} new)</strong>}
          </button>
          <button type="button" aria-pressed={replayed} onClick={() => live.showView('replayed')}>
            Replayed history ({intake.replayedCount})
          </button>
        </div>
      )}
      <p className="muted" data-testid="list-shown">
        {replayed ? (
          <>
            <strong>Replayed history, not live events:</strong> {intake.replayed.length} of the {intake.replayedCount} events the replay from{' '}
            {fmtInstant(intake.replayFrom)} brought, the newest first{intake.replayedCount > REPLAY_KEEP && ` (the list keeps the newest ${REPLAY_KEEP})`}. Live events
            go on arriving in their own list: the Live events button above shows it.
          </>
        ) : (
          <>Showing the newest {Math.min(store.shown, store.events.length)} of {store.events.length} kept (at most {store.keep}).</>
        )}
        {!me.global && (me.region ? <> You see events of the <strong>{me.region}</strong> region only.</> : <> Your token names no region, so no regional events are shown to you.</>)}
      </p>
      <div className="table-wrap" tabIndex={0} aria-label={replayed ? 'Replayed history' : 'Live events'}>
        <table className="events" data-testid="live-events" data-list={store.view}>
          {replayed && <caption>Replayed history from {fmtInstant(intake.replayFrom)}, not live</caption>}
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Country</th>
              <th scope="col">Region</th>
              <th scope="col">Level</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {(replayed ? intake.replayed : store.events.slice(0, store.shown)).map((e) => (
              <EventRow key={e.id} e={e} onCountry={onCountry} />
            ))}
          </tbody>
        </table>
      </div>
      {!replayed && (
        <div className="filters">
          <button type="button" onClick={() => void live.showEarlier()} aria-busy={store.loadingEarlier}>
            {store.loadingEarlier ? 'Loading earlier events…' : 'Earlier events'}
          </button>
          <span role="status" data-testid="earlier-status">{store.earlierStatus ?? ''}</span>
        </div>
      )}
    </Section>
  );
}

/** A row renders again only when its event does: paged back, the list can hold a few thousand. */
const EventRow = memo(function EventRow({ e, onCountry }: { e: StreamItem; onCountry: (c: string) => void }) {
  return (
    <tr data-event-id={e.id} data-country={e.country ?? ''}>
      <td><time dateTime={e.time}>{fmtInstant(e.time)}</time></td>
      <td>{e.name}</td>
      <td>
        {e.country ? (
          <button type="button" className="link" onClick={() => onCountry(e.country as string)}>
            {e.country}
          </button>
        ) : '–'}
        {e.admin1 ? ` / ${e.admin1}` : ''}
      </td>
      <td>{e.desk ?? '–'}</td>
      <td>{e.level === null ? '–' : <LevelBadge level={e.level} />}</td>
      <td className="mono">{e.traceId?.slice(0, 8) ?? '–'}</td>
    </tr>
  );
});

/**
 * A `datetime-local` value for an instant. The browser reads the field as local time, so it must be
 * written in local time: written in UTC, an hour ago is in the future west of Greenwich.
 */
function localDateTime(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function ReplayControls({ filter }: { filter: StreamFilter }) {
  const store = useLive();
  const [from, setFrom] = useState(() => localDateTime(Date.now() - 3_600_000));
  const [speed, setSpeed] = useState<'real' | 'max'>('max');
  return (
    <form
      className="filters"
      aria-label="Replay"
      onSubmit={(e) => {
        e.preventDefault();
        const token = getToken();
        if (token && from) live.startReplay(token, from, speed, filter);
      }}
    >
      <label>
        Replay from
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        Speed
        <select value={speed} onChange={(e) => setSpeed(e.target.value as 'real' | 'max')}>
          <option value="max">As fast as possible</option>
          <option value="real">Real time</option>
        </select>
      </label>
      <button type="submit">Replay</button>
      <button type="button" onClick={() => live.stopReplay()}>Stop replay</button>
      <span role="status" data-testid="replay-status">{store.replayStatus ?? ''}</span>
    </form>
  );
}
