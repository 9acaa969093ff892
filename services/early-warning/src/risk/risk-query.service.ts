import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { countryByIso3, countriesOfDesk, type DeskId } from '@crisis-ops/geo';
import { riskTrendOf, type RiskTrend } from '@crisis-ops/contracts';
import { admin1Key, dayOf } from '../domain';
import { countryContextOn, isoDayOf, loadContext } from '../context/recorded-context';
import { encodeHistoryCursor, type HistoryPage } from './risk-history-query';
import { attributionsOf } from './data-attribution';

export interface AreaRiskView {
  country: string;
  name: string | null;
  desk: string | null;
  admin1: string | null;
  score: number;
  level: string;
  levelSince: string;
  /** rising / falling / steady: the change of the last material assessment (±2 points); the operations centre shows the same. */
  trend: RiskTrend;
  trendDelta: number;
  asOf: string | null;
  drivers: unknown[];
  /**
   * What the data this risk was built from owes (ACLED's, UCDP's attribution): those of the sources
   * the country holds signals or observations of, sorted; empty when none.
   */
  attributions: string[];
}

/** Context the engine applies to an area of the country (admin1 null = national). */
export interface ContextView {
  admin1: string | null;
  kind: string;
  label: string;
  points: number;
  validFrom: string;
  /** First day no longer in force. */
  validUntil: string;
  reference: string;
}

/** `GET /risk/{country}`: the country's risk and one page of its history. */
export interface CountryRiskView {
  national: AreaRiskView;
  admin1: AreaRiskView[];
  context: ContextView[];
  /** Stored assessments and level changes, newest first. */
  history: unknown[];
  /** The `historyCursor` of the next (older) page of history; null when this page holds the oldest entry. */
  historyNextCursor: string | null;
}

interface CurrentRow {
  country: string;
  admin1: string;
  score: number;
  level: string;
  level_since: string;
  assessed_day: string | null;
  trend_delta: number | null;
  drivers: unknown[] | null;
}


function view(r: CurrentRow, owed: ReadonlyMap<string, string[]>): AreaRiskView {
  const c = countryByIso3(r.country);
  const delta = r.trend_delta ?? 0;
  return {
    country: r.country,
    name: c?.name ?? null,
    desk: c?.desk ?? null,
    admin1: r.admin1 || null,
    score: r.score,
    level: r.level,
    levelSince: r.level_since,
    trend: riskTrendOf(delta),
    trendDelta: delta,
    asOf: r.assessed_day,
    drivers: r.drivers ?? [],
    attributions: owed.get(r.country) ?? [],
  };
}

/** The rows' views, each with what its country's data owes. */
async function viewsOf(db: DataSource, rows: readonly CurrentRow[]): Promise<AreaRiskView[]> {
  const owed = await attributionsOf(db, [...new Set(rows.map((r) => r.country))]);
  return rows.map((r) => view(r, owed));
}

/**
 * Highest level first, then score: with hysteresis a level outlives the score that raised it (an
 * elevated country at 16.8 is still above a low one at 26.9), and ordering by score alone listed
 * them the other way round from the operations centre's board.
 */
const BY_RISK = `array_position(ARRAY['low', 'elevated', 'high', 'critical'], level) DESC, score DESC`;

const COLS = `country, admin1, score, level, to_char(level_since, 'YYYY-MM-DD') AS level_since, to_char(assessed_day, 'YYYY-MM-DD') AS assessed_day, trend_delta, drivers`;

@Injectable()
export class RiskQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** National risk of every assessed country, highest level then score first; only a desk's countries if given. */
  async countries(desk?: DeskId): Promise<AreaRiskView[]> {
    const codes = desk ? countriesOfDesk(desk).map((c) => c.iso3) : null;
    const rows: CurrentRow[] = await this.db.query(
      `SELECT ${COLS} FROM risk_current WHERE admin1 = '' ${codes ? 'AND country = ANY($1)' : ''} ORDER BY ${BY_RISK}, country`,
      codes ? [codes] : [],
    );
    return viewsOf(this.db, rows);
  }

  /**
   * One country's risk and one page of its history, newest first (by id, the order stored): the
   * `page.limit` newest entries of `page.kinds` stored before `page.before`, and the cursor of the
   * next page when older ones remain (null when this page holds the oldest). A large import stores
   * an assessment per area and day, so the newest 1,000 entries could hold few of its level changes,
   * and nothing said the answer was cut.
   */
  async country(code: string, page: HistoryPage): Promise<CountryRiskView | undefined> {
    const rows: CurrentRow[] = await this.db.query(`SELECT ${COLS} FROM risk_current WHERE country = $1 ORDER BY admin1 = '' DESC, ${BY_RISK}, admin1`, [code]);
    if (rows.length === 0 || rows[0].admin1 !== '') return undefined;
    const params: unknown[] = [code, page.limit + 1];
    const where = ['country = $1'];
    if (page.kinds) where.push(`kind = ANY($${params.push(page.kinds)})`);
    if (page.before !== undefined) where.push(`id < $${params.push(page.before.toString())}`);
    const found: Array<Record<string, unknown>> = await this.db.query(
      `SELECT id::text AS id, admin1, kind, to_char(day, 'YYYY-MM-DD') AS day, score, level, previous_level AS "previousLevel", escalation_id AS "escalationId",
              drivers, origin, provisional, published, told_late AS "toldLate", recorded_at AS "recordedAt"
       FROM risk_assessments WHERE ${where.join(' AND ')} ORDER BY risk_assessments.id DESC LIMIT $2`,
      params,
    );
    const history = found.slice(0, page.limit);
    const [national, ...admin1] = await viewsOf(this.db, rows);
    return {
      national,
      admin1,
      context: await this.contextOn(code, rows[0].assessed_day, rows.slice(1)),
      history: history.map((h) => ({ ...h, admin1: h['admin1'] || null })),
      historyNextCursor: found.length > page.limit ? encodeHistoryCursor(history[history.length - 1]['id'] as string) : null,
    };
  }

  /**
   * The context in force on the country's `asOf` (its engine's day, event time like the scores), so
   * it matches what the latest assessments applied; an agreement dated later shows once the engine
   * reaches its day. Each row is shown under the name of the area it applies to (mediation may spell
   * an admin1 otherwise: `NORD KIVU` for the area `Nord-Kivu`), or its own where no area has that name.
   */
  private async contextOn(code: string, asOf: string | null, areas: readonly CurrentRow[]): Promise<ContextView[]> {
    if (asOf === null) return [];
    const day = new Date(`${asOf}T00:00:00Z`);
    const areaNames = new Map(areas.map((a) => [admin1Key(a.admin1), a.admin1]));
    return countryContextOn(await loadContext(this.db, code, day), dayOf(day)).map((r) => ({
      admin1: r.admin1 === null ? null : (areaNames.get(admin1Key(r.admin1)) ?? r.admin1),
      kind: r.kind,
      label: r.label,
      points: r.points,
      validFrom: isoDayOf(r.fromDay),
      validUntil: isoDayOf(r.untilDay),
      reference: r.reference,
    }));
  }

  /** Every area (national and admin1) for the export, streamed in pages by the caller. */
  async allAreas(desk?: DeskId): Promise<AreaRiskView[]> {
    const codes = desk ? countriesOfDesk(desk).map((c) => c.iso3) : null;
    const rows: CurrentRow[] = await this.db.query(
      `SELECT ${COLS} FROM risk_current ${codes ? 'WHERE country = ANY($1)' : ''} ORDER BY country, admin1`,
      codes ? [codes] : [],
    );
    return viewsOf(this.db, rows);
  }
}
