import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '@crisis-ops/contracts';
import { devToken, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { publishEscalation } from '../../test/events';

/**
 * Alert actions and the audit log they write, on real Kafka and Postgres (the rest of the audit's
 * rules are in ops-centre.int-spec.ts). Subjects are fresh per run, so an `actor=` filter reads this
 * suite's entries alone.
 */
describe('ops-centre alerts and their audit', () => {
  const h = useOpsCentre('ops-centre-alerts-int-producer');
  const { api } = h;

  /** An alert opened by a fresh escalation in `country`, once the read model has it. */
  const openAlert = async (country: string): Promise<{ id: string; region: string }> => {
    const { escalationId } = await publishEscalation(h.producer, { country, level: RiskLevel.HIGH });
    return eventually(async () => (await api(`/alerts?country=${country}&status=all&limit=1000`, h.globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
  };
  const entries = (rows: Array<{ actor: string; action: string; alertId: string }>) => rows.map((a) => `${a.action} ${a.alertId}`);

  let europe: { id: string; region: string };
  let africa: string;
  beforeAll(async () => {
    africa = await devToken({ roles: ['watch-officer'], region: 'africa', subject: `int-audit-africa-${randomUUID()}` });
    europe = await openAlert('NOR');
    expect(europe.region).toBe('europe-central-asia');
  });

  it('limits every row of the audit to the region asked for, the caller\'s own entries included', async () => {
    // A global watch officer comments on a European alert: asked for Africa, it is not there.
    const gwoSubject = `int-audit-gwo-${randomUUID()}`;
    const gwo = await devToken({ roles: ['global-watch-officer'], subject: gwoSubject });
    expect((await api(`/alerts/${europe.id}/comments`, gwo, { method: 'POST', body: JSON.stringify({ body: 'Checked with the field office.' }) })).status).toBe(200);
    expect(await api(`/audit?region=africa&actor=${gwoSubject}`, gwo)).toMatchObject({ status: 200, body: [] });
    expect(entries((await api(`/audit?region=europe-central-asia&actor=${gwoSubject}`, gwo)).body)).toEqual([`comment ${europe.id}`]);

    // A regional officer who may see every desk (global-viewer) views the European alert: its own
    // entry is in its audit when no region is asked for, and not when its own desk, Africa, is.
    const viewerSubject = `int-audit-viewer-${randomUUID()}`;
    const viewer = await devToken({ roles: ['watch-officer', 'global-viewer'], region: 'africa', subject: viewerSubject });
    expect((await api(`/alerts/${europe.id}`, viewer)).status).toBe(200);
    expect(entries((await api(`/audit?actor=${viewerSubject}`, viewer)).body)).toEqual([`view ${europe.id}`]);
    expect(await api(`/audit?region=africa&actor=${viewerSubject}`, viewer)).toMatchObject({ status: 200, body: [] });
    expect((await api(`/audit?region=europe-central-asia`, viewer)).status).toBe(403);
  });

  it('refuses the trail of an alert the caller may not see, as the alert itself is refused, and an id no alert has as not found', async () => {
    const mali = await openAlert('MLI');
    expect((await api(`/alerts/${mali.id}/comments`, h.globalToken, { method: 'POST', body: JSON.stringify({ body: 'Called the field office.' }) })).status).toBe(200);
    // Asia-pacific's watch officer and auditor may not see an African alert: its trail is refused as
    // the alert is (it answered 200 [], which read as "nobody acted on it").
    for (const roles of [['watch-officer'], ['auditor']] as const) {
      const token = await devToken({ roles: [...roles], region: 'asia-pacific', subject: `int-audit-ap-${roles[0]}` });
      expect(await api(`/alerts/${mali.id}`, token), roles[0]).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
      expect(await api(`/audit?alertId=${mali.id}`, token), roles[0]).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
      expect(await api(`/audit?alertId=${mali.id}&action=view`, token), roles[0]).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
    }
    // Africa's auditor, and an auditor of every desk (no region), read the trail.
    for (const region of ['africa', undefined]) {
      const auditor = await devToken({ roles: ['auditor'], ...(region ? { region } : {}), subject: `int-audit-auditor-${region ?? 'all'}` });
      expect((await api(`/audit?alertId=${mali.id}`, auditor)).body.map((a: { action: string }) => a.action), region).toEqual(['comment']);
    }
    // An id no alert has is not found, as GET /alerts/:id answers it, not an empty trail.
    const unknown = randomUUID();
    expect(await api(`/alerts/${unknown}`, h.globalToken)).toMatchObject({ status: 404, body: { code: 'OPS_CENTRE.ALERT_NOT_FOUND' } });
    expect(await api(`/audit?alertId=${unknown}`, h.globalToken)).toMatchObject({ status: 404, body: { code: 'OPS_CENTRE.ALERT_NOT_FOUND' } });
  });

  it('says whose entries an audit answer holds, so a trail limited to the caller\'s own entries does not read as the whole trail', async () => {
    const mali = await openAlert('MLI');
    expect((await api(`/alerts/${mali.id}/acknowledge`, h.globalToken, { method: 'POST' })).status).toBe(200);
    // Asia-pacific's officer who may see every desk opens the African alert: its trail holds its own
    // view alone, and the answer says it holds asia-pacific's entries (and its own), not Africa's.
    const subject = `int-audit-ap-viewer-${randomUUID()}`;
    const apViewer = await devToken({ roles: ['watch-officer', 'global-viewer'], region: 'asia-pacific', subject });
    expect((await api(`/alerts/${mali.id}`, apViewer)).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'int-global' });
    const limited = await api(`/audit?alertId=${mali.id}`, apViewer);
    expect(limited.body.map((a: { actor: string; action: string }) => `${a.actor} ${a.action}`)).toEqual([`${subject} view`]);
    expect(limited.headers.get('x-audit-desks')).toBe('asia-pacific');
    expect((await api(`/audit?region=asia-pacific&actor=${subject}`, apViewer)).headers.get('x-audit-desks')).toBe('asia-pacific');
    // Africa's officer, and a global one, hold the whole trail, and are told so.
    expect((await api(`/audit?alertId=${mali.id}`, africa)).headers.get('x-audit-desks')).toBe('africa');
    const whole = await api(`/audit?alertId=${mali.id}`, h.globalToken);
    expect(whole.headers.get('x-audit-desks')).toBe('*');
    expect(whole.body.map((a: { action: string }) => a.action)).toEqual(['view', 'acknowledge']);
    expect((await api('/audit?region=africa&limit=1', h.globalToken)).headers.get('x-audit-desks')).toBe('africa');
    // A watch officer with no region reads no desk's entries, its own alone.
    expect((await api('/audit?limit=1', await devToken({ roles: ['watch-officer'], subject: `int-audit-nowhere-${randomUUID()}` }))).headers.get('x-audit-desks')).toBe('none');
  });

  it('refuses an empty actor (it answered every actor\'s entries) and matches a blank one exactly', async () => {
    const gwoSubject = `int-audit-gwo-${randomUUID()}`;
    const gwo = await devToken({ roles: ['global-watch-officer'], subject: gwoSubject });
    expect((await api(`/alerts/${europe.id}`, gwo)).status).toBe(200);
    expect(await api('/audit?actor=', gwo)).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'actor', reason: 'must not be empty (an empty filter would match every actor)' }] } });
    // A subject is refused only when empty, so "  " may be someone's: theirs are the entries it answers, here none.
    expect(await api('/audit?actor=%20%20', gwo)).toMatchObject({ status: 200, body: [] });
    expect(entries((await api(`/audit?actor=${gwoSubject}`, gwo)).body)).toEqual([`view ${europe.id}`]);
  });

  it('lists each alert with how many comments it has, which is what tells a console another officer commented', async () => {
    const alert = await openAlert('MLI');
    const listed = async () => (await api(`/alerts?country=MLI&status=all&limit=1000`, h.globalToken)).body.find((a: { id: string }) => a.id === alert.id);
    expect(await listed()).toMatchObject({ commentCount: 0 });
    expect((await listed()).comments).toBeUndefined();
    const comment = (body: string) => api(`/alerts/${alert.id}/comments`, h.globalToken, { method: 'POST', body: JSON.stringify({ body }) });
    expect((await comment('First call made.')).body).toMatchObject({ commentCount: 1, comments: [{ body: 'First call made.' }] });
    expect((await comment('Second call made.')).body).toMatchObject({ commentCount: 2 });
    expect(await listed()).toMatchObject({ commentCount: 2 });
    expect((await api(`/alerts/${alert.id}`, h.globalToken)).body).toMatchObject({ commentCount: 2, comments: [{ body: 'First call made.' }, { body: 'Second call made.' }] });
  });

  it('refuses an acknowledgement given body fields, naming each, and applies nothing; none or {} is taken', async () => {
    const alert = await openAlert('MLI');
    const ack = (body: string) => api(`/alerts/${alert.id}/acknowledge`, h.globalToken, { method: 'POST', body });
    expect(await ack('{"foo":1}')).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'foo', reason: 'is not a field this request takes' }] } });
    // An officer who meant to assign or close: told so, not acknowledged without a word.
    expect(await ack(JSON.stringify({ reason: 'x', assignee: 'bob' }))).toMatchObject({
      status: 400,
      body: {
        code: 'REQUEST.INVALID',
        errors: [
          { field: 'reason', reason: 'is not a field this request takes' },
          { field: 'assignee', reason: 'is not a field this request takes' },
        ],
      },
    });
    expect((await api(`/alerts?country=MLI&status=all&limit=1000`, h.globalToken)).body.find((a: { id: string }) => a.id === alert.id)).toMatchObject({ status: 'open', acknowledgedBy: null });
    expect((await api(`/audit?alertId=${alert.id}&action=acknowledge`, h.globalToken)).body).toEqual([]);

    // No body at all, as the console sends it.
    const res = await fetch(`${h.base}/alerts/${alert.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${h.globalToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'int-global' });
    // An empty object, as an API client may send it.
    const other = await openAlert('MLI');
    expect(await api(`/alerts/${other.id}/acknowledge`, h.globalToken, { method: 'POST', body: '{}' })).toMatchObject({ status: 200, body: { status: 'acknowledged' } });
  });

  it('audits a GET of an alert as a view, and not a HEAD, which shows nobody the alert (Express runs the GET route for it)', async () => {
    const subject = `int-audit-head-${randomUUID()}`;
    const officer = await devToken({ roles: ['watch-officer'], region: 'europe-central-asia', subject });
    const head = await api(`/alerts/${europe.id}`, officer, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    // As GET answers them: an id no alert has, and another desk's alert.
    expect((await api(`/alerts/${randomUUID()}`, officer, { method: 'HEAD' })).status).toBe(404);
    const otherDesk = await openAlert('MLI');
    expect((await api(`/alerts/${otherDesk.id}`, officer, { method: 'HEAD' })).status).toBe(403);
    expect(await api(`/audit?actor=${subject}`, h.globalToken)).toMatchObject({ status: 200, body: [] });
    expect((await api(`/alerts/${europe.id}`, officer)).status).toBe(200);
    expect(entries((await api(`/audit?actor=${subject}`, h.globalToken)).body)).toEqual([`view ${europe.id}`]);
  });
});
