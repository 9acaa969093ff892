import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RiskLevel } from '@crisis-ops/contracts';
import { devToken, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../test/int-harness';
import { publishEscalation } from '../test/events';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document and the answers are read as JSON */
type Schema = Record<string, any>;

/**
 * The OpenAPI document ops-centre serves (`GET /docs/json`, as a client generates from it) against
 * what it answers, on real Kafka and Postgres: each error a route documents is asked for and answered
 * with its code, and an alert as answered has every field its schema lists, of the type listed,
 * null only where the schema says nullable. A client generated from the document had been told that
 * the stream routes take no token and answer 200 or 400, and that an alert had no assignee.
 */
describe("ops-centre's OpenAPI document and its answers", () => {
  const h = useOpsCentre('ops-centre-openapi-int-producer');
  const { api } = h;
  let doc: OpenAPIObject;
  let africa: string;

  /** An alert opened by a fresh escalation in `country`, once the read model has it. */
  const openAlert = async (country = 'MLI'): Promise<{ id: string }> => {
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH, drivers: [{ kind: 'battles', label: 'Armed clashes', area: '', count: 7, weight: 0.8 }] });
    return eventually(async () => (await api(`/alerts?country=${country}&status=all&limit=1000`, h.globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
  };
  const post = (path: string, body?: string) => api(path, h.globalToken, { method: 'POST', ...(body === undefined ? {} : { body }) });
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.base}${path}`, { headers });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  beforeAll(async () => {
    doc = (await (await fetch(`${h.base}/docs/json`)).json()) as OpenAPIObject;
    africa = await devToken({ roles: ['watch-officer'], region: 'africa', subject: `int-openapi-${randomUUID()}` });
  });

  const operation = (path: string, method: 'get' | 'post') => (doc.paths[path] as Schema)?.[method];
  /** The description of an error the route documents, with the platform's error body. */
  const documented = (path: string, method: 'get' | 'post', status: number): string => {
    const response = operation(path, method)?.responses?.[status];
    expect(response, `${method.toUpperCase()} ${path} documents ${status}`).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    return response.description;
  };

  it('documents each error the routes answer, and each is answered as documented', async () => {
    const acknowledged = await openAlert();
    expect((await post(`/alerts/${acknowledged.id}/acknowledge`)).status).toBe(200);
    const closed = await openAlert();
    expect((await post(`/alerts/${closed.id}/close`, '{}')).status).toBe(200);
    const nowhere = `/alerts/${randomUUID()}`;
    // A key answered once: sent again with another request, each action refuses it.
    const keyed = await openAlert();
    const reusedKey = { 'idempotency-key': randomUUID() };
    expect((await api(`/alerts/${keyed.id}/comments`, h.globalToken, { method: 'POST', body: '{"body":"Keyed."}', headers: reusedKey })).status).toBe(200);
    const cases: Array<[path: string, method: 'get' | 'post', status: number, code: string, ask: () => Promise<{ status: number; body: any }>]> = [
      ['/alerts/{id}', 'get', 404, 'OPS_CENTRE.ALERT_NOT_FOUND', () => api(nowhere, h.globalToken)],
      ['/audit', 'get', 404, 'OPS_CENTRE.ALERT_NOT_FOUND', () => api(`/audit?alertId=${randomUUID()}`, h.globalToken)],
      ['/alerts/{id}/acknowledge', 'post', 409, 'OPS_CENTRE.ALERT_TRANSITION_INVALID', () => post(`/alerts/${acknowledged.id}/acknowledge`)],
      ['/timeline', 'get', 422, 'OPS_CENTRE.QUERY_INVALID', () => api(`/timeline?before=${randomUUID()}`, h.globalToken)],
      ['/stream', 'get', 401, 'AUTH.TOKEN_MISSING', () => get('/stream')],
      ['/stream', 'get', 403, 'OPS_CENTRE.REGION_FORBIDDEN', () => get(`/stream?region=europe-central-asia&access_token=${africa}`)],
      ['/stream', 'get', 422, 'OPS_CENTRE.STREAM_FILTER_INVALID', () => get('/stream?minLevel=severe', { authorization: `Bearer ${africa}` })],
      ['/replay', 'get', 401, 'AUTH.TOKEN_INVALID', () => get('/replay?from=2020-01-01&access_token=not-a-token')],
      ['/replay', 'get', 403, 'OPS_CENTRE.REGION_FORBIDDEN', () => get('/replay?from=2020-01-01&country=NOR', { authorization: `Bearer ${africa}` })],
      ['/replay', 'get', 422, 'OPS_CENTRE.REPLAY_INVALID', () => get(`/replay?from=1800-01-01&access_token=${africa}`)],
      ['/replay', 'get', 422, 'OPS_CENTRE.STREAM_FILTER_INVALID', () => get(`/replay?from=2020-01-01&minLevel=severe&access_token=${africa}`)],
    ];
    for (const action of ['acknowledge', 'assign', 'comments', 'close']) {
      const body = action === 'assign' ? '{"assignee":"officer-7"}' : action === 'comments' ? '{"body":"Called the field office."}' : '{}';
      cases.push([`/alerts/{id}/${action}`, 'post', 404, 'OPS_CENTRE.ALERT_NOT_FOUND', () => post(`${nowhere}/${action}`, body)]);
      cases.push([`/alerts/{id}/${action}`, 'post', 409, 'OPS_CENTRE.ALERT_TRANSITION_INVALID', () => post(`/alerts/${closed.id}/${action}`, body)]);
      cases.push([`/alerts/{id}/${action}`, 'post', 422, 'OPS_CENTRE.IDEMPOTENCY_KEY_REUSED', () => api(`/alerts/${keyed.id}/${action}`, h.globalToken, { method: 'POST', body, headers: reusedKey })]);
    }
    for (const [path, method, status, code, ask] of cases) {
      expect(documented(path, method, status), `${method.toUpperCase()} ${path} ${status}`).toContain(code);
      expect(await ask(), `${method.toUpperCase()} ${path} answers ${status} ${code}`).toMatchObject({ status, body: { code } });
    }
  });

  it('documents the Idempotency-Key header on each alert action, optional, with what a retry and a reused key get', () => {
    for (const action of ['acknowledge', 'assign', 'comments', 'close']) {
      const header = operation(`/alerts/{id}/${action}`, 'post').parameters?.find((p: Schema) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(header, action).toMatchObject({ required: false, description: expect.stringContaining('OPS_CENTRE.IDEMPOTENCY_KEY_REUSED') });
      expect(header.description, action).toContain('24 h');
    }
  });

  it("documents the audit's X-Audit-Desks header, whose entries an answer holds, beside its X-Next-Cursor", async () => {
    const headers = operation('/audit', 'get').responses['200'].headers;
    expect(Object.keys(headers).sort()).toEqual(['X-Audit-Desks', 'X-Next-Cursor']);
    expect(headers['X-Audit-Desks'].description).toContain('own entries');
    expect((await api('/audit?limit=1', africa)).headers.get('x-audit-desks')).toBe('africa');
  });

  it('documents that the stream routes take the token as bearer header or access_token, and answer events', async () => {
    expect(doc.components?.securitySchemes?.['access_token']).toMatchObject({ type: 'apiKey', in: 'query', name: 'access_token' });
    for (const path of ['/stream', '/replay']) {
      const op = operation(path, 'get');
      expect(op.security, path).toEqual(expect.arrayContaining([{ bearer: [] }, { access_token: [] }]));
      expect(Object.keys(op.responses).sort(), path).toEqual(['200', '400', '401', '403', '422', '431', '503']);
      expect(op.responses['200'].content, path).toHaveProperty(['text/event-stream']);
      expect(documented(path, 'get', 503), path).toContain('AUTH.VERIFIER_UNAVAILABLE');
    }
    // Either way in, an event stream, as documented.
    for (const s of [await h.stream('', africa), await h.stream('', undefined, { authorization: `Bearer ${africa}` })]) {
      expect(s.status).toBe(200);
      expect(s.messages[0]).toMatchObject({ event: 'hello', data: { region: 'africa' } });
    }
  });

  it('documents every field of an alert as answered, of its type, nullable where null is answered', async () => {
    const schemas = doc.components?.schemas as Record<string, Schema>;
    const resolve = (s: Schema): Schema => (s.$ref ? schemas[s.$ref.split('/').pop() as string] : s);
    /** Where `value` departs from `schema`: a field missing or not documented, a type, a null not documented. */
    const departures = (value: unknown, schema: Schema, at: string): string[] => {
      const s = resolve(schema);
      if (value === null) return s.nullable ? [] : [`${at}: null, not documented nullable`];
      if (s.type === 'array') return Array.isArray(value) ? value.flatMap((v, i) => departures(v, s.items, `${at}[${i}]`)) : [`${at}: not an array`];
      if (s.properties) {
        const o = value as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(o), ...Object.keys(s.properties)])].sort();
        return keys.flatMap((k) => (!(k in s.properties) ? [`${at}.${k}: answered, not documented`] : !(k in o) ? [`${at}.${k}: documented, not answered`] : departures(o[k], s.properties[k], `${at}.${k}`)));
      }
      const type = s.type === 'integer' ? (Number.isInteger(value) ? 'integer' : typeof value) : typeof value;
      return type === s.type ? [] : [`${at}: ${type}, documented ${s.type}`];
    };
    const listed = (await api('/alerts?status=all&limit=1000', h.globalToken)).body;
    expect(listed.length).toBeGreaterThan(0);
    const open = await openAlert();
    const commented = (await post(`/alerts/${open.id}/comments`, '{"body":"Called the field office."}')).body;
    const closed = (await post(`/alerts/${(await openAlert()).id}/close`, '{"reason":"Mediation opened"}')).body;
    const viewed = (await api(`/alerts/${open.id}`, h.globalToken)).body;
    expect(commented.comments).toHaveLength(1);
    // A national driver's area and an open alert's closing are null: both must be documented so.
    expect(viewed).toMatchObject({ closedAt: null, drivers: [{ area: null }] });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'Mediation opened' });

    const answer = (path: string, method: 'get' | 'post') => operation(path, method).responses['200'].content['application/json'].schema;
    expect(departures(listed, answer('/alerts', 'get'), 'GET /alerts')).toEqual([]);
    expect(departures(viewed, answer('/alerts/{id}', 'get'), 'GET /alerts/{id}')).toEqual([]);
    expect(departures(commented, answer('/alerts/{id}/comments', 'post'), 'POST comments')).toEqual([]);
    expect(departures(closed, answer('/alerts/{id}/close', 'post'), 'POST close')).toEqual([]);
  });

  it('takes a close without a body and refuses [] on every alert action, naming the body, as documented', async () => {
    expect(operation('/alerts/{id}/close', 'post').requestBody.required).toBe(false);
    expect(operation('/alerts/{id}/acknowledge', 'post').requestBody.required).toBe(false);
    expect(documented('/alerts/{id}/close', 'post', 400)).toContain('REQUEST.INVALID');

    // The reason is optional: no body closes the alert, as {} does.
    const closing = await openAlert();
    const res = await fetch(`${h.base}/alerts/${closing.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${h.globalToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'closed', closeReason: null });

    // `[]` is no object: refused alike on each action, with nothing applied (it acknowledged the alert,
    // and was "body: is required" to close, "assignee: is required" to assign).
    const alert = await openAlert();
    for (const action of ['acknowledge', 'assign', 'comments', 'close']) {
      expect(await post(`/alerts/${alert.id}/${action}`, '[]'), action).toMatchObject({
        status: 400,
        body: { code: 'REQUEST.INVALID', errors: [{ field: 'body', reason: 'must be a JSON object, not an array' }] },
      });
    }
    expect((await api(`/alerts/${alert.id}`, h.globalToken)).body).toMatchObject({ status: 'open', assignee: null, acknowledgedBy: null, comments: [] });
  });
});
