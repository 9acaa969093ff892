import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { Role } from '@crisis-ops/auth';
import { RiskLevel } from '@crisis-ops/contracts';
import { adminClient, devToken, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { publishEscalation } from '../../test/events';

/**
 * Alert actions retried with an `Idempotency-Key`, on real Kafka and Postgres: the header was
 * ignored, so a console retrying after a timeout recorded a comment twice (two comments, two audit
 * entries) and an assign twice (a second `previousAssignee: x -> x` entry). Each test acts as a fresh
 * officer with fresh keys: keys are the caller's, and the table is shared with other suites.
 */
describe('ops-centre alert actions retried with an Idempotency-Key', () => {
  const h = useOpsCentre('ops-centre-idempotent-actions-int-producer');
  const { api } = h;
  let db: Client;

  /** An alert opened by a fresh escalation in Mali (the African desk's), once the read model has it. */
  const openAlert = async (): Promise<string> => {
    const country = 'MLI';
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    const alert = await eventually(async () => (await api(`/alerts?country=${country}&status=all&limit=1000`, h.globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
    return alert.id;
  };
  /** A token of a fresh subject: a global watch officer unless told otherwise. */
  const officer = (subject = `int-idem-${randomUUID()}`, roles: Role[] = ['global-watch-officer'], region?: string) =>
    devToken({ roles, subject, ...(region ? { region } : {}) });
  /** An action's answer, its status and body (the headers of two answers differ, their Date for one). */
  const act = async (token: string, id: string, path: string, body: unknown, key?: string) => {
    const { status, body: answered } = await api(`/alerts/${id}/${path}`, token, { method: 'POST', body: JSON.stringify(body), headers: key === undefined ? {} : { 'idempotency-key': key } });
    return { status, body: answered };
  };
  const auditOf = async (id: string, action: string) => {
    const res = await api(`/audit?alertId=${id}&action=${action}`, h.globalToken);
    expect(res.status).toBe(200);
    return res.body as Array<{ actor: string; detail: Record<string, unknown> }>;
  };
  /** The alert as listed (a listing audits nothing, where a view would add an entry). */
  const listed = async (id: string) => (await api(`/alerts?country=MLI&status=all&limit=1000`, h.globalToken)).body.find((a: { id: string }) => a.id === id);

  beforeAll(async () => {
    db = adminClient();
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
  });

  it('answers a retried comment with the first response, and records and audits it once', async () => {
    const id = await openAlert();
    const token = await officer();
    const key = randomUUID();
    const first = await act(token, id, 'comments', { body: 'Called the field office.' }, key);
    expect(first).toMatchObject({ status: 200, body: { commentCount: 1 } });
    const retried = await act(token, id, 'comments', { body: 'Called the field office.' }, key);
    expect(retried).toEqual(first);
    expect(await listed(id)).toMatchObject({ commentCount: 1 });
    expect(await auditOf(id, 'comment')).toHaveLength(1);

    // Without a key every request runs, as before: the same comment sent twice is two comments.
    await act(token, id, 'comments', { body: 'Same words, no key.' });
    expect(await act(token, id, 'comments', { body: 'Same words, no key.' })).toMatchObject({ status: 200, body: { commentCount: 3 } });
    expect(await auditOf(id, 'comment')).toHaveLength(3);
  });

  it('audits a retried assign once, with no second `previousAssignee: x -> x` entry', async () => {
    const id = await openAlert();
    const token = await officer();
    const key = randomUUID();
    const first = await act(token, id, 'assign', { assignee: 'officer-7' }, key);
    expect(first).toMatchObject({ status: 200, body: { assignee: 'officer-7' } });
    expect(await act(token, id, 'assign', { assignee: 'officer-7' }, key)).toEqual(first);
    expect((await auditOf(id, 'assign')).map((e) => e.detail)).toEqual([expect.objectContaining({ assignee: 'officer-7', previousAssignee: null })]);
  });

  it('answers a retried acknowledgement and close as the first left the alert, where a second would be 409', async () => {
    const id = await openAlert();
    const token = await officer();
    const [ackKey, closeKey] = [randomUUID(), randomUUID()];
    const acked = await act(token, id, 'acknowledge', {}, ackKey);
    expect(acked).toMatchObject({ status: 200, body: { status: 'acknowledged' } });
    expect(await act(token, id, 'acknowledge', {}, ackKey)).toEqual(acked);
    const closed = await act(token, id, 'close', { reason: 'Mediation opened' }, closeKey);
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed', closeReason: 'Mediation opened' } });
    expect(await act(token, id, 'close', { reason: 'Mediation opened' }, closeKey)).toEqual(closed);
    expect(await auditOf(id, 'acknowledge')).toHaveLength(1);
    expect(await auditOf(id, 'close')).toHaveLength(1);
    // A new request (no key, or a new one) is decided on the alert as it is: closed.
    expect(await act(token, id, 'close', { reason: 'Mediation opened' })).toMatchObject({ status: 409, body: { code: 'OPS_CENTRE.ALERT_TRANSITION_INVALID' } });
    expect(await act(token, id, 'close', { reason: 'Mediation opened' }, randomUUID())).toMatchObject({ status: 409, body: { code: 'OPS_CENTRE.ALERT_TRANSITION_INVALID' } });
  });

  it('refuses the same key for another request (body, action or alert) and applies none of them; another caller\'s same key is its own', async () => {
    const [id, otherId] = [await openAlert(), await openAlert()];
    const token = await officer();
    const key = randomUUID();
    expect((await act(token, id, 'comments', { body: 'First words.' }, key)).status).toBe(200);
    const reused = { status: 422, body: { code: 'OPS_CENTRE.IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining('Idempotency-Key'), key } };
    expect(await act(token, id, 'comments', { body: 'Other words.' }, key)).toMatchObject(reused);
    expect(await act(token, id, 'assign', { assignee: 'officer-7' }, key)).toMatchObject(reused);
    expect(await act(token, otherId, 'comments', { body: 'First words.' }, key)).toMatchObject(reused);
    expect(await listed(id)).toMatchObject({ commentCount: 1, assignee: null });
    expect(await listed(otherId)).toMatchObject({ commentCount: 0 });
    expect(await auditOf(id, 'comment')).toHaveLength(1);
    expect(await auditOf(otherId, 'comment')).toEqual([]);

    expect(await act(await officer(), id, 'comments', { body: 'Other words.' }, key)).toMatchObject({ status: 200, body: { commentCount: 2 } });
  });

  it('runs copies sent at once once: each waits for the first and answers its response', async () => {
    const id = await openAlert();
    const token = await officer();
    const key = randomUUID();
    const copies = await Promise.all([1, 2, 3, 4].map(() => act(token, id, 'comments', { body: 'Sent four times at once.' }, key)));
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    for (const copy of copies.slice(1)) expect(copy).toEqual(copies[0]);
    expect(copies[0].body.comments).toHaveLength(1);
    expect(await auditOf(id, 'comment')).toHaveLength(1);
  });

  it('answers a retry only to a caller who may act on the alert now, and refuses a malformed key before anything runs', async () => {
    const id = await openAlert();
    const subject = `int-idem-${randomUUID()}`;
    const key = randomUUID();
    expect((await act(await officer(subject, ['watch-officer'], 'africa'), id, 'comments', { body: 'Desk check.' }, key)).status).toBe(200);
    // The same officer, moved to another desk: the first response is the African alert, not theirs to act on now.
    expect(await act(await officer(subject, ['watch-officer'], 'europe-central-asia'), id, 'comments', { body: 'Desk check.' }, key)).toMatchObject({
      status: 403,
      body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' },
    });
    expect(await act(await officer(), id, 'comments', { body: 'Spaced key.' }, 'k 1')).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters, e.g. a UUID' }] },
    });
    // Named with the body's faults, and with a query parameter the route does not take: one answer to
    // correct them all (the key was refused alone, and the corrected retry met the body's in a second 400).
    const fields = (answer: { body: { errors?: Array<{ field: string }> } }) => (answer.body.errors ?? []).map((e) => e.field).sort();
    const keyAndBody = await act(await officer(), id, 'comments', { body: '   ', x: 1 }, 'héllo');
    expect(keyAndBody.status).toBe(400);
    expect(fields(keyAndBody)).toEqual(['Idempotency-Key', 'body', 'x']);
    const withQuery = await api(`/alerts/${id}/comments?dry=1`, await officer(), { method: 'POST', body: JSON.stringify({ body: '   ', x: 1 }), headers: { 'idempotency-key': 'héllo' } });
    expect(withQuery.status).toBe(400);
    expect(fields(withQuery)).toEqual(['Idempotency-Key', 'body', 'dry', 'x']);
    expect(await listed(id)).toMatchObject({ commentCount: 1 });
  });

  it('forgets a key after 24 h, and requests sweep away keys older than that', async () => {
    const id = await openAlert();
    const subject = `int-idem-${randomUUID()}`;
    const token = await officer(subject);
    const key = randomUUID();
    expect((await act(token, id, 'comments', { body: 'Yesterday.' }, key)).status).toBe(200);
    // An abandoned key of someone else's, from two days ago.
    const stale = `int-idem-stale-${randomUUID()}`;
    await db.query(`INSERT INTO ops_centre.idempotent_requests (subject, key, fingerprint, created_at) VALUES ($1, 'k', 'f', now() - interval '48 hours')`, [stale]);
    await db.query(`UPDATE ops_centre.idempotent_requests SET created_at = now() - interval '25 hours' WHERE subject = $1 AND key = $2`, [subject, key]);

    // Past the window the key is a new request's: the comment is recorded again, and the key claimed afresh.
    expect(await act(token, id, 'comments', { body: 'Yesterday.' }, key)).toMatchObject({ status: 200, body: { commentCount: 2 } });
    const [row] = (await db.query(`SELECT created_at > now() - interval '1 hour' AS fresh, response IS NOT NULL AS answered FROM ops_centre.idempotent_requests WHERE subject = $1 AND key = $2`, [subject, key])).rows;
    expect(row).toEqual({ fresh: true, answered: true });
    expect((await db.query('SELECT 1 FROM ops_centre.idempotent_requests WHERE subject = $1', [stale])).rowCount).toBe(0);
  });
});
