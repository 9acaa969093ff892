import { describe, expect, it } from 'vitest';
import { analystToken, api, exportedSpansContain, platform, randomHex, signalBody, spansOfTrace, testCountry } from './platform-api';
import { SERVICES_UNDER_TEST } from './platform';
import { devToken, eventually } from '@crisis-ops/testing';

interface Violation {
  field: string;
  reason: string;
}

/** OTLP SpanKind of a span that answered a request. */
const SERVER_SPAN = 2;

interface Readiness {
  status: string;
  info: Record<string, { status: string }>;
}

describe('the HTTP edge of the services', () => {
  it('rejects bad input with 400 and names every field with its reason', async () => {
    const res = await api<{ code: string; errors: Violation[] }>(`${platform()['early-warning']}/signals`, {
      body: { country: 'Burkina', type: 'earthquake', occurredAt: 'yesterday', fatalities: -1, colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.INVALID');
    const fields = new Set(res.body.errors.map((e) => e.field));
    expect([...fields].sort()).toEqual(['colour', 'country', 'fatalities', 'occurredAt', 'source', 'type']);
    for (const e of res.body.errors) expect(e.reason, `reason for ${e.field}`).toMatch(/\w{3,}/);
    expect(res.body.errors).toContainEqual({ field: 'country', reason: expect.stringContaining('alpha-3') });
  });

  it('answers a body it cannot read with a code naming the part at fault, never a 500', async () => {
    const post = async (body: string, headers: Record<string, string>) => {
      const res = await fetch(`${platform()['early-warning']}/signals/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await analystToken()}`, ...headers },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: (await res.json()) as { code: string; errors: Violation[] } };
    };
    const malformed = await post('{"items": [', { 'content-type': 'application/json' });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'REQUEST.MALFORMED_JSON', errors: [{ field: 'body' }] } });
    // Over early-warning's 16 MB: a batch of 5,000 signals fits well inside it, this does not.
    const huge = JSON.stringify({ items: [{ notes: 'x'.repeat(17 * 1024 * 1024) }] });
    expect(await post(huge, { 'content-type': 'application/json' })).toMatchObject({
      status: 413,
      body: { code: 'REQUEST.TOO_LARGE', errors: [{ field: 'body', reason: `is ${huge.length} bytes; the limit is ${16 * 1024 * 1024} bytes` }] },
    });
    expect(await post('{}', { 'content-type': 'application/json', 'content-encoding': 'compress' })).toMatchObject({ status: 415, body: { code: 'REQUEST.UNSUPPORTED_ENCODING' } });
    expect(await post('items=1', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({
      status: 415,
      body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'content-type' }] },
    });
    // Text no column can hold (it reached Postgres and came back as a 500).
    const unstorable = JSON.stringify({ items: [signalBody(testCountry(), { notes: 'cut\u0000here', location: '\ud800' })] });
    const refused = await post(unstorable, { 'content-type': 'application/json' });
    expect(refused).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(refused.body.errors.map((e) => e.field).sort()).toEqual(['items[0].location', 'items[0].notes']);
  });

  it('refuses a query parameter the route does not take, so a misspelt filter never answers with everything', async () => {
    const signals = await api<{ code: string; errors: Violation[] }>(`${platform()['early-warning']}/signals?contry=BFA&limit=5`);
    expect(signals).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'contry', reason: expect.stringContaining('country') }] } });
    const timeline = await api<{ code: string; errors: Violation[] }>(`${platform()['ops-centre']}/timeline?from=yesterday`);
    expect(timeline).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'from', reason: 'is not a parameter of this request (it takes before, country, limit, minLevel, region, type)' }] } });
    // A route's own checks answer in the same shape, and a malformed value as every service does:
    // 400 REQUEST.INVALID, as early-warning's /signals and mediation's /processes answer limit=abc.
    for (const path of ['/timeline?limit=0', '/timeline?limit=abc', '/response-times?limit=abc']) {
      const limit = await api<{ code: string; errors: Violation[] }>(`${platform()['ops-centre']}${path}`);
      expect(limit, path).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }] } });
    }
    const signalsLimit = await api<{ code: string }>(`${platform()['early-warning']}/signals?limit=abc`);
    expect(signalsLimit).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    // Values outside what a parameter takes are named too, before any access check.
    const board = await api<{ code: string; errors: Violation[] }>(`${platform()['ops-centre']}/risk?scope=everything&minLevel=extreme&region=mars`);
    expect(board).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(board.body.errors.map((e) => e.field)).toEqual(['scope', 'minLevel', 'region']);
  });

  it('answers 401 AUTH.TOKEN_MISSING without a bearer token, on writes and reads', async () => {
    const post = await api(`${platform()['early-warning']}/signals`, { body: signalBody(testCountry()), token: null });
    expect(post.status).toBe(401);
    expect(post.body).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
    expect(post.headers.get('www-authenticate')).toBe('Bearer');

    const read = await api(`${platform()['ops-centre']}/timeline`, { token: null });
    expect(read).toMatchObject({ status: 401, body: { code: 'AUTH.TOKEN_MISSING' } });
  });

  it('records signals and starts imports only for analysts; reading stays open to any valid token', async () => {
    const officer = await devToken({ roles: ['watch-officer'], region: 'africa' });
    for (const path of ['/signals', '/signals/batch']) {
      const res = await api(`${platform()['early-warning']}${path}`, { body: path === '/signals' ? signalBody(testCountry()) : { items: [signalBody(testCountry())] }, token: officer });
      expect(res, path).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN_ROLE' } });
    }
    // A file of no rows: the analyst's upload must start a job, and one that moves no country's risk
    // (what an import does with rows is for the import tests).
    const upload = (token: string) => {
      const form = new FormData();
      form.append('file', new Blob(['event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source\n'], { type: 'text/csv' }), 'x.csv');
      return fetch(`${platform()['early-warning']}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form, signal: AbortSignal.timeout(10_000) });
    };
    expect((await upload(officer)).status).toBe(403);
    const accepted = await upload(await analystToken());
    expect({ status: accepted.status, body: await accepted.json() }).toMatchObject({ status: 202, body: { jobId: expect.any(String), status: 'queued' } });
    // Reading stays open to any valid token.
    expect((await api(`${platform()['early-warning']}/signals?limit=1`, { token: officer })).status).toBe(200);
  });

  it('needs no token for health, metrics and the API docs; the docs describe POST /signals', async () => {
    const base = platform()['early-warning'];
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      expect((await api(`${base}${path}`, { token: null })).status, path).toBe(200);
    }
    const docs = await api<{ paths: Record<string, Record<string, unknown>> }>(`${base}/docs/json`, { token: null });
    expect(docs.status).toBe(200);
    expect(docs.body.paths['/signals']).toHaveProperty('post');
  });

  it.each(SERVICES_UNDER_TEST)('%s is ready with its database and Kafka up', async (name) => {
    const res = await api<Readiness>(`${platform()[name]}/health/ready`, { token: null });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.kafka.status).toBe('up');
  });
  it('never exports a stream\'s access token in a trace (EventSource sends it in the query)', async () => {
    const token = await devToken({ roles: ['global-watch-officer'], region: null, subject: `trace-check-${Date.now()}` });
    // A trace of this request's own: the receiver serves the whole suite, and other files open
    // streams with ?access_token= too, so "some span shows REDACTED" could be another request's.
    const traceId = randomHex(16);
    const stopped = new AbortController();
    const res = await fetch(`${platform()['ops-centre']}/stream?access_token=${token}`, {
      headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` },
      signal: stopped.signal,
    });
    expect(res.status).toBe(200);
    await res.body?.getReader().read();
    stopped.abort();
    // The request's server span is exported once the request ends; until it is, nothing is proven.
    const server = await eventually(
      async () => (await spansOfTrace(traceId)).find((s) => s.service === 'ops-centre' && s.kind === SERVER_SPAN && s.attributes['http.route'] === '/stream'),
      15_000,
      200,
    );
    // The span keeps the request's query (url.query, or http.target/http.url with older conventions):
    // the parameter is there, its value redacted.
    const withToken = Object.values(server.attributes).filter((v) => v.includes('access_token'));
    expect(withToken.length, `attributes of ${server.name}: ${JSON.stringify(server.attributes)}`).toBeGreaterThan(0);
    for (const value of withToken) expect(value).toContain('access_token=REDACTED');
    expect(await exportedSpansContain(token)).toBe(false);
  });
});
