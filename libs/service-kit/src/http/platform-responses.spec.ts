import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Body, Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiOkResponse, ApiSecurity, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ApiProblemResponse, QUERY_TOKEN_SCHEME, withPlatformResponses } from './platform-responses';

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

/** A route for EventSource: the token as a bearer header or `?access_token=`, and an answer of its own. */
@Controller('events')
class EventsController {
  @Get()
  @ApiBearerAuth()
  @ApiSecurity(QUERY_TOKEN_SCHEME)
  @ApiOkResponse({ description: 'the events' })
  @ApiProblemResponse(422, 'THINGS.FILTER_INVALID: a filter it cannot take')
  stream() {
    return [];
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
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController, EventsController, HealthController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = withPlatformResponses(SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build()));
  });

  afterAll(async () => {
    await app?.close();
  });

  const statuses = (path: string, method: 'get' | 'post') => Object.keys(document.paths[path]?.[method]?.responses ?? {}).sort();

  it("gives a route behind the token its 401, 403 and 503, and one that takes a body the body parser's 413 and 415", () => {
    expect(statuses('/things', 'get')).toEqual(['200', '400', '401', '403', '431', '503']);
    expect(statuses('/things', 'post')).toEqual(['400', '401', '403', '413', '415', '431', '503']);
    expect(document.paths['/things']?.post?.responses['415']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(document.components?.schemas?.['Problem']).toMatchObject({ required: ['code', 'message'] });
  });

  it("keeps what a route declares of a status itself, and gives an open route only the query check's 400 and the edge's 431", () => {
    expect(document.paths['/things']?.post?.responses['400']).toMatchObject({ description: 'the route says more of its own 400' });
    expect(statuses('/health/live', 'get')).toEqual(['200', '400', '431']);
  });

  it("gives a route's own answer the platform's error body, and a route taking the token in its query that scheme, as an alternative to the bearer header", async () => {
    expect(document.paths['/events']?.get?.responses['422']).toEqual({
      description: 'THINGS.FILTER_INVALID: a filter it cannot take',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(document.paths['/events']?.get?.security).toEqual(expect.arrayContaining([{ bearer: [] }, { access_token: [] }]));
    expect(document.paths['/events']?.get?.security).toHaveLength(2);
    expect(statuses('/events', 'get')).toEqual(['200', '400', '401', '403', '422', '431', '503']);
    expect(document.components?.securitySchemes?.['access_token']).toMatchObject({ type: 'apiKey', in: 'query', name: 'access_token' });
    // Defined only where a route takes it: no other service's document offers it.
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    const other = moduleRef.createNestApplication({ logger: false });
    try {
      const otherDocument = withPlatformResponses(SwaggerModule.createDocument(other, new DocumentBuilder().addBearerAuth().build()));
      expect(Object.keys(otherDocument.components?.securitySchemes ?? {})).toEqual(['bearer']);
    } finally {
      await other.close();
    }
  });
});
