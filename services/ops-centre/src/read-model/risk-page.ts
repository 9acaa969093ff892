import type { DataSource } from 'typeorm';
import { encodeCursorParts, openCursor } from './opaque-cursor';

/**
 * Where a page of GET /risk ends: its last row's level, score, country and admin1 ('' for the
 * national level, as the read model keys it). Opaque to a client; base64url of a JSON array led by a
 * version tag. The score travels as a JSON number: a double survives JSON.stringify and JSON.parse
 * exactly, so the next page starts right after the row, not at a rounded score.
 */
export interface RiskCursor {
  level: number;
  score: number;
  country: string;
  admin1: string;
}

const VERSION = 'k1';
/** An admin1 name is at most 200 characters; a cursor far longer is none this API wrote. */
const MAX_CURSOR_LENGTH = 2_048;

export const encodeRiskCursor = (c: RiskCursor): string => encodeCursorParts(VERSION, [c.level, c.score, c.country, c.admin1]);

/** A cursor this API wrote, or undefined: every part is checked here, so none reaches Postgres to fail there (a 500). */
export function decodeRiskCursor(cursor: string): RiskCursor | undefined {
  const parts = openCursor(cursor, VERSION, 4, MAX_CURSOR_LENGTH);
  if (!parts) return undefined;
  const [level, score, country, admin1] = parts;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 4) return undefined;
  if (typeof score !== 'number' || !Number.isFinite(score)) return undefined;
  if (typeof country !== 'string' || !/^[A-Z]{3}$/.test(country)) return undefined;
  // Postgres refuses a NUL in text.
  if (typeof admin1 !== 'string' || admin1.length > 500 || admin1.includes('\u0000')) return undefined;
  return { level, score, country, admin1 };
}

/**
 * A risk_areas row's country's attributions (country_attributions), for areaOf: what the data its
 * risk was built from owes, shown with it (ACLED's terms). A lookup by key per row shown.
 */
export const COUNTRY_ATTRIBUTIONS = `coalesce((SELECT a.attributions FROM country_attributions a WHERE a.country = risk_areas.country), '{}') AS attributions`;

export interface RiskFilter {
  nationalOnly: boolean;
  nationalAdmin1: string;
  desks?: readonly string[];
  minLevel?: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */
/**
 * One page of the board, worst first (level, then score, then country and admin1 in byte order, so
 * that rows of equal level and score keep one order from page to page), and the cursor of the next
 * page when there is one. Keyset: the next page is the rows that sort after the last one shown. An
 * area whose level or score moves between pages is listed where it stands when its page is read: it
 * may then be missed or listed twice, as on any live board read in parts.
 */
export async function riskPage(db: DataSource, filter: RiskFilter, limit: number, after?: RiskCursor): Promise<{ rows: any[]; next?: string }> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.nationalOnly) where.push(`admin1 = $${args.push(filter.nationalAdmin1)}`);
  if (filter.desks) where.push(`desk = ANY($${args.push(filter.desks)})`);
  if (filter.minLevel) where.push(`level >= $${args.push(filter.minLevel)}`);
  if (after) {
    const [l, s, c, a] = [args.push(after.level), args.push(after.score), args.push(after.country), args.push(after.admin1)];
    where.push(
      `(level < $${l} OR (level = $${l} AND (score < $${s}::float8 OR (score = $${s}::float8 AND (country::text COLLATE "C", admin1 COLLATE "C") > ($${c}::text COLLATE "C", $${a}::text COLLATE "C")))))`,
    );
  }
  const rows: any[] = await db.query(
    `SELECT *, ${COUNTRY_ATTRIBUTIONS} FROM risk_areas ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY level DESC, score DESC, country::text COLLATE "C", admin1 COLLATE "C"
      LIMIT $${args.push(limit + 1)}`,
    args,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeRiskCursor({ level: Number(last.level), score: Number(last.score), country: String(last.country).trim(), admin1: last.admin1 }) : undefined;
  return { rows: page, next };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
