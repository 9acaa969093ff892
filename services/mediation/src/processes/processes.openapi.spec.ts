import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProcessesController } from './processes.controller';
import { MediationService } from './mediation.service';

describe('the OpenAPI document of the processes', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProcessesController], providers: [{ provide: MediationService, useValue: {} }] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('gives X-Next-Cursor as a header of the listing\'s answer, not one the request sends', () => {
    const list = document.paths['/processes']?.get;
    expect(list?.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'X-Next-Cursor' }));
    expect(list?.responses['200']).toMatchObject({ headers: { 'X-Next-Cursor': { description: 'present when another page follows', schema: { type: 'string' } } } });
  });
});
