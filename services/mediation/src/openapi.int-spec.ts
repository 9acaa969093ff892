import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIObject } from '@nestjs/swagger';
import { MAX_PROVISIONS, MAX_SIGNATORIES } from './domain';
import { bootMediation, freshCountries, token, type BootedMediation } from './int-support';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document and the answers are read as JSON */
type Schema = Record<string, any>;
type Method = 'get' | 'post';

/**
 * The OpenAPI document mediation serves (`GET /docs/json`, as a client generates from it) against what
 * it answers, on real Kafka and Postgres: each error a route documents is asked for and answered with
 * its code, and each success is documented with a schema. The document had listed no 404, 409 or 422
 * of any route, and no answer's schema.
 */
describe("mediation's OpenAPI document and its answers", () => {
  let m: BootedMediation;
  let doc: OpenAPIObject;
  let countries: string[] = [];

  beforeAll(async () => {
    countries = await freshCountries(3);
    m = await bootMediation();
    doc = (await (await fetch(`${m.base}/docs/json`)).json()) as OpenAPIObject;
  });

  afterAll(async () => {
    await m?.close();
  });

  const operation = (path: string, method: Method): Schema | undefined => (doc.paths[path] as Schema | undefined)?.[method];
  /** The description of an error the route documents, with the platform's error body. */
  const documented = (path: string, method: Method, status: number): string => {
    const response = operation(path, method)?.responses?.[status];
    expect(response, `${method.toUpperCase()} ${path} documents ${status}`).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    return response.description as string;
  };

  it('documents the answer of every route with a description and a schema', () => {
    const routes = Object.entries(doc.paths).filter(([path]) => path.startsWith('/processes') || path.startsWith('/process-metrics') || path.startsWith('/country-watch'));
    expect(routes.length).toBeGreaterThanOrEqual(14);
    for (const [path, item] of routes) {
      for (const [method, op] of Object.entries(item as Schema)) {
        const success = op.responses?.['200'] ?? op.responses?.['201'];
        expect(success?.description, `${method.toUpperCase()} ${path}`).toBeTruthy();
        expect(success?.content?.['application/json']?.schema, `${method.toUpperCase()} ${path}`).toBeDefined();
        if (path.includes('{id}') || path.includes('{country}')) expect(op.responses?.['404'], `${method.toUpperCase()} ${path}`).toBeDefined();
      }
    }
    expect(doc.components?.schemas?.ProcessView).toMatchObject({ properties: { processId: { format: 'uuid' }, status: { enum: expect.arrayContaining(['proposed', 'active']) } } });
    expect(operation('/processes/{id}', 'get')?.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProcessDetailView' });
    expect(operation('/country-watch/{country}', 'get')?.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CountryWatchView' });
    expect(doc.components?.schemas?.CountryWatchView).toMatchObject({ properties: { signalsSeen: { type: 'number' }, lastSignalAt: { format: 'date-time' } } });
    // What the tally's signals owe (ACLED's terms): the answers carry it, and the document says so.
    expect(doc.components?.schemas?.CountryWatchView).toMatchObject({
      properties: { attributions: { type: 'array', items: { type: 'string' }, description: expect.stringContaining('ACLED') } },
      required: expect.arrayContaining(['attributions']),
    });
  });

  it("documents an agreement's limits: each text's length in characters, and how many provisions and signatories it lists", () => {
    const schemas = doc.components?.schemas as Schema;
    expect(schemas.RecordAgreementDto.properties).toMatchObject({
      title: { maxLength: 500 },
      provisions: { minItems: 1, maxItems: MAX_PROVISIONS, description: expect.stringContaining('bytes in UTF-8') },
      signatories: { minItems: 1, maxItems: MAX_SIGNATORIES },
    });
    expect(schemas.ProvisionDto.properties).toMatchObject({ topic: { maxLength: 200 }, text: { maxLength: 10_000 } });
    expect(schemas.SignatoryDto.properties).toMatchObject({ name: { maxLength: 200 }, organization: { maxLength: 200 } });
  });

  it('documents each error the routes answer, and each is answered as documented', async () => {
    const [proposedIn, keyedIn, unwatched] = countries;
    const officer = await token(['mediation-officer'], 'global');
    const approver = await token(['approver'], 'global');
    const post = (path: string, bearer: string, body: unknown, headers?: Record<string, string>) => m.api('POST', path, bearer, body, headers);
    const envoy = { name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female' };
    const proposed = await post('/processes', officer, { country: proposedIn, track: 'good_offices', lead: 'special_envoy', parties: [{ name: 'Government', kind: 'government' }] });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    const at = `/processes/${id}`;
    const session = { heldAt: new Date(Date.now() - 60_000).toISOString(), place: 'Bamako', participants: [{ gender: 'female', ageGroup: 'adult', count: 2 }] };
    const agreement = {
      kind: 'ceasefire',
      title: 'Ceasefire',
      signedAt: new Date(Date.now() - 60_000).toISOString(),
      provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }],
      signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
    };
    const key = { 'idempotency-key': `openapi-${randomUUID()}` };
    const keyed = { country: keyedIn, track: 'good_offices', lead: 'special_envoy' };
    expect((await post('/processes', officer, keyed, key)).status).toBe(201);

    // In the order they are asked: each leaves the process as the next needs it.
    const cases: Array<[path: string, method: Method, status: number, code: string, ask: () => ReturnType<BootedMediation['api']>]> = [
      ['/processes', 'post', 422, 'MEDIATION.IDEMPOTENCY_KEY_REUSED', () => post('/processes', officer, { ...keyed, situation: 'another request' }, key)],
      ['/processes/{id}', 'get', 404, 'MEDIATION.PROCESS_NOT_FOUND', () => m.api('GET', `/processes/${randomUUID()}`, officer)],
      ['/processes/{id}', 'get', 403, 'MEDIATION.REGION_FORBIDDEN', async () => m.api('GET', at, await token(['viewer'], 'africa'))],
      ['/processes/{id}/close', 'post', 403, 'AUTH.FORBIDDEN_ROLE', async () => post(`${at}/close`, await token(['viewer'], 'global'), { reason: 'r' })],
      ['/processes/{id}/envoys', 'post', 409, 'MEDIATION.PROCESS_NOT_ACTIVE', () => post(`${at}/envoys`, approver, { envoy })],
      ['/processes/{id}/sessions', 'post', 409, 'MEDIATION.PROCESS_NOT_ACTIVE', () => post(`${at}/sessions`, officer, session)],
      ['/processes/{id}/agreements', 'post', 409, 'MEDIATION.PROCESS_NOT_ACTIVE', () => post(`${at}/agreements`, officer, agreement)],
      ['/processes/{id}/suspend', 'post', 409, 'MEDIATION.PROCESS_NOT_ACTIVE', () => post(`${at}/suspend`, officer, { reason: 'r' })],
      ['/processes/{id}/resume', 'post', 409, 'MEDIATION.PROCESS_NOT_SUSPENDED', () => post(`${at}/resume`, officer, { reason: 'r' })],
      ['/processes/{id}/conclude', 'post', 409, 'MEDIATION.PROCESS_NOT_ACTIVE', () => post(`${at}/conclude`, approver, { outcome: 'no_agreement', reason: 'r' })],
      ['/processes/{id}/parties', 'post', 409, 'MEDIATION.PARTY_ALREADY_ADDED', () => post(`${at}/parties`, officer, { name: ' government ', kind: 'government' })],
      ['/country-watch/{country}', 'get', 404, 'MEDIATION.COUNTRY_NOT_WATCHED', () => m.api('GET', `/country-watch/${unwatched}`, officer)],
      ['/country-watch/{country}', 'get', 403, 'MEDIATION.REGION_FORBIDDEN', async () => m.api('GET', '/country-watch/NOR', await token(['viewer'], 'africa'))],
      ['/country-watch/{country}', 'get', 400, 'REQUEST.INVALID', () => m.api('GET', '/country-watch/MAL', officer)],
    ];
    const afterActivation: typeof cases = [
      ['/processes/{id}/activate', 'post', 409, 'MEDIATION.PROCESS_NOT_PROPOSED', () => post(`${at}/activate`, approver, { mandate: 'm', envoy })],
      ['/processes/{id}/envoys', 'post', 409, 'MEDIATION.ENVOY_ALREADY_APPOINTED', () => post(`${at}/envoys`, approver, { envoy })],
      ['/processes/{id}/sessions', 'post', 422, 'MEDIATION.INVALID_INPUT', () => post(`${at}/sessions`, officer, { ...session, partyIds: [randomUUID()] })],
      ['/processes/{id}/conclude', 'post', 422, 'MEDIATION.INVALID_INPUT', () => post(`${at}/conclude`, approver, { outcome: 'agreement', reason: 'r' })],
    ];
    const afterRecords: typeof cases = [
      ['/processes/{id}/sessions', 'post', 409, 'MEDIATION.SESSION_ALREADY_RECORDED', () => post(`${at}/sessions`, officer, session)],
      ['/processes/{id}/agreements', 'post', 409, 'MEDIATION.AGREEMENT_ALREADY_RECORDED', () => post(`${at}/agreements`, officer, agreement)],
    ];
    const afterClosing: typeof cases = [['/processes/{id}/close', 'post', 409, 'MEDIATION.PROCESS_ALREADY_CLOSED', () => post(`${at}/close`, officer, { reason: 'again' })]];
    const bodies: Record<string, unknown> = {
      activate: { mandate: 'm', envoy },
      envoys: { envoy },
      parties: { name: 'P', kind: 'government' },
      sessions: session,
      agreements: agreement,
      suspend: { reason: 'r' },
      resume: { reason: 'r' },
      conclude: { outcome: 'no_agreement', reason: 'r' },
      close: { reason: 'r' },
    };
    for (const [action, body] of Object.entries(bodies)) {
      const bearer = ['activate', 'envoys', 'conclude'].includes(action) ? approver : officer;
      cases.push([`/processes/{id}/${action}`, 'post', 404, 'MEDIATION.PROCESS_NOT_FOUND', () => post(`/processes/${randomUUID()}/${action}`, bearer, body)]);
    }

    const check = async (list: typeof cases) => {
      for (const [path, method, status, code, ask] of list) {
        expect(documented(path, method, status), `${method.toUpperCase()} ${path} ${status}`).toContain(code);
        expect(await ask(), `${method.toUpperCase()} ${path} answers ${status} ${code}`).toMatchObject({ status, body: { code } });
      }
    };
    await check(cases);
    expect((await post(`${at}/activate`, approver, { mandate: 'm', envoy })).status).toBe(200);
    await check(afterActivation);
    expect((await post(`${at}/sessions`, officer, session)).status).toBe(200);
    expect((await post(`${at}/agreements`, officer, agreement)).status).toBe(200);
    await check(afterRecords);
    expect((await post(`${at}/close`, officer, { reason: 'test done' })).status).toBe(200);
    await check(afterClosing);
  });
});
