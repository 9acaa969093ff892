import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@crisis-ops/auth';
import { KafkaHealthIndicator } from './kafka.health';
import { OutboxRelayService } from '../events/outbox-relay.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly relay: OutboxRelayService,
  ) {}

  /** The process is up and its event loop answers; says nothing about dependencies. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to serve: its database and Kafka answer. 503 with the failing dependency otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2_000 }),
      () => this.kafka.check('kafka'),
      async () => ({ outbox: { status: 'up' as const, active: this.relay.isActive, backlog: this.relay.backlog } }),
    ]);
  }
}
