import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { TimelineEntry } from './timeline-entry.entity';

@ApiTags('timeline')
@ApiBearerAuth()
@Controller('timeline')
export class TimelineController {
  constructor(@InjectRepository(TimelineEntry) private readonly entries: Repository<TimelineEntry>) {}

  /** Events across all services, newest first, optionally for one country. */
  @Get()
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query('country') country?: string, @Query('limit') limit = '100') {
    const n = Number(limit);
    const violations = [];
    if (!Number.isInteger(n) || n < 1 || n > 1000) violations.push({ field: 'limit', reason: 'must be an integer from 1 to 1000' });
    if (country !== undefined && !/^[A-Z]{3}$/.test(country)) violations.push({ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' });
    if (violations.length) throw new ValidationFailed('OPS_CENTRE.QUERY_INVALID', violations);
    return this.entries.find({ where: country ? { country } : {}, order: { receivedAt: 'DESC' }, take: n });
  }
}
