import { useMemo } from 'react';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';
import codes from 'virtual:country-codes';
import type { Me } from '../api';
import { DataAttribution, emptyListing, Section } from '../components';
import { LEVELS, levelInfo } from '../levels';
import { useLive } from '../live-store';
import { riskWords, type AreaLevel } from '../area-risk';

const ISO3_BY_NUMERIC = new Map(codes.filter(([num]) => num).map(([num, iso3]) => [num, iso3]));
const NAME_BY_ISO3 = new Map(codes.map(([, iso3, name]) => [iso3, name]));
const DESK_BY_ISO3 = new Map(codes.map(([, iso3, , desk]) => [iso3, desk]));
const WIDTH = 960;
const HEIGHT = 500;

// Computed once: the TopoJSON is bundled, projected at load, never fetched.
const topology = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], countries);
const path = geoPath(projection);
/**
 * The atlas's shapes that carry no ISO numeric code, by the country they are part of or are (the UN's
 * view: Somaliland of Somalia, northern Cyprus of Cyprus; Kosovo by the platform's XKX). Without it they
 * read "No data" whatever their country's level, and to another desk's officer as a quiet country.
 */
const ISO3_BY_SHAPE_NAME: Readonly<Record<string, string>> = { Somaliland: 'SOM', 'N. Cyprus': 'CYP', Kosovo: 'XKX' };
const SHAPES = countries.features.map((f: Feature<Geometry, { name: string }>) => {
  const iso3 = (f.id === undefined ? undefined : ISO3_BY_NUMERIC.get(String(f.id).padStart(3, '0'))) ?? ISO3_BY_SHAPE_NAME[f.properties.name] ?? null;
  return { iso3, name: iso3 ? (NAME_BY_ISO3.get(iso3) ?? f.properties.name) : f.properties.name, d: path(f) ?? '' };
});
/** The countries the map can draw: a country at risk outside it is named above the map, not silently left out. */
const DRAWN = new Set(SHAPES.map((s) => s.iso3).filter((c): c is string => c !== null));

/** Patterns per level, so the map reads without colour: none, dots, diagonal lines, cross-hatch. */
function Patterns() {
  return (
    <defs>
      <pattern id="p-elevated" width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill={LEVELS[2].fill} />
        <circle cx="3" cy="3" r="1" fill="#000" opacity="0.55" />
      </pattern>
      <pattern id="p-high" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill={LEVELS[3].fill} />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#000" strokeWidth="1.6" opacity="0.6" />
      </pattern>
      <pattern id="p-critical" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill={LEVELS[4].fill} />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#fff" strokeWidth="1.4" />
        <line x1="0" y1="3" x2="6" y2="3" stroke="#fff" strokeWidth="1.4" />
      </pattern>
    </defs>
  );
}

const fillOf = (level: number) => (level >= 2 ? `url(#p-${LEVELS[level].name})` : levelInfo(level).fill);
/** A country whose desk the token may not read: told apart from one with no data, which it is not. */
const WITHHELD_FILL = '#c9ced4';

/**
 * Whether the token is shown the country's risk: every desk's to a global reader, its own desk's to a
 * regional one, none to a token naming no region (an ops engineer's).
 */
const shownTo = (me: Me, iso3: string): boolean => me.global || (me.region !== null && DESK_BY_ISO3.get(iso3) === me.region);

export function WorldMap({ me, onCountry }: { me: Me; onCountry: (c: string) => void }) {
  const store = useLive();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const levels = useMemo(() => new Map([...store.risk.values()].map((r) => [r.country, r.level])), [store.version]);
  // A country holding an area above its level is outlined in that area's colour, and says so in words.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const above = useMemo(() => new Map([...store.risk.keys()].map((c) => [c, store.areaAbove(c)]).filter((e): e is [string, AreaLevel] => e[1] !== null)), [store.version]);
  // The text list is the map's text alternative: built from the board's rows, not from the atlas's
  // shapes, which lack the small countries (Maldives, Singapore, Malta, Bahrain) and Kosovo's code.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const listed = useMemo(() => [...store.risk.values()].filter((r) => r.level > 0).sort((a, b) => b.level - a.level || b.score - a.score), [store.version]);
  const undrawn = listed.filter((r) => !DRAWN.has(r.country));
  return (
    <Section title="World map">
      <ul className="legend" aria-label="Legend">
        {LEVELS.map((l) => (
          <li key={l.n}>
            <svg width="18" height="14" aria-hidden="true">
              <Patterns />
              <rect width="18" height="14" fill={fillOf(l.n)} stroke="#333" />
            </svg>{' '}
            {l.symbol} {l.label}
          </li>
        ))}
        <li>
          <svg width="18" height="14" aria-hidden="true">
            <rect x="1.5" y="1.5" width="15" height="11" fill={LEVELS[3].fill} stroke={LEVELS[4].fill} strokeWidth="3" />
          </svg>{' '}
          Outlined: an area above the country's level (named in the list below)
        </li>
        {!me.global && (
          <li>
            <svg width="18" height="14" aria-hidden="true">
              <rect width="18" height="14" fill={WITHHELD_FILL} stroke="#333" strokeDasharray="2 2" />
            </svg>{' '}
            {me.region ? `Not on your desk (${me.region}): its risk is not shown to you` : 'Not shown to you: your token names no region'}
          </li>
        )}
      </ul>
      {!me.global && !me.region && (
        <p className="muted" data-testid="map-no-region">
          {emptyListing(me, 'risk levels', '')}
        </p>
      )}
      {undrawn.length > 0 && (
        <p className="map-undrawn" data-testid="map-undrawn">
          Not on this map (too small at its scale, or without a shape): {undrawn.map((r) => `${r.name || NAME_BY_ISO3.get(r.country) || r.country} (${levelInfo(r.level).label})`).join(', ')}. They are in the text list below and on the risk board.
        </p>
      )}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="map" role="group" aria-label="World map of risk levels; countries with a level are focusable" data-testid="world-map">
        <Patterns />
        <rect width={WIDTH} height={HEIGHT} fill="#eef3f8" />
        {SHAPES.map((s, i) => {
          const level = s.iso3 ? (levels.get(s.iso3) ?? 0) : 0;
          const info = levelInfo(level);
          const area = s.iso3 ? (above.get(s.iso3) ?? null) : null;
          // "No data" said of another desk's country read as a quiet country: it is one not shown.
          const withheld = s.iso3 !== null && !shownTo(me, s.iso3);
          const words = withheld ? (me.region ? `not on your desk (${me.region}): its risk is not shown to you` : 'not shown to you: your token names no region') : riskWords(level, area);
          const interactive = level > 0 && s.iso3;
          return (
            <path
              key={`${s.iso3 ?? s.name}-${i}`}
              d={s.d}
              fill={withheld ? WITHHELD_FILL : fillOf(level)}
              stroke="#4a4a4a"
              strokeWidth={0.4}
              strokeDasharray={withheld ? '2 2' : undefined}
              data-iso3={s.iso3 ?? ''}
              data-level={withheld ? 'withheld' : info.name}
              data-area-above={area ? levelInfo(area.level).name : undefined}
              tabIndex={interactive ? 0 : undefined}
              role={interactive ? 'button' : undefined}
              aria-label={interactive ? `${s.name}: ${words}` : undefined}
              className={interactive ? 'country active' : 'country'}
              onClick={interactive ? () => onCountry(s.iso3 as string) : undefined}
              onKeyDown={interactive ? (e) => (e.key === 'Enter' || e.key === ' ') && onCountry(s.iso3 as string) : undefined}
            >
              <title>{`${s.name}: ${words}`}</title>
            </path>
          );
        })}
        {/* Drawn over every shape, so that no neighbour's fill covers half of an outline. */}
        {SHAPES.filter((s) => s.iso3 && above.has(s.iso3)).map((s, i) => (
          <path key={`above-${s.iso3}-${i}`} d={s.d} fill="none" stroke={levelInfo(above.get(s.iso3 as string)?.level).fill} strokeWidth={2.5} pointerEvents="none" aria-hidden="true" data-area-outline={s.iso3} />
        ))}
      </svg>
      {/* What the colours were built from owes (the countries coloured: those the token is shown). */}
      <DataAttribution owed={[...store.risk.values()].filter((r) => shownTo(me, r.country)).map((r) => r.attributions)} testId="map-attribution" />
      <h3>Countries at risk (text)</h3>
      <ul className="map-list" data-testid="map-list">
        {listed.map((r) => (
          <li key={r.country} data-drawn={DRAWN.has(r.country) ? 'yes' : 'no'}>
            {r.name || NAME_BY_ISO3.get(r.country) || r.country} ({r.country}): {levelInfo(r.level).symbol} {riskWords(r.level, above.get(r.country) ?? null)}
          </li>
        ))}
      </ul>
    </Section>
  );
}
