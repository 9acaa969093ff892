import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { DomainError } from '@crisis-ops/domain-kernel';
import { platformIso3 } from '@crisis-ops/geo';
import { ApiProblemResponse, invalidRequest } from '@crisis-ops/service-kit';
import { MEDIATION_ERRORS } from '../domain';
import { assertMayRead, READ_ROLES, readableRegions } from '../processes/access-policy';
import { countryCodeProblem } from '../processes/process.dto';
import { processRegionOf } from '../region/region-of';
import { CountryWatch } from './country-watch.entity';
import { CountryWatchView, WATCH_ANSWERS } from './country-watch.openapi';

/** The region a country's tally belongs to, as a process of that country does. */
const regionOfWatch = processRegionOf;
/** A refusal names the country watch: "may not access processes of …" was said on routes about no process. */
const WATCH = 'the country watch';

/** The per-country signal tally, read under the same roles and regions as the processes. */
@ApiTags('country-watch')
@ApiBearerAuth()
@ApiProblemResponse(403, WATCH_ANSWERS.forbidden)
@Controller('country-watch')
export class CountryWatchController {
  constructor(@InjectRepository(CountryWatch) private readonly watch: Repository<CountryWatch>) {}

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'The signal tally of each country the caller may read, latest updated first.' })
  @ApiOkResponse({ type: [CountryWatchView], description: 'The tally of each watched country in the regions the caller may read, each with what its signals owe (`attributions`)' })
  async list(@CurrentPrincipal() p: Principal) {
    const regions = readableRegions(p, undefined, WATCH);
    const rows = await this.watch.find({ order: { updatedAt: 'DESC' } });
    return regions ? rows.filter((r) => regions.includes(regionOfWatch(r.country))) : rows;
  }

  @Get(':country')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: "One country's signal tally." })
  @ApiOkResponse({ type: CountryWatchView, description: 'The signals seen for the country, when the latest occurred, and what they owe (`attributions`)' })
  @ApiProblemResponse(400, WATCH_ANSWERS.invalid)
  @ApiProblemResponse(404, WATCH_ANSWERS.notWatched)
  async one(@CurrentPrincipal() p: Principal, @Param('country') country: string) {
    // Before the region rule: a code that names no country has no region, and was a 403 'unassigned'.
    const problem = countryCodeProblem(country);
    if (problem) throw invalidRequest([{ field: 'country', reason: problem }]);
    assertMayRead(p, { region: regionOfWatch(country), country: platformIso3(country) }, WATCH);
    const found = await this.watch.findOneBy({ country: platformIso3(country) });
    if (!found) throw new DomainError(MEDIATION_ERRORS.COUNTRY_NOT_WATCHED, `no signals seen for ${country}`, 'not-found');
    return found;
  }
}
