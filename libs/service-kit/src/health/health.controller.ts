import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@crisis-ops/auth';
import { KafkaHealthIndicator } from './kafka.health';
import { ConsumerHealthIndicator } from './consumer.health';
import { OutboxRelayService } from '../events/outbox-relay.service';
import { ApiProblemResponse } from '../http/platform-responses';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly consumer: ConsumerHealthIndicator,
    private readonly relay: OutboxRelayService,
  ) {}

  /**
   * The process is up and its event loop answers; says nothing about dependencies, which come and go.
   * Only a consumer kafkajs has given up on for good makes it 503: nothing but a restart brings it back.
   */
  @Get('live')
  @ApiOkResponse({ description: 'Live: `{ "status": "ok" }`', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  @ApiProblemResponse(503, 'HEALTH.NOT_LIVE: kafkajs has given up on the consumer for good (the message says why); only a restart brings it back')
  live() {
    const givenUp = this.consumer.givenUp;
    if (givenUp) throw new ServiceUnavailableException({ code: 'HEALTH.NOT_LIVE', message: givenUp });
    return { status: 'ok' };
  }

  /** Ready to serve: its database and Kafka answer, and its consumer (if any) runs. 503 with what fails otherwise. */
  @Get('ready')
  @HealthCheck()
  @ApiProblemResponse(503, 'HEALTH.NOT_READY: its database, Kafka or consumer does not answer or run; `error` and `details` say which')
  async ready() {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 2_000 }),
        () => this.kafka.check('kafka'),
        () => this.consumer.check('consumer'),
        async () => ({ outbox: { status: 'up' as const, active: this.relay.isActive, backlog: this.relay.backlog } }),
      ]);
    } catch (err) {
      // Terminus' answer says what is down; the error edge keeps a body that carries a code, so it
      // goes out with one instead of as a bare "Service Unavailable".
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const body = err.getResponse() as { error?: Record<string, unknown>; details?: Record<string, unknown> };
      const down = Object.keys(body.error ?? {});
      throw new ServiceUnavailableException({ code: 'HEALTH.NOT_READY', message: `not ready: ${down.join(', ') || 'unknown'}`, error: body.error, details: body.details });
    }
  }
}
