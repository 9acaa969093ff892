import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { devToken } from '@crisis-ops/testing';
import { bootEarlyWarning, unassessedCountry, type BootedEarlyWarning } from './int-support';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document and the answers are read as JSON */
type Schema = Record<string, any>;
type Answer = { status: number; body: any };

/**
 * The OpenAPI document early-warning serves (`GET /docs/json`, as a client generates from it) against
 * what it answers, on real Postgres: each error a route documents is asked for and answered with its
 * code, in the platform's error body. The document had `GET /risk/{country}` answer 200, 400, 401,
 * 403 or 503, where a country with no risk yet (BWA before any import) answers 404
 * EARLY_WARNING.COUNTRY_NOT_ASSESSED, and gave the 400s of the signal routes and the 404 of an
 * import job no body schema.
 */
describe("early-warning's OpenAPI document and its answers", () => {
  let ew: BootedEarlyWarning;
  let doc: OpenAPIObject;
  let watchOfficer: string;
  let asiaPacific: string;

  /** The answer to a request with the token given (the analyst's unless told), JSON read. */
  const ask = async (method: string, path: string, { token = ew.token as string | null, body, type = 'application/json' }: { token?: string | null; body?: string | FormData; type?: string | null } = {}): Promise<Answer> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined && type) headers['content-type'] = type;
    const res = await fetch(`${ew.base}${path}`, { method, headers, body });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const operation = (path: string, method: string): Schema => (doc.paths[path] as Schema)?.[method];
  /** The description of an error the route documents, with the platform's error body. */
  const documented = (path: string, method: string, status: number): string => {
    const response = operation(path, method)?.responses?.[status];
    expect(response, `${method.toUpperCase()} ${path} documents ${status}`).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    return response.description;
  };

  beforeAll(async () => {
    ew = await bootEarlyWarning('openapi');
    doc = (await (await fetch(`${ew.base}/docs/json`)).json()) as OpenAPIObject;
    watchOfficer = await devToken({ roles: ['watch-officer'], region: null, subject: `int-openapi-${randomUUID()}` });
    asiaPacific = await devToken({ roles: ['analyst'], region: 'asia-pacific', subject: `int-openapi-${randomUUID()}` });
  });

  afterAll(async () => {
    await ew?.close();
  });

  it('documents each error the routes answer, and each is answered as documented', async () => {
    const notAssessed = await unassessedCountry(ew.db);
    const form = new FormData();
    form.set('format', 'acled');
    const ghanaSignal = { source: `int-openapi-${randomUUID()}`, country: 'GHA', type: 'protests', occurredAt: '2026-11-01T10:00:00Z' };
    const cases: Array<[path: string, method: string, status: number, code: string, answer: () => Promise<Answer>]> = [
      ['/risk/{country}', 'get', 404, 'EARLY_WARNING.COUNTRY_NOT_ASSESSED', () => ask('GET', `/risk/${notAssessed}`)],
      ['/risk/{country}', 'get', 400, 'REQUEST.INVALID', () => ask('GET', '/risk/BKF')],
      ['/risk/{country}', 'get', 401, 'AUTH.TOKEN_MISSING', () => ask('GET', `/risk/${notAssessed}`, { token: null })],
      ['/risk', 'get', 400, 'REQUEST.INVALID', () => ask('GET', '/risk?region=atlantis')],
      ['/imports/{id}', 'get', 404, 'EARLY_WARNING.IMPORT_JOB_NOT_FOUND', () => ask('GET', `/imports/${randomUUID()}`)],
      ['/imports', 'post', 400, 'REQUEST.INVALID', () => ask('POST', '/imports', { body: form, type: null })],
      ['/imports', 'post', 403, 'AUTH.FORBIDDEN_ROLE', () => ask('POST', '/imports', { token: watchOfficer, body: form, type: null })],
      ['/signals', 'post', 400, 'REQUEST.INVALID', () => ask('POST', '/signals', { body: '{}' })],
      ['/signals', 'post', 400, 'REQUEST.MALFORMED_JSON', () => ask('POST', '/signals', { body: '{"id":' })],
      ['/signals', 'post', 403, 'AUTH.FORBIDDEN_ROLE', () => ask('POST', '/signals', { token: watchOfficer, body: '{}' })],
      ['/signals/batch', 'post', 400, 'REQUEST.INVALID', () => ask('POST', '/signals/batch', { body: '{"items":[{}]}' })],
      // A desk's analyst, for a country of another desk: nothing recorded.
      ['/signals', 'post', 403, 'EARLY_WARNING.REGION_FORBIDDEN', () => ask('POST', '/signals', { token: asiaPacific, body: JSON.stringify(ghanaSignal) })],
      ['/signals/batch', 'post', 403, 'EARLY_WARNING.REGION_FORBIDDEN', () => ask('POST', '/signals/batch', { token: asiaPacific, body: JSON.stringify({ items: [ghanaSignal] }) })],
      ['/signals/batch', 'post', 403, 'AUTH.FORBIDDEN_ROLE', () => ask('POST', '/signals/batch', { token: watchOfficer, body: '{}' })],
      ['/signals/batch', 'post', 400, 'REQUEST.MALFORMED_JSON', () => ask('POST', '/signals/batch', { body: '{"items":[' })],
      ['/signals', 'get', 400, 'REQUEST.INVALID', () => ask('GET', '/signals?limit=0')],
      ['/exports/signals.csv', 'get', 400, 'REQUEST.INVALID', () => ask('GET', '/exports/signals.csv?country=BKF')],
      ['/exports/risk.csv', 'get', 400, 'REQUEST.INVALID', () => ask('GET', '/exports/risk.csv?region=atlantis')],
    ];
    for (const [path, method, status, code, answer] of cases) {
      expect(documented(path, method, status), `${method.toUpperCase()} ${path} ${status}`).toContain(code);
      expect(await answer(), `${method.toUpperCase()} ${path} answers ${status} ${code}`).toMatchObject({ status, body: { code } });
    }
  });

  it('documents the attribution header of the signals export', () => {
    expect(operation('/exports/signals.csv', 'get').responses['200'].headers).toHaveProperty(['X-Data-Attribution']);
  });

  it("documents the history's paging of /risk/{country}: its parameters and the X-Next-Cursor header", () => {
    const op = operation('/risk/{country}', 'get');
    expect(op.parameters.map((p: Schema) => p.name).sort()).toEqual(['country', 'history', 'historyCursor', 'historyKind']);
    expect(op.responses['200'].headers).toHaveProperty(['X-Next-Cursor']);
    expect(op.responses['200'].description).toContain('historyNextCursor');
  });
});
