import { HttpDrain } from './http/http-drain';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { AuthModule, GLOBAL_REGION } from '@crisis-ops/auth';
import { DESK_IDS } from '@crisis-ops/geo';
import type { ServiceConfig } from '@crisis-ops/config';
import { createBoundedKafka, createIdempotentProducer, createKafka, readConsumerGroupLag } from '@crisis-ops/messaging';
import { loggerOptions, observeConsumerLag, shutdownTelemetry } from '@crisis-ops/observability';
import { isPermanentConnectionError, serviceDataSourceOptions } from '@crisis-ops/persistence';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka.health';
import { ConsumerHealthIndicator } from './health/consumer.health';
import { MetricsController } from './http/metrics.controller';
import { ProblemFilter } from './http/problem.filter';
import { KnownQueryInterceptor } from './http/known-query.interceptor';
import { MediaTypeInterceptor } from './http/media-type.interceptor';
import { EventConsumer } from './events/event-consumer';
import { EventPublisher } from './events/event-publisher';
import { OutboxRelayService } from './events/outbox-relay.service';
import { KAFKA, KAFKA_ADMIN, KAFKA_PRODUCER, SERVICE_CONFIG } from './tokens';

export interface ServiceKitOptions {
  readonly config: ServiceConfig;
  /** Topics the service consumes, for the consumer-lag gauge. */
  readonly consumes?: readonly string[];
}

const LAG_READ_TIMEOUT_MS = 5_000;

/** Connects the shared Kafka clients on start and closes them last on shutdown. */
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private stopLag?: () => void;
  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly consumes: readonly string[],
  ) {}

  async onModuleInit(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
    if (this.consumes.length) {
      // Read every 10 s in the background, never during a scrape: a broker that does not answer
      // held /metrics for 30 s. Scrapes get the last reading and its age (consumer_lag_age_seconds).
      // Each read has an admin client of its own, whose requests time out when the read is given up
      // on (5 s) and which is closed then: on the shared one, an abandoned read kept waiting on the
      // broker for kafkajs's timeouts and retries.
      const lagKafka = createBoundedKafka({ clientId: `${this.config.service}-lag`, brokers: this.config.kafkaBrokers }, LAG_READ_TIMEOUT_MS);
      this.stopLag = observeConsumerLag((signal) => readConsumerGroupLag(lagKafka, this.config.service, this.consumes, signal), { everyMs: 10_000, timeoutMs: LAG_READ_TIMEOUT_MS });
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.stopLag?.();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    // The process exits next (Nest re-raises the signal): spans still batched, the last seconds of
    // every trace this replica served, would go with it. Only on a signal: tests close apps that
    // share one process, and its telemetry, with others.
    if (signal) await shutdownTelemetry().catch(() => undefined);
  }
}

/**
 * Everything a crisis-ops service shares: logging with trace ids, its own database schema as its app
 * role, JWT auth on every route but health and metrics, the outbox relay, the reliable consumer,
 * health and metrics endpoints, and the error edge.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot({ config, consumes = [] }: ServiceKitOptions): DynamicModule {
    const kafka = createKafka({ clientId: config.service, brokers: config.kafkaBrokers });
    return {
      module: ServiceKitModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(config.service)),
        TypeOrmModule.forRoot({
          ...serviceDataSourceOptions({ config: config.database, as: 'app', applicationName: config.service }),
          autoLoadEntities: true,
          // A database not up yet is waited for; a refused login (checked at boot, but the password
          // may change in between) is not retried nine times.
          toRetry: (err: unknown) => !isPermanentConnectionError(err),
        }),
        TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
        AuthModule.forRoot({ regions: [...DESK_IDS, GLOBAL_REGION] }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        HttpDrain,
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: KAFKA, useValue: kafka },
        { provide: KAFKA_PRODUCER, useFactory: (k: Kafka) => createIdempotentProducer(k), inject: [KAFKA] },
        { provide: KAFKA_ADMIN, useFactory: (k: Kafka) => k.admin(), inject: [KAFKA] },
        {
          provide: KafkaLifecycle,
          useFactory: (p: Producer, a: Admin, c: ServiceConfig) => new KafkaLifecycle(p, a, c, consumes),
          inject: [KAFKA_PRODUCER, KAFKA_ADMIN, SERVICE_CONFIG],
        },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: MediaTypeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: KnownQueryInterceptor },
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
        OutboxRelayService,
        EventPublisher,
        EventConsumer,
      ],
      exports: [SERVICE_CONFIG, KAFKA, KAFKA_PRODUCER, KAFKA_ADMIN, EventPublisher, EventConsumer, OutboxRelayService, ConsumerHealthIndicator, HttpDrain],
    };
  }
}
