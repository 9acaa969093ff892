import type { DataSource, EntityManager } from 'typeorm';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED } from '@crisis-ops/contracts';
import { uuidV7, type Clock } from '@crisis-ops/domain-kernel';
import type { PublishedEvent } from '@crisis-ops/service-kit';
import type { Signal } from '../../domain';
import { owedBySource } from '../../risk/data-attribution';

export type IntakeOrigin = 'api' | 'import';

export interface IntakeItemResult {
  readonly id: string;
  /** `duplicate` when the same (source, id) was already recorded: nothing was applied twice. */
  readonly status: 'recorded' | 'duplicate';
  /**
   * On a duplicate whose content is not what was recorded: the fields that differ. The recorded
   * signal stays as it was (a revision is not applied), and the sender is told so rather than
   * left to believe the new figures were taken.
   */
  readonly differs?: readonly string[];
}

/**
 * Instants travel in `rows` as epoch milliseconds: JSON.stringify of a Date (its ISO string) cost
 * more than twice as much per row as the number, and Postgres reads an integer faster than ISO 8601.
 * The arithmetic is exact, as the ISO string with its milliseconds was.
 */
const fromEpochMs = (column: string): string => `('epoch'::timestamptz + ${column} * interval '1 millisecond')`;

/** The API names of the fields a resent signal is compared on, with the column and its value in `rows` below (as d). */
const COMPARED: ReadonlyArray<readonly [field: string, column: string, value: string]> = [
  ['occurredAt', 'occurred_at', fromEpochMs('d.occ')],
  ['reportedAt', 'reported_at', fromEpochMs('d.rep')],
  ['country', 'country', 'd.country'],
  ['admin1', 'admin1', 'd.admin1'],
  ['admin2', 'admin2', 'd.admin2'],
  ['location', 'location', 'd.location'],
  ['latitude', 'latitude', 'd.lat'],
  ['longitude', 'longitude', 'd.lon'],
  ['type', 'type', 'd.type'],
  ['subType', 'sub_type', 'd.sub'],
  ['fatalities', 'fatalities', 'd.f'],
  ['severity', 'severity', 'd.sev'],
  ['notes', 'notes', 'd.notes'],
];

export interface IntakeOptions {
  readonly origin: IntakeOrigin;
}

/** Stages events in the caller's transaction (EventPublisher.stage). */
export interface EventStager {
  stage(manager: EntityManager, events: ReadonlyArray<PublishedEvent<typeof CE_SIGNAL_RECORDED>>): Promise<unknown>;
}

/** How many (source, country) pairs a SignalWriter keeps as known before it starts afresh. */
const MAX_KNOWN_PAIRS = 100_000;

/**
 * The one write path of signals (API, batch, CLI import, import job): inserts the signals of one
 * request in one transaction with one statement, skips (source, id) pairs already recorded, and
 * stages a SignalRecorded per new signal in the same transaction. The last new signal of each
 * country in the request is marked `lastInRequest`, which is where the risk engine assesses the
 * open day, so one request escalates a country at most once; each carries the earliest day the
 * request reports for its country, which tells one request's signals from the next (RequestInProgress),
 * and what its source owes (source_attributions: ACLED's attribution for an ACLED import's source).
 */
export class SignalWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventStager,
    private readonly clock: Clock,
  ) {}

  /**
   * The (source, country) pairs this process knows source_countries holds (added once their
   * transaction committed), so that a request of pairs seen before writes none: intake is the hot
   * path, and a source reports the same few countries request after request. Pairs are never
   * deleted, so a pair known stays true; the set is emptied when it grows past its cap.
   */
  private readonly knownPairs = new Set<string>();

  async record(signals: readonly Signal[], options: IntakeOptions): Promise<IntakeItemResult[]> {
    const pairs: string[] = [];
    const results = await this.dataSource.transaction((m) => this.recordIn(m, signals, options, pairs));
    if (this.knownPairs.size + pairs.length > MAX_KNOWN_PAIRS) this.knownPairs.clear();
    for (const pair of pairs) this.knownPairs.add(pair);
    return results;
  }

  /** `pairs`: given, the (source, country) pairs written to source_countries are added to it (see knownPairs). */
  async recordIn(m: EntityManager, signals: readonly Signal[], options: IntakeOptions, pairs?: string[]): Promise<IntakeItemResult[]> {
    if (signals.length === 0) return [];
    const now = this.clock.now();
    const ids = signals.map(() => uuidV7(now.getTime()));
    // One JSON parameter rather than 17 arrays: JSON.stringify is native, pg's array encoding is not,
    // and this insert is the hot path of a million-row import.
    const rows = signals.map((s, i) => ({
      id: ids[i],
      source: s.source,
      sid: s.id,
      country: s.country,
      admin1: s.admin1,
      admin2: s.admin2,
      location: s.location,
      lat: s.latitude,
      lon: s.longitude,
      type: s.type,
      sub: s.subType,
      occ: s.occurredAt.getTime(),
      rep: s.reportedAt.getTime(),
      f: s.fatalities,
      sev: s.severity,
      notes: s.notes,
    }));
    // Inserted in (source, id) order, whatever the request's: a request waits at any pair another one
    // in flight inserted first, and two requests sharing pairs in opposite orders each waited for the
    // other (a deadlock, which Postgres broke by failing one: a 500). Byte order ("C"): any order all
    // requests share will do, and it is the cheapest to sort by. The recording sequence follows this
    // order within a request.
    const inserted: Array<{ id: string }> = await m.query(
      `INSERT INTO signals (id, source, source_signal_id, country, admin1, admin2, location, latitude, longitude, type, sub_type,
                            occurred_at, reported_at, fatalities, severity, notes, origin, recorded_at)
       SELECT id, source, sid, country, admin1, admin2, location, lat, lon, type, sub, ${fromEpochMs('occ')}, ${fromEpochMs('rep')}, f, sev, notes, $2, $3::timestamptz
       FROM json_to_recordset($1::json) AS x(id uuid, source text, sid text, country text, admin1 text, admin2 text, location text, lat float8,
                                             lon float8, type text, sub text, occ int8, rep int8, f int, sev smallint, notes text)
       ORDER BY source COLLATE "C", sid COLLATE "C"
       ON CONFLICT (source, source_signal_id) WHERE source_signal_id IS NOT NULL DO NOTHING RETURNING id`,
      [JSON.stringify(rows), options.origin, now],
    );
    const insertedIds = new Set(inserted.map((r) => r.id));
    // Announced oldest first (ties in request order), whatever order the request listed them in: the
    // risk engine takes a country's reports in the order it gets them, and one older than the day it
    // has open only adds to that day, so a batch listed newest first would have lost its history.
    const fresh = signals
      .map((s, i) => ({ s, id: ids[i], i }))
      .filter((x) => insertedIds.has(x.id))
      .sort((a, b) => a.s.occurredAt.getTime() - b.s.occurredAt.getTime() || a.i - b.i);
    await this.recordSourceCountries(m, fresh, pairs);
    const lastOfCountry = new Map<string, string>();
    const earliestOfCountry = new Map<string, Date>();
    for (const { s, id } of fresh) {
      lastOfCountry.set(s.country, id);
      const earliest = earliestOfCountry.get(s.country);
      if (!earliest || s.occurredAt < earliest) earliestOfCountry.set(s.country, s.occurredAt);
    }
    if (fresh.length > 0) {
      // What each source owes (ACLED's terms: attribute it wherever results built from its data are
      // shown), so subscribers of the signals can say it. One query per request for its distinct
      // sources, in this transaction (an import writes its source's attribution before its rows), and
      // only when something is staged: this is the intake's hot path. Sorted, as every list of them is.
      const owed = await owedBySource(m, new Set(fresh.map((x) => x.s.source)));
      await this.events.stage(
        m,
        fresh.map(({ s, id }): PublishedEvent<typeof CE_SIGNAL_RECORDED> => ({
          type: CE_SIGNAL_RECORDED,
          subject: id,
          time: now,
          data: {
            signalId: id,
            source: s.source,
            sourceSignalId: s.id ?? undefined,
            occurredAt: timestampFromDate(s.occurredAt),
            reportedAt: timestampFromDate(s.reportedAt),
            country: s.country,
            admin1: s.admin1 ?? '',
            admin2: s.admin2 ?? '',
            location: s.location ?? '',
            coordinates: s.latitude !== null && s.longitude !== null ? { latitude: s.latitude, longitude: s.longitude } : undefined,
            type: s.type,
            subType: s.subType ?? '',
            fatalities: s.fatalities,
            severity: s.severity ?? 0,
            notes: s.notes ?? '',
            origin: options.origin,
            lastInRequest: lastOfCountry.get(s.country) === id,
            requestEarliestOccurredAt: timestampFromDate(earliestOfCountry.get(s.country) as Date),
            attributions: owed.get(s.source) ?? [],
          },
        })),
      );
    }
    // What was recorded under each duplicate's (source, id) (in this transaction too: a pair twice in
    // one request is recorded once): its platform id, and which fields differ, compared in Postgres
    // so that a rerun of a large import does not read every recorded row back. A resend with other
    // figures is told it was not applied (the API and an import's report say so). Keyed by the
    // duplicate item's own id: copies of one pair in a request differ from the recorded one each in
    // their own way (keyed by the pair, the last copy's answer was every copy's).
    const existing = new Map<string, { id: string; differs: string[] }>();
    const duplicates = rows.filter((r) => !insertedIds.has(r.id));
    if (duplicates.length > 0) {
      const found: Array<{ item: string; id: string; differs: string[] }> = await m.query(
        `SELECT d.id AS item, s.id,
                array_remove(ARRAY[${COMPARED.map(([field, column, value]) => `CASE WHEN s.${column} IS DISTINCT FROM ${value} THEN '${field}' END`).join(', ')}], NULL) AS differs
         FROM json_to_recordset($1::json) AS d(id uuid, source text, sid text, country text, admin1 text, admin2 text, location text, lat float8, lon float8, type text, sub text,
                                               occ int8, rep int8, f int, sev smallint, notes text)
         JOIN signals s ON s.source = d.source AND s.source_signal_id = d.sid`,
        [JSON.stringify(duplicates)],
      );
      for (const r of found) existing.set(r.item, { id: r.id, differs: r.differs });
    }
    return signals.map((s, i): IntakeItemResult => {
      if (insertedIds.has(ids[i])) return { id: ids[i], status: 'recorded' };
      const recorded = existing.get(ids[i]);
      return { id: recorded?.id ?? '', status: 'duplicate', ...(recorded && recorded.differs.length > 0 && { differs: recorded.differs }) };
    });
  }

  /**
   * The (source, country) pairs of the signals just inserted, in source_countries: what a country's
   * risk owes its sources is read there. Only pairs this process does not know are written, in one
   * order every request shares (two requests writing the same new pairs in opposite orders would
   * each wait for the other).
   */
  private async recordSourceCountries(m: EntityManager, fresh: ReadonlyArray<{ s: Signal }>, written?: string[]): Promise<void> {
    const unknown = new Map<string, readonly [string, string]>();
    for (const { s } of fresh) {
      const key = `${s.source}\u0000${s.country}`;
      if (!this.knownPairs.has(key) && !unknown.has(key)) unknown.set(key, [s.source, s.country]);
    }
    if (unknown.size === 0) return;
    const pairs = [...unknown.values()];
    await m.query(
      'INSERT INTO source_countries (source, country) SELECT * FROM unnest($1::text[], $2::text[]) AS p(source, country) ORDER BY 1, 2 ON CONFLICT DO NOTHING',
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    written?.push(...unknown.keys());
  }

}

