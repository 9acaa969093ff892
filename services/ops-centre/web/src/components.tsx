import { useState, type ReactNode } from 'react';
import type { HistoryPoint, Me, RiskRow } from './api';
import { levelInfo, REGIONS } from './levels';
import { fmtInstant } from './time.format';
import { attributionLine } from './data-attribution';

/**
 * What an empty regional listing says of itself: to a token without a region (an ops engineer's) the
 * service shows nothing regional, which is not that there is nothing.
 */
export function emptyListing(me: Me, what: string, none: string): string {
  return !me.global && !me.region ? `Your token names no region, so no regional ${what} are shown to you.` : none;
}

/**
 * The attribution line: what the data of the risk shown owes together (ACLED's terms: attribute it wherever
 * results built from its data are shown). Nothing when nothing is owed.
 */
export function DataAttribution({ owed, testId }: { owed: Iterable<readonly string[] | undefined>; testId: string }) {
  const line = attributionLine(owed);
  return line ? <p className="attribution" data-testid={testId}>{line}</p> : null;
}

/** A level as text + symbol + colour: never colour alone. */
export function LevelBadge({ level }: { level: number | null }) {
  const l = levelInfo(level);
  return (
    <span className={`badge level-${l.name}`} style={{ background: l.fill, color: l.text }} data-level={l.name}>
      <span aria-hidden="true">{l.symbol} </span>
      {l.label}
    </span>
  );
}

/**
 * The area of a country standing above its national level, beside the national badge: " · Mopti ■
 * critical". The national level stays first; this is what it would hide.
 */
export function AreaAbove({ area }: { area: { admin1: string; level: number } | null }) {
  if (!area) return null;
  const l = levelInfo(area.level);
  return (
    <span className="area-above" data-testid="area-above" data-level={l.name}>
      {' · '}
      {area.admin1} <span aria-hidden="true">{l.symbol} </span>
      {l.label.toLowerCase()}
    </span>
  );
}

/**
 * An alert whose area a de-escalation took below its level: where to and when, e.g. "de-escalated to
 * elevated, 27 Nov 2026, 14:03:00 GMT+1". The alert keeps its own level: that is what was escalated.
 */
export function ClearedNote({ at, toLevel }: { at?: string | null; toLevel?: number | null }) {
  if (!at) return null;
  return (
    <span className="muted" data-testid="alert-cleared">
      de-escalated to {levelInfo(toLevel).label.toLowerCase()}, {fmtInstant(at)}
    </span>
  );
}

const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * A score history, one point per assessed day; a level change is marked with a dot (filled when it
 * escalated). The trend is early-warning's (`RiskRow.trend`), not the history's first against last
 * point: those said "rising" of areas early-warning called falling. So it is shown with one point or
 * none too (an area that escalated today: early-warning's trend is of its assessment before, which
 * the history need not hold); "one reading" in its place hid it. The line needs two points.
 */
export function Sparkline({ points, label, trend, trendDelta }: { points: HistoryPoint[]; label: string; trend: RiskRow['trend']; trendDelta: number }) {
  const w = 96;
  const h = 24;
  const said = `${label}: score ${trend} (${trendDelta > 0 ? '+' : ''}${trendDelta} at its last assessment)`;
  const mark = <span className="trend">{trend === 'rising' ? '↑' : trend === 'falling' ? '↓' : '→'} {trend}</span>;
  if (points.length < 2) return <span className="spark" title={`${said}, ${times(points.length, 'assessed day')}`}>{mark}</span>;
  const max = Math.max(...points.map((p) => p.s), 0.0001);
  const min = Math.min(...points.map((p) => p.s));
  const span = max - min || 1;
  const xy = points.map((p, i) => [(i / (points.length - 1)) * (w - 4) + 2, h - 2 - ((p.s - min) / span) * (h - 4)]);
  const d = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const first = points[0].s;
  const last = points[points.length - 1].s;
  const up = points.filter((p) => p.change === 'escalated').length;
  const down = points.filter((p) => p.change === 'deescalated').length;
  const changes = [up && times(up, 'escalation'), down && times(down, 'de-escalation')].filter(Boolean);
  return (
    <span className="spark">
      <svg
        width={w}
        height={h}
        role="img"
        aria-label={`${said}, ${first.toFixed(2)} to ${last.toFixed(2)} over ${times(points.length, 'assessed day')}${changes.length ? `, ${changes.join(' and ')}` : ''}`}
      >
        <polyline points={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
        {points.map((p, i) =>
          p.change ? <circle key={i} cx={xy[i][0]} cy={xy[i][1]} r={2} stroke="currentColor" fill={p.change === 'escalated' ? 'currentColor' : 'none'} /> : null,
        )}
      </svg>
      {mark}
    </span>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  // aria-labelledby is a list of ids separated by spaces: a title's spaces would make it name nothing.
  const id = `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  return (
    <section className="pane" aria-labelledby={id}>
      <header className="pane-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {(error as Error).message ?? String(error)}
    </p>
  );
}

/** A regional desk filter ('' for all regions), the same on every pane that narrows by region. */
export function RegionSelect({ value, onChange, testId }: { value: string; onChange: (region: string) => void; testId?: string }) {
  return (
    <label>
      Region{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">All regions</option>
        {REGIONS.map((r) => (
          <option key={r.id} value={r.id}>{r.name}</option>
        ))}
      </select>
    </label>
  );
}

const ISO3 = /^[A-Za-z]{3}$/;

/**
 * A country code field, for filters and the country page alike. What is typed is kept apart from the filter, which changes only once the
 * text is a three-letter code (or empty): bound to the filter itself, every keystroke short of a code
 * vanished.
 */
export function CountryField({ id, value, onChange, onText }: { id: string; value: string | undefined; onChange: (iso3: string | undefined) => void; onText?: (text: string) => void }) {
  const [text, setText] = useState(value ?? '');
  const valid = text === '' || ISO3.test(text);
  return (
    // The hint is outside the label, so the field's name stays "Country".
    <span className="field">
      <label htmlFor={id}>Country</label>
      <input
        id={id}
        value={text}
        onChange={(e) => {
          const typed = e.target.value;
          setText(typed);
          // What is typed, valid or not: a form that opens on Enter must not open the last valid code.
          onText?.(typed);
          if (typed === '' || ISO3.test(typed)) onChange(typed ? typed.toUpperCase() : undefined);
        }}
        placeholder="ISO3, e.g. MLI"
        size={8}
        aria-invalid={!valid}
        aria-describedby={valid ? undefined : `${id}-hint`}
      />
      {!valid && <span id={`${id}-hint`} className="error">3 letters, e.g. MLI: not applied yet</span>}
    </span>
  );
}
