import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { DomainError } from '@crisis-ops/domain-kernel';
import { platformIso3 } from '@crisis-ops/geo';
import { invalidRequest } from '@crisis-ops/service-kit';
import { assertMayRead, READ_ROLES, readableRegions } from '../processes/access-policy';
import { countryCodeProblem } from '../processes/process.dto';
import { processRegionOf } from '../region/region-of';
import { CountryWatch } from './country-watch.entity';

/** The region a country's tally belongs to, as a process of that country does. */
const regionOfWatch = processRegionOf;

/** The per-country signal tally, read under the same roles and regions as the processes. */
@ApiTags('country-watch')
@ApiBearerAuth()
@Controller('country-watch')
export class CountryWatchController {
  constructor(@InjectRepository(CountryWatch) private readonly watch: Repository<CountryWatch>) {}

  @Get()
  @Roles(...READ_ROLES)
  async list(@CurrentPrincipal() p: Principal) {
    const regions = readableRegions(p);
    const rows = await this.watch.find({ order: { updatedAt: 'DESC' } });
    return regions ? rows.filter((r) => regions.includes(regionOfWatch(r.country))) : rows;
  }

  @Get(':country')
  @Roles(...READ_ROLES)
  async one(@CurrentPrincipal() p: Principal, @Param('country') country: string) {
    // Before the region rule: a code that names no country has no region, and was a 403 'unassigned'.
    const problem = countryCodeProblem(country);
    if (problem) throw invalidRequest([{ field: 'country', reason: problem }]);
    assertMayRead(p, { region: regionOfWatch(country), country: platformIso3(country) });
    const found = await this.watch.findOneBy({ country: platformIso3(country) });
    if (!found) throw new DomainError('MEDIATION.COUNTRY_NOT_WATCHED', `no signals seen for ${country}`, 'not-found');
    return found;
  }
}
