import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ValidationFailed } from '@crisis-ops/domain-kernel';
import { SignalRecord } from '../signal.entity';

@ApiTags('signals')
@ApiBearerAuth()
@Controller('signals')
export class ListSignalsController {
  constructor(@InjectRepository(SignalRecord) private readonly signals: Repository<SignalRecord>) {}

  /** The latest signals, newest first (filters and cursor pagination come with the intake issue). */
  @Get()
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(@Query('country') country?: string, @Query('limit') limit = '100') {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      throw new ValidationFailed('EARLY_WARNING.QUERY_INVALID', [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }]);
    }
    if (country !== undefined && !/^[A-Z]{3}$/.test(country)) {
      throw new ValidationFailed('EARLY_WARNING.QUERY_INVALID', [{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]);
    }
    return this.signals.find({ where: country ? { country } : {}, order: { recordedAt: 'DESC' }, take: n });
  }
}
