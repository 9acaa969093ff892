import { admin1Key, dateOfDay, dayOf, type ContextAdjustment, type RiskArea, type RiskContextProvider } from '../domain';

/** One `risk_context` row as the engine needs it, its span in epoch days (as `dayOf`). */
export interface ContextRow {
  readonly admin1: string | null;
  readonly kind: string;
  readonly label: string;
  readonly points: number;
  readonly fromDay: number;
  /** First day no longer in force. */
  readonly untilDay: number;
  readonly reference: string;
}

/**
 * The rows that apply to an area on a day: a row applies to exactly the area it was recorded for (a
 * national agreement lowers the national score, not that of an admin1 where the fighting goes on:
 * early warning would rather keep a local hot spot on the board). Likewise an admin1's agreement (a
 * process scoped to it) lowers that admin1 only, not the national score: a local truce says nothing
 * of the rest of the country, and the national score already falls through the admin1's signals if
 * the truce holds. Admin1 names match as admin1Key compares them (case, accents and punctuation
 * aside). Of each kind only the row that started last counts (ties: the one recorded last,
 * i.e. later in `rows`). Successive agreements of one process (talks, then a ceasefire, then a
 * framework) are one peace process making progress, not independent evidence: stacked, a busy
 * process would erase a real crisis from the board.
 */
export function rowsInForce(rows: readonly ContextRow[], admin1: string | null, day: number): ContextRow[] {
  const byKind = new Map<string, ContextRow>();
  const area = admin1Key(admin1);
  for (const row of rows) {
    if (day < row.fromDay || day >= row.untilDay || admin1Key(row.admin1) !== area) continue;
    const held = byKind.get(row.kind);
    if (!held || row.fromDay >= held.fromDay) byKind.set(row.kind, row);
  }
  return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

/** The rows in force on a day for every area of the country (spellings of one admin1 as one), national first: what the engine applies that day. */
export function countryContextOn(rows: readonly ContextRow[], day: number): ContextRow[] {
  const areas = new Map<string | null, string | null>();
  for (const r of rows) if (!areas.has(admin1Key(r.admin1))) areas.set(admin1Key(r.admin1), r.admin1);
  const names = [...areas.values()].sort((a, b) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)));
  return names.flatMap((admin1) => rowsInForce(rows, admin1, day));
}

/**
 * A country's recorded context, as the RiskEngine asks for it. The engine is cached across batches
 * and keeps its provider, so LiveRisk swaps the rows in at the start of each batch (context recorded
 * since is seen from then on); within a batch the answer depends only on (area, day) and never on the
 * wall clock, as the engine requires.
 */
export class RecordedContext implements RiskContextProvider {
  private rows: readonly ContextRow[] = [];

  constructor(private readonly country: string) {}

  replace(rows: readonly ContextRow[]): void {
    this.rows = rows;
  }

  adjustmentsFor(area: RiskArea, at: Date): readonly ContextAdjustment[] {
    if (area.country !== this.country) return [];
    return rowsInForce(this.rows, area.admin1, dayOf(at)).map(({ kind, label, points }) => ({ kind, label, points }));
  }
}

/** Something that runs SQL: a transaction's EntityManager or the DataSource. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

interface StoredRow {
  admin1: string;
  kind: string;
  label: string;
  points: number;
  from_day: number;
  until_day: number;
  reference: string;
}

/**
 * A country's context rows that are still in force on `since` or later (all of them without it), in
 * recording order. Days come back as epoch days: pg would turn a `date` into a local-time Date.
 */
export async function loadContext(db: Queryable, country: string, since?: Date): Promise<ContextRow[]> {
  const rows = (await db.query(
    `SELECT admin1, kind, label, points, (valid_from - DATE '1970-01-01') AS from_day, (valid_until - DATE '1970-01-01') AS until_day, reference
     FROM risk_context WHERE country = $1 AND ($2::int IS NULL OR valid_until > DATE '1970-01-01' + $2::int) ORDER BY id`,
    [country, since === undefined ? null : dayOf(since)],
  )) as StoredRow[];
  return rows.map((r) => ({
    admin1: r.admin1 || null,
    kind: r.kind,
    label: r.label,
    points: Number(r.points),
    fromDay: Number(r.from_day),
    untilDay: Number(r.until_day),
    reference: r.reference,
  }));
}

export const isoDayOf = (day: number): string => dateOfDay(day).toISOString().slice(0, 10);
