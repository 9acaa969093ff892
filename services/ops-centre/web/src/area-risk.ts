import { levelInfo } from './levels';
// The read model's own rule, by path as risk-history.ts takes it (that module needs the browser's types).
import { isOlderThan } from '../../src/read-model/score-history';

/**
 * A country's admin1 areas as the risk board and the map need them: which of its areas, if any,
 * stands above the country's national level. The national level stays what a row says first; an
 * area above it is what a watch officer must not miss ("High · Mopti critical"): the board and the
 * map showed the national level alone, and a critical area hid behind its country's "High".
 *
 * It depends on nothing of the browser, so that the rule is unit tested as the console applies it,
 * to what `/risk` answers and to each live risk event alike.
 */

/** What the console keeps of an admin1 area: its level and score, and the day of the latest assessment applied. */
export interface AreaLevel {
  readonly admin1: string;
  readonly level: number;
  readonly score: number;
  readonly updatedAt: string;
}

/** Areas per country: country → admin1 → its level. */
export type AreaLevels = Map<string, Map<string, AreaLevel>>;

/** The admin1 rows of a `/risk?scope=all` answer, by country (national rows are the board's own). */
export function areaLevelsOf(rows: ReadonlyArray<{ country: string; admin1: string | null; level: number; score: number; updatedAt: string }>): AreaLevels {
  const out: AreaLevels = new Map();
  for (const r of rows) {
    if (!r.admin1) continue;
    let areas = out.get(r.country);
    if (!areas) out.set(r.country, (areas = new Map()));
    areas.set(r.admin1, { admin1: r.admin1, level: r.level, score: r.score, updatedAt: r.updatedAt });
  }
  return out;
}

/**
 * Applies a live risk event of an admin1 area (its level, score if it says one, and the day it
 * assessed), as the read model does: an event about an earlier day than the area's latest applied
 * (a redriven dead letter) changes nothing. Answers whether it changed anything.
 */
export function applyAreaEvent(areas: AreaLevels, e: { country: string; admin1: string; level: number; score?: number; at: string }): boolean {
  let ofCountry = areas.get(e.country);
  const prev = ofCountry?.get(e.admin1);
  if (prev && isOlderThan(e.at, prev.updatedAt)) return false;
  if (!ofCountry) areas.set(e.country, (ofCountry = new Map()));
  ofCountry.set(e.admin1, { admin1: e.admin1, level: e.level, score: e.score ?? prev?.score ?? 0, updatedAt: e.at });
  return true;
}

/**
 * The area of a country at the highest level above its national one (the higher score, then the
 * name, among areas of that level), or null when none stands above it. An area at the national level
 * or below says nothing the national level does not.
 */
export function areaAbove(national: { level: number } | undefined, areas: ReadonlyMap<string, AreaLevel> | undefined): AreaLevel | null {
  if (!national || !areas) return null;
  let worst: AreaLevel | null = null;
  for (const a of areas.values()) {
    if (a.level <= national.level) continue;
    if (!worst || a.level > worst.level || (a.level === worst.level && (a.score > worst.score || (a.score === worst.score && a.admin1 < worst.admin1)))) worst = a;
  }
  return worst;
}

/** A country's level in words, with the area above it if one is: "High · Mopti critical". */
export function riskWords(level: number, above: Pick<AreaLevel, 'admin1' | 'level'> | null): string {
  const national = levelInfo(level).label;
  return above ? `${national} · ${above.admin1} ${levelInfo(above.level).label.toLowerCase()}` : national;
}
