import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DESK_IDS, isDeskId, platformIso3, type DeskId } from '@crisis-ops/geo';
import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { ApiProblemResponse, invalidRequest } from '@crisis-ops/service-kit';
import { EXERCISE_COUNTRIES } from '../signals/intake/exercise-countries';
import { countryCodeViolations, exerciseCodeViolations } from '../signals/country-param';
import { RiskQueries } from './risk-query.service';
import { HISTORY_KINDS, MAX_HISTORY, parseHistoryPage } from './risk-history-query';
import { ATTRIBUTION_HEADER, attributionHeader } from './data-attribution';

/** The answer header carrying the next page's cursor, as the platform's other listings send it. */
export const NEXT_CURSOR = 'X-Next-Cursor';

/** What is wrong with a `region` parameter: none, or not a desk. */
export const deskViolations = (region: unknown): FieldViolation[] =>
  region === undefined || (typeof region === 'string' && isDeskId(region)) ? [] : [{ field: 'region', reason: `must be one of ${DESK_IDS.join(', ')}` }];

const ATTRIBUTION_DOC = {
  [ATTRIBUTION_HEADER]: {
    description: "what the answer's data owes together (ACLED's, UCDP's attribution: each area's `attributions` says its own); absent when nothing",
    schema: { type: 'string' },
  },
};

/** Sets the attribution header of an answer showing these areas' risk. */
function attribute(res: Response | undefined, areas: ReadonlyArray<{ country: string; attributions: string[] }>): void {
  const header = attributionHeader(new Map(areas.map((a) => [a.country, a.attributions])));
  if (header) res?.setHeader(ATTRIBUTION_HEADER, header);
}

export function deskParam(region: string | undefined): DeskId | undefined {
  const violations = deskViolations(region);
  if (violations.length > 0) throw invalidRequest(violations);
  return region as DeskId | undefined;
}

@ApiTags('risk')
@ApiBearerAuth()
@Controller('risk')
export class RiskQueryController {
  constructor(
    private readonly risk: RiskQueries,
    @Inject(EXERCISE_COUNTRIES) private readonly exerciseCountries: boolean,
  ) {}

  /** Current national risk of every assessed country (level, score, trend), highest level first, then highest score. */
  @Get()
  @ApiQuery({ name: 'region', required: false, enum: DESK_IDS, description: "a regional desk: only that desk's countries" })
  @ApiOkResponse({
    description: "AreaRiskView[]; each one's `attributions` is what the data its risk was built from owes (ACLED's, UCDP's attribution), empty when nothing",
    headers: ATTRIBUTION_DOC,
  })
  @ApiProblemResponse(400, 'REQUEST.INVALID: `region` is not a regional desk, or a query parameter the route does not take')
  async list(@Query('region') region?: string, @Res({ passthrough: true }) res?: Response) {
    const areas = await this.risk.countries(deskParam(region));
    attribute(res, areas);
    return areas;
  }

  /**
   * One country: national risk, its admin1 breakdown, the context in force and one page of its
   * assessment history (newest first). The history pages back by cursor: `historyNextCursor` (and the
   * X-Next-Cursor header) is the `historyCursor` of the next page, null (no header) on the last, so an
   * answer cut at `history` entries says so. `historyKind=escalated,deescalated` keeps the level changes only.
   */
  @Get(':country')
  @ApiQuery({ name: 'history', required: false, description: `how many history entries (1..${MAX_HISTORY}, default 100)` })
  @ApiQuery({
    name: 'historyKind',
    required: false,
    isArray: true,
    enum: HISTORY_KINDS,
    description: 'comma list, or given more than once, of history kinds: only those entries (`escalated,deescalated`: every level change, however many assessments a large import stored)',
  })
  @ApiQuery({ name: 'historyCursor', required: false, description: 'the historyNextCursor (X-Next-Cursor) of the previous answer: the history entries older than its last' })
  @ApiOkResponse({
    description:
      '{ national, admin1: AreaRiskView[], context: ContextView[] (in force on the national asOf), history (newest first), historyNextCursor: the historyCursor of the next page of history, null when this answer holds the oldest entry }',
    headers: { [NEXT_CURSOR]: { description: 'historyNextCursor, present when older history entries follow', schema: { type: 'string' } }, ...ATTRIBUTION_DOC },
  })
  @ApiProblemResponse(
    400,
    'REQUEST.INVALID, `errors` naming each field: `country` (not an ISO 3166-1 alpha-3 code, or an exercise code where this deployment runs none), `history`, `historyKind`, `historyCursor`, or a query parameter the route does not take',
  )
  @ApiProblemResponse(404, 'EARLY_WARNING.COUNTRY_NOT_ASSESSED: a country (or, where exercises run, an exercise code) with no risk assessed yet: no signal or aggregate of it has been processed')
  async one(
    @Param('country') country: string,
    @Query('history') history?: string,
    @Query('historyKind') historyKind?: string | string[],
    @Query('historyCursor') historyCursor?: string,
    @Res({ passthrough: true }) res?: Response,
  ) {
    // A code that names no country was answered "not assessed yet", as if it could be one day.
    const { page, violations } = parseHistoryPage(history, historyKind, historyCursor);
    const errors = [...countryCodeViolations(country), ...violations];
    if (!page || errors.length > 0) throw invalidRequest(errors);
    const found = await this.risk.country(platformIso3(country), page);
    if (!found) {
      // "Not assessed yet" holds for an exercise code only where intake takes such codes. What
      // mediation's context or an earlier exercise left under one is answered above.
      const exercise = exerciseCodeViolations(country, this.exerciseCountries);
      if (exercise.length > 0) throw invalidRequest(exercise);
      throw new NotFoundException({ code: 'EARLY_WARNING.COUNTRY_NOT_ASSESSED', message: `no risk has been assessed for ${country} yet` });
    }
    if (found.historyNextCursor) res?.setHeader(NEXT_CURSOR, found.historyNextCursor);
    attribute(res, [found.national]);
    return found;
  }
}
