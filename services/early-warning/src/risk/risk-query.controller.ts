import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { countryByIso3, DESK_IDS, isDeskId, isUserAssignedCountry, type DeskId } from '@crisis-ops/geo';
import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { invalidRequest } from '@crisis-ops/service-kit';
import { EXERCISE_COUNTRIES } from '../signals/intake/exercise-countries';
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
    if (!/^[A-Z]{3}$/.test(country) || !Number.isInteger(n) || n < 1 || n > 1000) {
      const errors = [
        ...(!/^[A-Z]{3}$/.test(country) ? [{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }] : []),
        ...(!Number.isInteger(n) || n < 1 || n > 1000 ? [{ field: 'history', reason: 'must be an integer from 1 to 1000' }] : []),
      ];
      throw invalidRequest(errors);
    }
    // A code that names no country was answered "not assessed yet", as if it could be one day.
    if (!countryByIso3(country) && !isUserAssignedCountry(country)) throw invalidRequest([{ field: 'country', reason: `${country} is not an ISO 3166-1 country` }]);
    const found = await this.risk.country(country, n);
    if (!found) {
      // A user-assigned code is an exercise's: "not assessed yet" holds only where intake takes such
      // codes. Elsewhere nothing will ever assess it (what mediation's context or an earlier exercise
      // left is answered above), so the code is the fault.
      if (isUserAssignedCountry(country) && !this.exerciseCountries) {
        throw invalidRequest([{ field: 'country', reason: `${country} is a user-assigned code, taken only for exercises, which this deployment does not run (EARLY_WARNING_EXERCISE_COUNTRIES is off)` }]);
      }
      throw new NotFoundException({ code: 'EARLY_WARNING.COUNTRY_NOT_ASSESSED', message: `no risk has been assessed for ${country} yet` });
    }
    return found;
  }
}
