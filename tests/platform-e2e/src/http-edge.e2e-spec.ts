import { describe, expect, it } from 'vitest';
import { api, platform, signalBody, testCountry } from './platform-api';
import { SERVICES_UNDER_TEST } from './platform';

interface Violation {
  field: string;
  reason: string;
}

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

  it('answers 401 AUTH.TOKEN_MISSING without a bearer token, on writes and reads', async () => {
    const post = await api(`${platform()['early-warning']}/signals`, { body: signalBody(testCountry()), token: null });
    expect(post.status).toBe(401);
    expect(post.body).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
    expect(post.headers.get('www-authenticate')).toBe('Bearer');

    const read = await api(`${platform()['ops-centre']}/timeline`, { token: null });
    expect(read).toMatchObject({ status: 401, body: { code: 'AUTH.TOKEN_MISSING' } });
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
});
