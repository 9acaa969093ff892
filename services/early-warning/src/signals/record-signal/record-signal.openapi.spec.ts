import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CLOCK } from '@crisis-ops/domain-kernel';
import { RecordSignalController } from './record-signal.controller';
import { SignalIntake } from '../intake/signal-intake.service';
import { EXERCISE_COUNTRIES } from '../intake/exercise-countries';

describe('the OpenAPI schema of a signal', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [RecordSignalController],
      providers: [
        { provide: SignalIntake, useValue: {} },
        { provide: CLOCK, useValue: {} },
        { provide: EXERCISE_COUNTRIES, useValue: false },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('says what intake refuses: whole numbers in range, and the longest text each field takes', () => {
    const properties = (document.components?.schemas?.['RecordSignalCommand'] as { properties: Record<string, object> }).properties;
    expect(properties['fatalities']).toMatchObject({ type: 'integer', minimum: 0, maximum: 1_000_000 });
    expect(properties['severity']).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
    expect(properties['source']).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(properties['notes']).toMatchObject({ maxLength: 4000 });
    for (const field of ['id', 'admin1', 'admin2', 'location']) expect(properties[field], field).toMatchObject({ maxLength: 200 });
    expect(properties['country']).toMatchObject({ pattern: '^[A-Z]{3}$' });
  });
});
