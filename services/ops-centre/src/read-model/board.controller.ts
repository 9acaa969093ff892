import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, type Principal } from '@crisis-ops/auth';
import { ChecksQuery } from '@crisis-ops/service-kit';
import { riskTrendOf, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { countryByIso3 } from '@crisis-ops/geo';
import { assertMaySeeCountry, deskOf, isGlobal, readableDesks } from '../access/access-policy';
import { responseDurations, responseStatus, type ResponseRow } from './projection';
import { shownPayload } from '../timeline/event-payload';
import { levelName, levelOf } from './risk-level';
import { QueryCheck } from './query-check';
import { ApiPaged, sendPage } from './paged-route';
import { admin1Of, driversOf, NATIONAL_ADMIN1 } from './national-area';
import { shortNameOf } from '../stream/stream-item';
import { decodeResponseCursor } from './response-cursor';
import { responsePage } from './response-page';
import { COUNTRY_ATTRIBUTIONS, decodeRiskCursor, riskPage } from './risk-page';
import { payloadFor } from '../access/mediation-content';
import { countryProcesses } from './country-processes';
import { countryElectionsAndEngagements } from './country-elections';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw rows from pg */
const areaOf = (r: any) => ({
  country: r.country,
  name: countryByIso3(r.country)?.name ?? r.country,
  admin1: admin1Of(r.admin1),
  region: r.desk,
  level: Number(r.level),
  levelName: levelName(Number(r.level)),
  score: Number(r.score),
  drivers: driversOf(r.drivers),
  levelChangedAt: r.level_changed_at,
  updatedAt: r.updated_at,
  history: r.history,
  // Early-warning's own trend, from the same RiskAssessed events: not the history's first and last points.
  trend: riskTrendOf(r.trend_delta === null || r.trend_delta === undefined ? null : Number(r.trend_delta)),
  trendDelta: r.trend_delta === null || r.trend_delta === undefined ? 0 : Number(r.trend_delta),
  // What the data its country's risk was built from owes (ACLED's attribution): shown with it. [] when nothing.
  attributions: Array.isArray(r.attributions) ? r.attributions : [],
});

/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The query of GET /response-times, every fault named at once. The edge runs it too, to name these
 * with a parameter the route does not take (ChecksQuery), rather than run the route: a page run so
 * would set its X-Next-Cursor on the refusal.
 */
function responseTimesQuery(query: Record<string, unknown>) {
  const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const q = new QueryCheck();
  const country = q.country(text('country'));
  const limit = q.limit(text('limit'));
  const region = q.region(text('region'));
  const status = q.oneOf('status', text('status'), ['pending', 'all']);
  const after = q.cursor(text('cursor'), decodeResponseCursor);
  q.done();
  return { country, limit, region, pendingOnly: status === 'pending', after };
}

/**
 * Before pages, the board answered its first 2,000 rows and no more, silently: a watch officer reading
 * every area of many countries could not tell the board was cut. 2,000 stays the largest page.
 */
const RISK_PAGE_MAX = 2_000;

/** The alerts a country page lists, newest first; `alertCount` says how many the country has. */
const COUNTRY_PAGE_ALERTS = 50;

/** The query of GET /risk, every fault named at once (ChecksQuery runs it too, with a parameter the route does not take). */
function riskQuery(query: Record<string, unknown>) {
  const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const q = new QueryCheck();
  const scope = q.oneOf('scope', text('scope') ?? 'national', ['national', 'all']);
  const minLevelText = text('minLevel');
  const minLevel = minLevelText === undefined ? undefined : levelOf(minLevelText);
  if (minLevel === 0) q.invalid('minLevel', 'must be low, elevated, high or critical (or 1-4)');
  const region = q.region(text('region'));
  const limit = q.limit(text('limit'), RISK_PAGE_MAX, RISK_PAGE_MAX);
  const after = q.cursor(text('cursor'), decodeRiskCursor);
  q.done();
  return { scope, minLevel: minLevel || undefined, region, limit, after };
}

const countryCode = (v: string) => {
  const q = new QueryCheck();
  const c = q.country(v) as string;
  q.done();
  return c;
};

@ApiTags('board')
@ApiBearerAuth()
@Controller()
export class BoardController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Who the caller is, as the console needs it. */
  @Get('me')
  me(@CurrentPrincipal() p: Principal) {
    return { ...p, global: isGlobal(p) };
  }

  /** The risk board: current risk per country (national) or per area, worst first, a page at a time. */
  @Get('risk')
  @ApiOperation({
    summary: 'The risk board',
    description:
      'Current risk per country (scope national, the default) or per country and admin1 area (scope all), worst first: by level, then score, ' +
      'then country and admin1. One page of `limit` rows; when more follow, the X-Next-Cursor header carries the `cursor` of the next page, ' +
      'which goes on after the last row shown. An area whose level or score moves between pages is listed where it stands when its page is read. ' +
      "Each row's attributions: what the data its country's risk was built from owes (ACLED's attribution), to be shown with it; [] when nothing.",
  })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'scope', required: false, description: 'national (default) | all (countries and admin1 areas)' })
  @ApiQuery({ name: 'minLevel', required: false })
  @ApiPaged({ limit: { max: RISK_PAGE_MAX, fallback: RISK_PAGE_MAX }, ok: { description: 'One page of the board' } })
  @ChecksQuery(riskQuery)
  async risk(
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('region') region?: string,
    @Query('scope') scope?: string,
    @Query('minLevel') minLevel?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const query = riskQuery({ region, scope, minLevel, limit, cursor });
    const desks = readableDesks(p, query.region);
    const page = await riskPage(
      this.db,
      { nationalOnly: query.scope === 'national', nationalAdmin1: NATIONAL_ADMIN1, desks, minLevel: query.minLevel },
      query.limit,
      query.after,
    );
    return sendPage(res, { rows: page.rows.map(areaOf), next: page.next });
  }

  /** A country page: its risk, alerts, the state of its mediation processes, elections and partner engagements, and its timeline. */
  @Get('countries/:country')
  @ApiOperation({
    summary: 'A country page',
    description:
      'Its risk per area, the newest 50 alerts and alertCount, and its timeline (the newest 200 events). ' +
      "attributions: what the data its risk was built from owes (ACLED's attribution, as its latest risk event says), to be shown with it; [] when nothing (each risk row says the same). " +
      'mediation: each process with its status (state), since, admin1, lead and lastEvent. ' +
      "elections: each election by its newest event (state: election-scheduled or election-postponed) with its id whole (electoral support's own, free text), " +
      "since (the event's occurredAt, else its publication), kind and admin1 (its ElectionScheduled's; admin1 null for national), " +
      'scheduledFor (the polling day as it stands, null when postponed without a new one), postponedFrom and reason (a postponement\'s, else null). ' +
      "partnerships: each engagement by its newest PartnerEngaged with its id whole (partnerships' own, free text), partner, kind and description " +
      "(null when not given) and since (the engagement's own `at`, else the event's publication). " +
      'Elections and engagements come newest since first; each keeps its newest event\'s payload.',
  })
  async country(@CurrentPrincipal() p: Principal, @Param('country') raw: string) {
    const country = countryCode(raw);
    const desk = deskOf(country);
    assertMaySeeCountry(p, country);
    const [areas, alerts, timeline, processes, others] = await Promise.all([
      this.db.query(`SELECT *, ${COUNTRY_ATTRIBUTIONS} FROM risk_areas WHERE country = $1 ORDER BY admin1`, [country]),
      // The newest alerts, and how many the country has: the page shows COUNTRY_PAGE_ALERTS and says
      // when there are more, rather than leaving an officer to believe a busy country has only those.
      this.db.query(
        `SELECT id, escalation_id, admin1, level, status, assignee, opened_at, cleared_at, cleared_to_level, count(*) OVER () AS total
           FROM alerts WHERE country = $1 ORDER BY opened_at DESC, id DESC LIMIT ${COUNTRY_PAGE_ALERTS}`,
        [country],
      ),
      this.db.query(
        `SELECT event_id AS "eventId", ce_type AS type, ce_source AS source, occurred_at AS "occurredAt", topic, payload, trace_id AS "traceId"
         FROM timeline_entries WHERE country = $1 ORDER BY occurred_at DESC, received_at DESC LIMIT 200`,
        [country],
      ),
      countryProcesses(this.db, country),
      countryElectionsAndEngagements(this.db, country),
    ]);
    return {
      country,
      name: countryByIso3(country)?.name ?? country,
      region: desk,
      risk: areas.map(areaOf),
      // What the data the country's risk was built from owes (its latest risk event's): [] when nothing.
      attributions: areas.length ? areaOf(areas[0]).attributions : [],
      // The area (null national, else the admin1) tells apart a country's alerts of one level and status.
      // An alert a de-escalation cleared says when, and to which level, the area fell back.
      alertCount: alerts.length ? Number(alerts[0].total) : 0,
      alerts: alerts.map((a: Record<string, unknown>) => ({
        id: a.id,
        escalationId: a.escalation_id,
        admin1: admin1Of(a.admin1),
        level: Number(a.level),
        levelName: levelName(Number(a.level)),
        status: a.status,
        assignee: a.assignee,
        openedAt: a.opened_at,
        clearedAt: a.cleared_at ?? null,
        clearedToLevel: a.cleared_to_level === null || a.cleared_to_level === undefined ? null : Number(a.cleared_to_level),
        clearedToLevelName: a.cleared_to_level === null || a.cleared_to_level === undefined ? null : levelName(Number(a.cleared_to_level)),
      })),
      mediation: processes.map((m) => ({ ...m, payload: payloadFor(p, TOPIC_MEDIATION, m.payload) })),
      ...others,
      timeline: timeline.map((t: { type: string; topic: string; payload: Record<string, unknown> }) => ({ ...t, payload: payloadFor(p, t.topic, shownPayload(t.type, t.payload)), name: shortNameOf(t.type) })),
    };
  }

  /** Per escalation: where its response stands, and time to mediation proposed and opened, from the events' own times. */
  @Get('response-times')
  @ApiOperation({
    summary: 'Time to response per escalation',
    description:
      'status: awaiting-proposal | awaiting-opening (pending); opened; closed-unopened (its process closed before it was opened); ' +
      'not-warranted (below the level mediation answers); reversed (a RiskDeescalated took its area below its level before a process was opened: ' +
      'reversedAt, reversedToLevel and toReversedMs say when and where to). ' +
      'Pending ones come first, then the rest, each newest first, so that a limit never hides a pending response behind settled ones. ' +
      'One page of `limit`; when more follow, the X-Next-Cursor header carries the `cursor` of the next page, which goes on after ' +
      'the last row shown, each row as it stands now. No escalation listed when paging began is skipped; one answered between pages ' +
      'may be listed a second time, further on among the settled ones, with its new status; one recorded since is on a later page ' +
      'only if it sorts after the rows shown (a settled one, or one of an older time), else on a new first page.',
  })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'status', required: false, description: 'pending (awaiting-proposal and awaiting-opening only) | all (default)' })
  @ApiPaged({ limit: { max: 1000, fallback: 200 }, ok: { description: 'One page of escalations' } })
  @ChecksQuery(responseTimesQuery)
  async responseTimes(
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('region') region?: string,
    @Query('country') country?: string,
    @Query('limit') limit?: string,
    @Query('status') status?: string,
    @Query('cursor') cursor?: string,
  ) {
    const query = responseTimesQuery({ region, country, limit, status, cursor });
    const desks = readableDesks(p, query.region);
    // Another desk's country is refused, as on /alerts and /timeline, not answered with an empty list.
    if (query.country) assertMaySeeCountry(p, query.country);
    const page = await responsePage(this.db, { desks, country: query.country, pendingOnly: query.pendingOnly }, query.limit, query.after);
    const rows = page.rows.map((r: Record<string, unknown>) => {
      const row: ResponseRow = {
        escalationId: r.escalation_id as string,
        level: r.level === null ? null : Number(r.level),
        escalatedAt: r.escalated_at as Date | null,
        proposedAt: r.proposed_at as Date | null,
        openedAt: r.opened_at as Date | null,
        closedUnopenedAt: r.closed_unopened_at as Date | null,
        reversedAt: (r.reversed_at as Date | null) ?? null,
        reversedToLevel: r.reversed_to_level === null || r.reversed_to_level === undefined ? null : Number(r.reversed_to_level),
      };
      return { ...row, country: r.country, admin1: admin1Of(r.admin1), region: r.desk, processId: r.process_id, referred: r.referred === true, status: responseStatus(row), ...responseDurations(row) };
    });
    return sendPage(res, { rows, next: page.next });
  }
}
