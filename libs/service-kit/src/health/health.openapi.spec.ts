import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { withPlatformResponses } from '../http/platform-responses';
import { OutboxRelayService } from '../events/outbox-relay.service';
import { ConsumerHealthIndicator } from './consumer.health';
import { HealthController } from './health.controller';
import { KafkaHealthIndicator } from './kafka.health';

/** The health probes as every service's OpenAPI document gives them (bootstrap: withPlatformResponses). */
describe("the health probes' answers in the OpenAPI document", () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [HealthController],
      // Only the document is read: the probes are never called.
      providers: [HealthCheckService, TypeOrmHealthIndicator, KafkaHealthIndicator, ConsumerHealthIndicator, OutboxRelayService].map((provide) => ({ provide, useValue: {} })),
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = withPlatformResponses(SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build()));
  });

  afterAll(async () => {
    await app?.close();
  });

  const responses = (path: string) => document.paths[path]?.get?.responses ?? {};

  it('lists the 503 HEALTH.NOT_LIVE that /health/live answers once the consumer is given up on, and the 431 of headers too large', () => {
    expect(Object.keys(responses('/health/live')).sort()).toEqual(['200', '400', '431', '503']);
    expect(responses('/health/live')['503']).toMatchObject({ description: expect.stringContaining('HEALTH.NOT_LIVE'), content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(responses('/health/live')['431']).toMatchObject({ description: expect.stringContaining('REQUEST.HEADERS_TOO_LARGE') });
  });

  it('lists the 503 HEALTH.NOT_READY of /health/ready with its code, and the 431', () => {
    expect(Object.keys(responses('/health/ready')).sort()).toEqual(['200', '400', '431', '503']);
    expect(responses('/health/ready')['503']).toMatchObject({ description: expect.stringContaining('HEALTH.NOT_READY') });
  });
});
