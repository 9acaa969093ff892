import { HttpDrain } from './http/http-drain';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { KafkaOptions } from '@nestjs/microservices';
import { BatchingKafkaServer } from './events/batching-kafka.server';
import { Partitioners, type Consumer } from 'kafkajs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { serviceSpec, type ServiceName } from '@crisis-ops/contracts';
import { loadAuthConfig } from '@crisis-ops/auth';
import { ConfigError, loadServiceConfig, type ServiceConfig } from '@crisis-ops/config';
import { assertLoginAccepted, runMigrations, variablesToCheck } from '@crisis-ops/persistence';
import { logLevelProblem, otlpEndpointProblems } from '@crisis-ops/observability';
import { relayOnThreadOf } from './events/outbox-relay.service';
import { requestPipes } from './http/validation';
import { ConsumerHealthIndicator } from './health/consumer.health';
import { jsonBodyParser } from './http/json-body';
import { answerClientErrors } from './http/client-error';
import { withPlatformResponses } from './http/platform-responses';

export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly description: string;
  /** The root module, given the validated configuration. */
  readonly module: (config: ServiceConfig) => DynamicModule;
  /** TypeORM migration classes of the service, in order. */
  readonly migrations: ReadonlyArray<new () => unknown>;
  /** Whether the service consumes Kafka events (joins consumer group = service name). */
  readonly consumesEvents: boolean;
  /** Largest JSON body a request may carry (body-parser syntax, e.g. `16mb`); default 100kb. */
  readonly jsonBodyLimit?: string;
  /**
   * The service's own variables, checked with the platform's before anything starts: each problem
   * names its variable and the reason. Read later (in a provider), a bad value stopped the service
   * only after its migrations had run, and one variable at a time.
   */
  readonly envProblems?: (env: NodeJS.ProcessEnv) => readonly string[];
}

/** Loads and validates configuration; a bad variable stops the process with a message naming it. */
export function configOrExit(name: ServiceName, env: NodeJS.ProcessEnv = process.env, envProblems?: ServiceDefinition['envProblems']): ServiceConfig {
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
  // Read by the logger, which would otherwise fail after the migrations ran, without naming it.
  const logLevel = logLevelProblem(env['LOG_LEVEL']);
  if (logLevel) problems.push(`${name}: ${logLevel}`);
  // Read by the trace exporter, which takes any string and then exports nothing, saying nothing.
  for (const otlp of otlpEndpointProblems(env)) problems.push(`${name}: ${otlp}`);
  const own = envProblems?.(env) ?? [];
  if (own.length) problems.push(`${name}: invalid configuration of its own\n${own.map((p) => `  - ${p}`).join('\n')}`);
  if (problems.length || !config) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(78); // EX_CONFIG
  }
  return config;
}

/** Nest Kafka server options of a service (BatchingKafkaServer takes the same as Transport.KAFKA). */
export function kafkaServerOptions(config: ServiceConfig): NonNullable<KafkaOptions['options']> {
  return {
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
    // Up to six partitions at once, each in offset order (so per country): a slow country does not
    // hold up the others, and order within a country is kept.
    run: { autoCommit: true, partitionsConsumedConcurrently: 6 },
  };
}

export interface StartOptions {
  readonly port?: number;
  readonly host?: string;
  /** Nest's console logger at warn level instead of pino JSON: for services booted inside tests. */
  readonly quiet?: boolean;
}

/**
 * Builds and starts a service: migrations (as the migrator role), HTTP first so liveness answers,
 * then the Kafka consumer. Throws on failure, having closed what it opened; `main.ts` goes through
 * bootstrapService, tests call this directly.
 */
export async function startServiceApp(def: ServiceDefinition, config: ServiceConfig, options: StartOptions = {}): Promise<INestApplication> {
  if (config.migrateOnBoot) {
    try {
      await runMigrations({ config: config.database, migrations: [...def.migrations] as never });
    } catch (err) {
      throw new Error(
        `migrations failed as ${config.database.migratorUser}@${config.database.host}:${config.database.port}/${config.database.name}: ${(err as Error).message}${variablesToCheck(err, 'migrator')}`,
      );
    }
  }
  // The app role's login, tried once before Nest: a wrong password is said in one line naming the
  // variable, where TypeOrmModule retried it for half a minute and Nest printed each try's stack.
  await assertLoginAccepted(config.database, 'app', config.service);
  // Nest's own parsers are replaced by one whose errors carry the platform's codes (json-body.ts).
  const app = await NestFactory.create(def.module(config), { bodyParser: false, ...(options.quiet ? { logger: ['error', 'warn'] } : { bufferLogs: true }) });
  // What Node's parser refuses before Express sees it (headers over its limit) in the platform's error body too.
  answerClientErrors(app.getHttpServer());
  app.use(app.get(HttpDrain).middleware);
  app.use(jsonBodyParser(def.jsonBodyLimit ?? '100kb'));
  if (!options.quiet) {
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
  }
  app.useGlobalPipes(...requestPipes());
  const document = withPlatformResponses(
    SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(`crisis-ops ${def.name}`).setDescription(def.description).setVersion('1').addBearerAuth().build()),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  const server = def.consumesEvents ? new BatchingKafkaServer(kafkaServerOptions(config)) : undefined;
  if (server) app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  await app.listen(options.port ?? config.port, options.host ?? '0.0.0.0');
  if (server) {
    try {
      await app.startAllMicroservices();
    } catch (err) {
      await app.close().catch(() => undefined);
      throw new Error(`could not join Kafka as consumer group "${config.service}": ${(err as Error).message}`);
    }
    app.get(ConsumerHealthIndicator).watch(server.unwrap<[unknown, Consumer]>()[1]);
  }
  return app;
}

/**
 * The process entry of every service. A service that cannot start exits non-zero, so a supervisor
 * restarts it instead of keeping a half-alive consumer. The outbox relay runs on a thread of its own
 * from relay-thread.js, built beside main.js; without it (main.ts run some other way) it runs here.
 */
export async function bootstrapService(def: ServiceDefinition): Promise<INestApplication> {
  const config = configOrExit(def.name, process.env, def.envProblems);
  const relayEntry = join(dirname(process.argv[1] ?? ''), 'relay-thread.js');
  relayOnThreadOf(existsSync(relayEntry) ? relayEntry : undefined);
  try {
    const app = await startServiceApp(def, config);
    const logger = app.get(Logger);
    logger.log(`${def.name} listening on :${config.port}${def.consumesEvents ? `, consuming as group "${config.service}"` : ''}`);
    return app;
  } catch (err) {
    process.stderr.write(`${def.name} failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
