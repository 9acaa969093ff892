import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '@crisis-ops/domain-kernel';
import { CountryWatch } from './country-watch.entity';

@ApiTags('country-watch')
@ApiBearerAuth()
@Controller('country-watch')
export class CountryWatchController {
  constructor(@InjectRepository(CountryWatch) private readonly watch: Repository<CountryWatch>) {}

  @Get()
  list() {
    return this.watch.find({ order: { updatedAt: 'DESC' } });
  }

  @Get(':country')
  async one(@Param('country') country: string) {
    const found = await this.watch.findOneBy({ country });
    if (!found) throw new DomainError('MEDIATION.COUNTRY_NOT_WATCHED', `no signals seen for ${country}`, 'not-found');
    return found;
  }
}
