import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body, Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { withPlatformResponses } from './platform-responses';

@ApiBearerAuth()
@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }

  @Post()
  @ApiBody({ schema: { type: 'object' } })
  @ApiBadRequestResponse({ description: 'the route says more of its own 400' })
  add(@Body() body: unknown) {
    return body;
  }
}

@Controller('health')
class HealthController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

describe('the answers every route gives, in the OpenAPI document', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController, HealthController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = withPlatformResponses(SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build()));
  });

  afterAll(async () => {
    await app?.close();
  });

  const statuses = (path: string, method: 'get' | 'post') => Object.keys(document.paths[path]?.[method]?.responses ?? {}).sort();

  it("gives a route behind the token its 401, 403 and 503, and one that takes a body the body parser's 413 and 415", () => {
    expect(statuses('/things', 'get')).toEqual(['200', '400', '401', '403', '503']);
    expect(statuses('/things', 'post')).toEqual(['400', '401', '403', '413', '415', '503']);
    expect(document.paths['/things']?.post?.responses['415']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(document.components?.schemas?.['Problem']).toMatchObject({ required: ['code', 'message'] });
  });

  it("keeps what a route declares of a status itself, and gives an open route only the query check's 400", () => {
    expect(document.paths['/things']?.post?.responses['400']).toMatchObject({ description: 'the route says more of its own 400' });
    expect(statuses('/health/live', 'get')).toEqual(['200', '400']);
  });
});
