import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { serviceSpec, type ServiceName } from '@crisis-ops/contracts';
import { loadAuthConfig } from '@crisis-ops/auth';
import { ConfigError, loadServiceConfig, type ServiceConfig } from '@crisis-ops/config';
import { runMigrations } from '@crisis-ops/persistence';
import { strictValidationPipe } from './http/validation';

export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly description: string;
  /** The root module, given the validated configuration. */
  readonly module: (config: ServiceConfig) => DynamicModule;
  /** TypeORM migration classes of the service, in order. */
  readonly migrations: ReadonlyArray<new () => unknown>;
  /** Whether the service consumes Kafka events (joins consumer group = service name). */
  readonly consumesEvents: boolean;
}

/** Loads and validates configuration; a bad variable stops the process with a message naming it. */
export function configOrExit(name: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const spec = serviceSpec(name);
  const problems: string[] = [];
  let config: ServiceConfig | undefined;
  try {
    config = loadServiceConfig(name, spec.schema, spec.defaultPort, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(err.message);
  }
  try {
    loadAuthConfig(env);
  } catch (err) {
    problems.push(`${name}: invalid auth configuration\n  - ${(err as Error).message}`);
  }
  if (problems.length || !config) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(78); // EX_CONFIG
  }
  return config;
}

export function kafkaTransport(config: ServiceConfig): MicroserviceOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: config.service, brokers: config.kafkaBrokers, retry: { initialRetryTime: 300, retries: 8 } },
      // Explicit group id = service name; without postfixId Nest would append "-server".
      // A short fetch wait: an idle consumer notices new events (and rebalances) within a quarter second.
      consumer: { groupId: config.service, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 250, allowAutoTopicCreation: false },
      postfixId: '',
      // Nest's own producer (unused: replies are never requested) gets the same partitioner as ours.
      producer: { createPartitioner: Partitioners.DefaultPartitioner },
      // Payloads are protobuf: keep record values as bytes.
      parser: { keepBinary: true },
      subscribe: { fromBeginning: true },
      // One event at a time per partition (so per country), up to six partitions at once: a slow
      // country does not hold up the others, and order within a country is kept.
      run: { autoCommit: true, partitionsConsumedConcurrently: 6 },
    },
  };
}

/**
 * Starts one service: configuration, migrations (as the migrator role), HTTP first so liveness
 * answers, then the Kafka consumer. If Kafka cannot be joined the process exits non-zero, so a
 * supervisor restarts it instead of leaving a half-alive consumer.
 */
export async function bootstrapService(def: ServiceDefinition): Promise<INestApplication> {
  const config = configOrExit(def.name);
  if (config.migrateOnBoot) {
    try {
      await runMigrations({ config: config.database, migrations: [...def.migrations] as never });
    } catch (err) {
      process.stderr.write(
        `${def.name}: migrations failed as ${config.database.migratorUser}@${config.database.host}:${config.database.port}/${config.database.name}: ${(err as Error).message}\n`,
      );
      process.exit(1);
    }
  }
  const app = await NestFactory.create(def.module(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalPipes(strictValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(`crisis-ops ${def.name}`).setDescription(def.description).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  if (def.consumesEvents) app.connectMicroservice(kafkaTransport(config), { inheritAppConfig: true });
  await app.listen(config.port, '0.0.0.0');
  logger.log(`${def.name} listening on :${config.port}`);
  if (def.consumesEvents) {
    try {
      await app.startAllMicroservices();
      logger.log(`${def.name} consuming as group "${config.service}"`);
    } catch (err) {
      logger.error(`${def.name} could not join Kafka: ${(err as Error).message}`);
      await app.close().catch(() => undefined);
      process.exit(1);
    }
  }
  return app;
}
