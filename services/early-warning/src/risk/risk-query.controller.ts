import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DESK_IDS, isDeskId, platformIso3, type DeskId } from '@crisis-ops/geo';
import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { invalidRequest } from '@crisis-ops/service-kit';
import { EXERCISE_COUNTRIES } from '../signals/intake/exercise-countries';
import { countryCodeViolations, exerciseCodeViolations } from '../signals/country-param';
import { RiskQueries } from './risk-query.service';

/** What is wrong with a `region` parameter: none, or not a desk. */
export const deskViolations = (region: unknown): FieldViolation[] =>
  region === undefined || (typeof region === 'string' && isDeskId(region)) ? [] : [{ field: 'region', reason: `must be one of ${DESK_IDS.join(', ')}` }];

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

  /** Current national risk of every assessed country (level, score, trend), highest first. */
  @Get()
  @ApiQuery({ name: 'region', required: false, enum: DESK_IDS, description: "a regional desk: only that desk's countries" })
  @ApiOkResponse({ description: 'AreaRiskView[]' })
  list(@Query('region') region?: string) {
    return this.risk.countries(deskParam(region));
  }

  /** One country: national risk, its admin1 breakdown, the context in force and its assessment history (newest first). */
  @Get(':country')
  @ApiQuery({ name: 'history', required: false, description: 'how many history entries (1..1000, default 100)' })
  @ApiOkResponse({ description: '{ national, admin1: AreaRiskView[], context: ContextView[] (in force on the national asOf), history }' })
  async one(@Param('country') country: string, @Query('history') history = '100') {
    // Digits only: Number() took "1e1", "0x3" and "2.0" as counts nobody wrote.
    const n = /^\d{1,4}$/.test(history) ? Number(history) : Number.NaN;
    // A code that names no country was answered "not assessed yet", as if it could be one day.
    const errors = [
      ...countryCodeViolations(country),
      ...(!Number.isInteger(n) || n < 1 || n > 1000 ? [{ field: 'history', reason: 'must be an integer from 1 to 1000' }] : []),
    ];
    if (errors.length > 0) throw invalidRequest(errors);
    const found = await this.risk.country(platformIso3(country), n);
    if (!found) {
      // "Not assessed yet" holds for an exercise code only where intake takes such codes. What
      // mediation's context or an earlier exercise left under one is answered above.
      const exercise = exerciseCodeViolations(country, this.exerciseCountries);
      if (exercise.length > 0) throw invalidRequest(exercise);
      throw new NotFoundException({ code: 'EARLY_WARNING.COUNTRY_NOT_ASSESSED', message: `no risk has been assessed for ${country} yet` });
    }
    return found;
  }
}
