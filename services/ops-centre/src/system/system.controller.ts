import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crisis-ops/auth';
import { SYSTEM_READERS } from '../access/access-policy';
import { SystemService } from './system.service';

@ApiTags('system')
@ApiBearerAuth()
@Controller('system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  /** Health, consumer groups (members, lag per partition), outbox backlog and DLQ counts per service. */
  @Get()
  @Roles(...SYSTEM_READERS)
  view() {
    return this.system.view();
  }
}
