import type { AreaSnapshot } from '../domain/risk-area';
import type { RiskEngineSnapshot } from '../domain';

/** One country's engine as stored: its own fields, and one JSON document per area ('' = national). */
export interface SplitEngine {
  readonly header: RiskEngineSnapshot;
  readonly areas: ReadonlyMap<string, string>;
}

/** Splits a one-country engine snapshot into the header and per-area documents (children left out). */
export function splitSnapshot(snapshot: RiskEngineSnapshot): SplitEngine {
  const areas = new Map<string, string>();
  for (const national of snapshot.areas) {
    areas.set('', JSON.stringify({ ...national, children: [] }));
    // `order` keeps the engine's insertion order of admin1s, which fixes the order of its events.
    national.children.forEach((child, order) => areas.set(child.admin1 as string, JSON.stringify({ ...child, children: [], order })));
  }
  return { header: { ...snapshot, areas: [] }, areas };
}

/** The snapshot back from its stored parts. A header that still holds its areas (the first layout) wins. */
export function joinSnapshot(header: RiskEngineSnapshot, rows: ReadonlyArray<{ admin1: string; state: AreaSnapshot }>): RiskEngineSnapshot {
  if (header.areas.length > 0) return header;
  const national = rows.find((r) => r.admin1 === '');
  if (!national) return header;
  const children = rows
    .filter((r) => r.admin1 !== '')
    .map((r) => r.state as AreaSnapshot & { order?: number })
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map(({ order: _order, ...state }) => state);
  return { ...header, areas: [{ ...national.state, children }] };
}

/** Areas whose document differs from what was last written. */
export function changedAreas(split: SplitEngine, written: ReadonlyMap<string, string>): Array<[string, string]> {
  return [...split.areas].filter(([admin1, json]) => written.get(admin1) !== json);
}
