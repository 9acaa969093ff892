import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type FindOptionsWhere, type Repository } from 'typeorm';
import { CurrentPrincipal, type Principal } from '@crisis-ops/auth';
import { countriesOfDesk, type DeskId } from '@crisis-ops/geo';
import { assertMaySeeDesk, deskOf, readableDesks } from '../access/access-policy';
import { QueryCheck } from '../read-model/query-check';
import { TimelineEntry } from './timeline-entry.entity';

@ApiTags('timeline')
@ApiBearerAuth()
@Controller('timeline')
export class TimelineController {
  constructor(@InjectRepository(TimelineEntry) private readonly entries: Repository<TimelineEntry>) {}

  /**
   * Events across all services, newest first, optionally for one country. A regional officer gets
   * their own desk's countries only, as on the stream and the board: asking for another desk's
   * country is refused, and events of no country (or no desk) are for global users.
   */
  @Get()
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@CurrentPrincipal() p: Principal, @Query('country') rawCountry?: string, @Query('limit') rawLimit?: string) {
    const q = new QueryCheck();
    const n = q.limit(rawLimit, 100);
    const country = q.country(rawCountry);
    q.done();
    let where: FindOptionsWhere<TimelineEntry> = {};
    if (country) {
      assertMaySeeDesk(p, deskOf(country));
      where = { country };
    } else {
      const desks = readableDesks(p);
      if (desks) where = { country: In(desks.flatMap((d) => countriesOfDesk(d as DeskId).map((c) => c.iso3))) };
    }
    return this.entries.find({ where, order: { receivedAt: 'DESC' }, take: n });
  }
}
