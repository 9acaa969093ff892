import { useMemo, useState } from 'react';
import type { Me } from '../api';
import { AreaAbove, DataAttribution, emptyListing, LevelBadge, RegionSelect, Section, Sparkline } from '../components';
import { fmtDay } from '../time.format';
import { useLive } from '../live-store';

export function RiskBoard({ me, onCountry }: { me: Me; onCountry: (c: string) => void }) {
  const store = useLive();
  const [region, setRegion] = useState('');
  const rows = useMemo(
    () => [...store.risk.values()].filter((r) => !region || r.region === region).sort((a, b) => b.level - a.level || b.score - a.score),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store.version, region],
  );
  return (
    <Section
      title="Risk board"
      actions={
        me.global ? (
          <RegionSelect value={region} onChange={setRegion} testId="risk-region" />
        ) : (
          <span className="muted">Region: {me.region ?? 'none'}</span>
        )
      }
    >
      <div className="table-wrap" tabIndex={0} aria-label="Countries by risk">
        <table data-testid="risk-board">
          <thead>
            <tr>
              <th scope="col">Country</th>
              <th scope="col">Region</th>
              <th scope="col">Level</th>
              <th scope="col">Score</th>
              <th scope="col">Trend</th>
              <th scope="col">Level since</th>
              <th scope="col">Top driver</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.country} data-country={r.country}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => onCountry(r.country)}>
                    {r.name} ({r.country})
                  </button>
                </th>
                <td>{r.region ?? '–'}</td>
                <td>
                  <LevelBadge level={r.level} />
                  <AreaAbove area={store.areaAbove(r.country)} />
                </td>
                <td>{r.score.toFixed(2)}</td>
                <td><Sparkline points={r.history} label={`${r.name} trend`} trend={r.trend} trendDelta={r.trendDelta} /></td>
                <td>{fmtDay(r.levelChangedAt)}</td>
                <td>{r.drivers[0]?.label ?? '–'}</td>
              </tr>
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={7} className="muted">{emptyListing(me, 'risk assessments', 'No risk assessments yet.')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <DataAttribution owed={rows.map((r) => r.attributions)} testId="risk-board-attribution" />
    </Section>
  );
}
