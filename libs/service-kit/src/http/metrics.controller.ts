import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '@crisis-ops/auth';
import { metricsHandler } from '@crisis-ops/observability';

/** Prometheus text exposition on the service's own port, for scrapers and the ops console. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  metrics(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    metricsHandler(req, res);
  }
}
