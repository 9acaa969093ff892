import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { devToken, uniqueSuffix } from '@crisis-ops/testing';
import { bootMediation, freshCountries, token, type BootedMediation } from '../int-support';

/** For the paging and Idempotency-Key tests, which propose over HTTP (a code must be a real country or user-assigned): drawn in beforeAll. */
let PAGED: string[] = [];
/** A user-assigned code, as exercises use: no regional desk covers it. */
let NO_DESK = '';
/** For the rounds test: a process whose sessions are recorded out of the order they were held. */
let ROUNDS = '';
/** For the parties-present test: a process with one party. */
let PRESENT = '';
/** For the objects-sent-as-arrays test: a proposed process to activate. */
let ARRAYS = '';

/**
 * The process API's rules for reading many and for commands sent more than once, over HTTP alone:
 * what mediation does with the events it consumes and publishes is mediation.int-spec.ts.
 */
describe('mediation process API on real Postgres: paging, concurrent and retried commands', () => {
  let m: BootedMediation;
  let api: BootedMediation['api'];
  let db: BootedMediation['db'];
  let base: string;

  beforeAll(async () => {
    [NO_DESK, ROUNDS, PRESENT, ARRAYS, ...PAGED] = await freshCountries(9);
    m = await bootMediation();
    ({ api, db, base } = m);
  });

  afterAll(async () => {
    await m?.close();
  });

  it('pages through processes with a cursor, and lets a global reader ask for the unassigned region', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const ids: string[] = [];
    for (const country of PAGED.slice(1)) {
      const proposed = await api('POST', '/processes', officer, { country, track: 'good_offices', lead: 'special_envoy' });
      expect(proposed.status).toBe(201);
      ids.push(proposed.body.processId as string);
    }
    const reader = await token(['global-viewer'], 'global');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await fetch(`${base}/processes?region=unassigned&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${reader}` } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Array<{ processId: string; region: string }>;
      expect(page.length).toBeLessThanOrEqual(2);
      expect(page.every((p) => p.region === 'unassigned')).toBe(true);
      seen.push(...page.map((p) => p.processId));
      cursor = res.headers.get('x-next-cursor') ?? undefined;
      pages++;
    } while (cursor && !ids.every((id) => seen.includes(id)) && pages < 100);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(1);

    expect(await api('GET', '/processes?cursor=nonsense', reader)).toMatchObject({ status: 400, body: { errors: [{ field: 'cursor' }] } });
    // Instants JavaScript reads and Postgres refuses (a day that does not exist, a bare number, an
    // expanded year, year 0000): each was a 500.
    for (const instant of ['2026-02-30T00:00:00.000Z', '1', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      const forged = Buffer.from(`${instant}|${ids[0]}`).toString('base64url');
      expect(await api('GET', `/processes?cursor=${forged}`, reader), instant).toMatchObject({ status: 400, body: { errors: [{ field: 'cursor' }] } });
    }
    expect(await api('GET', '/processes?limit=501', reader)).toMatchObject({ status: 400, body: { errors: [{ field: 'limit' }] } });
    expect((await api('GET', '/processes?limit=0&cursor=zz', reader)).body.errors).toEqual([
      { field: 'limit', reason: 'must be an integer from 1 to 500' },
      { field: 'cursor', reason: 'is not a cursor this API returned' },
    ]);
    expect((await api('GET', '/processes?region=unassigned', await token(['viewer'], 'africa'))).status).toBe(403);
  });

  it('refuses a code that names no country on listings, figures and the country watch as a proposal refuses it', async () => {
    const officer = await token(['mediation-officer'], 'africa');
    const proposal = await api('POST', '/processes', officer, { country: 'MAL', track: 'good_offices', lead: 'special_envoy' });
    expect(proposal).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'country', reason: 'MAL is not an ISO 3166-1 country' }] } });
    for (const path of ['/processes?country=MAL', '/process-metrics/time-to-response?country=MAL', '/process-metrics/inclusion?country=MAL', '/country-watch/MAL']) {
      expect(await api('GET', path, officer), path).toEqual(proposal);
    }
  });

  it('refuses a situation of no visible character (a zero-width space) with 400, where it was stored and shown as if blank', async () => {
    const officer = await token(['mediation-officer'], 'africa');
    expect(await api('POST', '/processes', officer, { country: 'MLI', track: 'good_offices', lead: 'special_envoy', situation: '\u200b' })).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'situation', reason: 'must have a visible character' }] },
    });
  });

  it('names a list\'s fault and its items\' faults in one 400, where a list with both was answered "is required" as if not sent', async () => {
    const officer = await token(['mediation-officer'], 'africa');
    const participants = [
      { gender: 'female', ageGroup: 'youth', count: 1.5 },
      { gender: 'female', ageGroup: 'youth', count: 2 },
    ];
    // Validation answers before the process is looked for: any process id will do.
    const session = await api('POST', `/processes/${randomUUID()}/sessions`, officer, { heldAt: '2026-03-04T09:00:00Z', place: 'Bamako', participants });
    expect(session).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(session.body.errors).toEqual([
      { field: 'participants', reason: 'counts female/youth twice' },
      { field: 'participants[0].count', reason: 'must be an integer number' },
    ]);
    const parties = [{ name: 'A', kind: 'government' }, { name: 'A', kind: 'government' }, { name: 'B', kind: 'nope' }];
    const proposal = await api('POST', '/processes', officer, { country: 'MLI', track: 'good_offices', lead: 'special_envoy', parties });
    expect(proposal).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(proposal.body.errors).toEqual([
      { field: 'parties', reason: 'lists A (government) twice' },
      { field: 'parties[2].kind', reason: expect.stringContaining('must be one of') },
    ]);
    expect(proposal.body.message).toMatch(/^parties: lists A \(government\) twice; parties\[2\]\.kind: must be one of/);
  });

  it('refuses an object sent as an array with 400 naming it, before the process is read, where it was a 422 saying each of its fields was missing', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const approver = await token(['approver'], 'global');
    const envoy = { name: 'N', role: 'r', organization: 'o', gender: 'other' };
    const proposed = await api('POST', '/processes', officer, { country: ARRAYS, track: 'good_offices', lead: 'special_envoy' });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    onTestFinished(async () => {
      await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' });
    });
    const asArray = { status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'envoy', reason: 'must be an object' }] } };
    expect(await api('POST', `/processes/${id}/activate`, approver, { mandate: 'M', envoy: [envoy] })).toMatchObject(asArray);
    // An unknown process: the request cannot be read, so no process is looked for (it was a 404).
    expect(await api('POST', `/processes/${randomUUID()}/activate`, approver, { mandate: 'M', envoy: [] })).toMatchObject(asArray);
    expect(await api('POST', '/processes', officer, { country: ARRAYS, track: 'good_offices', lead: 'special_envoy', parties: [[{ name: 'A', kind: 'government' }], null] })).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'parties[0]', reason: 'must be an object' }, { field: 'parties[1]', reason: 'must be an object' }] },
    });
    expect((await api('GET', `/processes/${id}`, officer)).body).toMatchObject({ status: 'proposed' });
    expect(await api('POST', `/processes/${id}/activate`, approver, { mandate: 'M', envoy })).toMatchObject({ status: 200, body: { status: 'active' } });
  });

  it('names each party id of a session that is no UUID, and refuses a party listed twice, in a 400 that stores nothing, where one was stored as present three times', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const proposed = await api('POST', '/processes', officer, { country: PRESENT, track: 'good_offices', lead: 'special_envoy', parties: [{ name: 'Government', kind: 'government' }] });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    onTestFinished(async () => {
      await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' });
    });
    // Active, so that a session listing its party once is recorded: the 400s are for the list alone.
    const approver = await token(['approver'], 'global');
    expect((await api('POST', `/processes/${id}/activate`, approver, { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } })).status).toBe(200);
    const party = (proposed.body.parties as Array<{ partyId: string }>)[0].partyId;
    const session = (partyIds: unknown[]) => ({ heldAt: new Date(Date.now() - 60_000).toISOString(), place: 'Niamey', partyIds, participants: [{ gender: 'female', ageGroup: 'adult', count: 2 }] });

    const malformed = await api('POST', `/processes/${id}/sessions`, officer, session(['nope', 5, party]));
    expect(malformed).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', message: 'partyIds[0]: must be a UUID; partyIds[1]: must be a UUID' } });
    expect(malformed.body.errors).toEqual([
      { field: 'partyIds[0]', reason: 'must be a UUID' },
      { field: 'partyIds[1]', reason: 'must be a UUID' },
    ]);
    const thrice = await api('POST', `/processes/${id}/sessions`, officer, session([party, party, party]));
    expect(thrice).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(thrice.body.errors).toEqual([{ field: 'partyIds', reason: `lists ${party} twice` }]);
    expect((await db.query('SELECT 1 FROM mediation.sessions WHERE process_id = $1', [id])).rowCount).toBe(0);

    // Listed once, the party is present once.
    expect(await api('POST', `/processes/${id}/sessions`, officer, session([party]))).toMatchObject({ status: 200, body: { sessions: [{ partyIds: [party] }] } });
  });

  it('keeps the processes of a country no desk covers (an exercise code) to global users, as the operations centre and the country watch keep it, where a regional proposer made one its own region\'s', async () => {
    const proposal = { country: NO_DESK, track: 'good_offices', lead: 'special_envoy' };
    const refused = await api('POST', '/processes', await token(['mediation-officer'], 'africa'), proposal);
    expect(refused).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN', message: `${NO_DESK} has no regional desk: only a global user (region global) proposes there` } });
    expect((await db.query('SELECT 1 FROM mediation.processes WHERE country = $1', [NO_DESK])).rowCount).toBe(0);

    const officer = await token(['mediation-officer'], 'global');
    const proposed = await api('POST', '/processes', officer, proposal);
    expect(proposed).toMatchObject({ status: 201, body: { region: 'unassigned', country: NO_DESK } });
    // A reader of a desk is refused the country, its process and its figures, as on ops-centre's country page.
    const africa = await token(['viewer'], 'africa');
    for (const path of [`/processes?country=${NO_DESK}`, `/processes/${proposed.body.processId as string}`, `/process-metrics/time-to-response?country=${NO_DESK}`, `/country-watch/${NO_DESK}`]) {
      expect(await api('GET', path, africa), path).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    }
    expect((await api('GET', `/processes?country=${NO_DESK}`, await token(['viewer'], 'global'))).body).toMatchObject([{ processId: proposed.body.processId }]);
    expect((await api('POST', `/processes/${proposed.body.processId as string}/close`, officer, { reason: 'exercise over' })).status).toBe(200);
  });

  it('activates a process once of three activations sent at once, the others refused as the domain refuses activating an active process', async () => {
    const officer = await token(['mediation-officer'], 'africa');
    const approver = await token(['approver'], 'africa');
    const proposed = await api('POST', '/processes', officer, { country: 'NER', track: 'good_offices', lead: 'resident_coordinator' });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    const envoy = { name: 'E', role: 'special envoy', organization: 'UN', gender: 'male' };
    const results = await Promise.all([1, 2, 3].map(() => api('POST', `/processes/${id}/activate`, approver, { mandate: 'm', envoy })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    // Not CONCURRENT_MODIFICATION: a command that lost the race is decided again on the state the winner left.
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('MEDIATION.PROCESS_NOT_PROPOSED');
    const history = await db.query('SELECT type FROM mediation.process_events WHERE process_id = $1 ORDER BY version', [id]);
    expect(history.rows.map((r) => r.type)).toEqual(['MediationProposed', 'MediationOpened', 'EnvoyAppointed']);
    expect((await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' })).status).toBe(200);
  });

  it('says in a region refusal that the token has no region claim, or which country and desk was asked for, never a pseudo-region "(any)"', async () => {
    // A viewer whose token has no region: told so, with no `region` field naming a region that is none.
    const noClaim = await devToken({ roles: ['viewer'], subject: 'int-viewer-no-region' });
    // The country watch is refused as what it is, not as processes (its routes are about none).
    for (const [path, guarded] of [['/processes', 'processes'], ['/country-watch', 'the country watch'], ['/process-metrics/inclusion', 'processes']]) {
      const refused = await api('GET', path, noClaim);
      expect(refused, path).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN', message: `your token has no region claim, so it may not access ${guarded} of any region` } });
      expect(refused.body, path).not.toHaveProperty('region');
    }
    expect((await api('GET', '/country-watch/NOR', noClaim)).body).toMatchObject({
      code: 'MEDIATION.REGION_FORBIDDEN',
      message: 'your token has no region claim, so it may not access the country watch of NOR, a country of region europe-central-asia',
      region: 'europe-central-asia',
    });
    // A regional viewer is told which country it asked for, and its desk or that it has none.
    const africa = await token(['viewer'], 'africa');
    expect((await api('GET', '/processes?country=NOR', africa)).body).toMatchObject({ message: 'region africa may not access processes of NOR, a country of region europe-central-asia', region: 'europe-central-asia' });
    expect((await api('GET', `/process-metrics/inclusion?country=${NO_DESK}`, africa)).body).toMatchObject({ message: `region africa may not access processes of ${NO_DESK}, a country of no regional desk` });
    expect((await api('GET', '/processes?region=americas', africa)).body).toMatchObject({ code: 'MEDIATION.REGION_FORBIDDEN', message: 'region africa may not access processes of region americas', region: 'americas' });
  });

  it('answers a retried command with its first response and applies it once, when the client sends an Idempotency-Key', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const approver = await token(['approver'], 'global');
    const keyed = (key: string) => ({ 'idempotency-key': key });
    const proposal = { country: PAGED[0], track: 'good_offices', lead: 'special_envoy' };
    const proposeKey = `propose-${uniqueSuffix()}`;
    const proposed = await api('POST', '/processes', officer, proposal, keyed(proposeKey));
    expect(proposed.status).toBe(201);
    // A retry (the first answer lost to a timeout) gets the same process; none is proposed twice.
    expect(await api('POST', '/processes', officer, proposal, keyed(proposeKey))).toMatchObject({ status: 201, body: { processId: proposed.body.processId } });
    expect((await db.query('SELECT 1 FROM mediation.processes WHERE country = $1', [PAGED[0]])).rowCount).toBe(1);
    const id = proposed.body.processId as string;
    await api('POST', `/processes/${id}/activate`, approver, { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } });

    // Three copies at once: one session is recorded, and every copy answers it.
    const session = { heldAt: new Date(Date.now() - 60_000).toISOString(), place: 'Niamey', participants: [{ gender: 'female', ageGroup: 'adult', count: 3 }] };
    const sessionKey = `session-${uniqueSuffix()}`;
    const copies = await Promise.all([1, 2, 3].map(() => api('POST', `/processes/${id}/sessions`, officer, session, keyed(sessionKey))));
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200]);
    const sessionIds = copies.map((c) => (c.body.sessions as Array<{ sessionId: string }>).map((x) => x.sessionId));
    expect(sessionIds[0]).toHaveLength(1);
    expect(sessionIds[1]).toEqual(sessionIds[0]);
    expect(sessionIds[2]).toEqual(sessionIds[0]);
    const talks = await db.query(`SELECT 1 FROM mediation.process_events WHERE process_id = $1 AND type = 'TalksConvened'`, [id]);
    expect(talks.rowCount).toBe(1);

    // The same key for another request is refused, not answered with the first one's response.
    expect(await api('POST', `/processes/${id}/sessions`, officer, { ...session, place: 'Agadez' }, keyed(sessionKey))).toMatchObject({ status: 422, body: { code: 'MEDIATION.IDEMPOTENCY_KEY_REUSED' } });
    // Keys are the caller's own: another caller's same key is a request of its own.
    const other = await token(['mediation-officer'], 'africa');
    expect((await api('POST', `/processes/${id}/sessions`, other, session, keyed(sessionKey))).status).toBe(403);
    expect(await api('POST', `/processes/${id}/sessions`, officer, session, keyed(' '))).toMatchObject({ status: 400, body: { errors: [{ field: 'Idempotency-Key' }] } });
    // The header sent twice (fetch would join the two into one line): which key is meant cannot be told.
    const twice = await new Promise<{ status: number; body: { errors?: unknown } }>((resolve, reject) => {
      const req = request(`${base}/processes/${id}/sessions`, { method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json', 'Idempotency-Key': ['k1', 'k2'] } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(session));
    });
    expect(twice).toMatchObject({ status: 400, body: { errors: [{ field: 'Idempotency-Key', reason: 'must be given once: this request has it more than once' }] } });
    expect((await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' })).status).toBe(200);
  });

  it('answers a replayed Idempotency-Key only to a caller who may act on the process now, where a caller moved to another region got the process back', async () => {
    const subject = `af-mo-${uniqueSuffix()}`;
    const inAfrica = await token(['mediation-officer'], 'africa', subject);
    const proposed = await api('POST', '/processes', inAfrica, { country: 'BFA', track: 'good_offices', lead: 'special_envoy' });
    expect(proposed).toMatchObject({ status: 201, body: { region: 'africa' } });
    const id = proposed.body.processId as string;
    // Closed whatever the outcome: an open process of a real country would answer its escalations in later runs.
    onTestFinished(async () => {
      await api('POST', `/processes/${id}/close`, inAfrica, { reason: 'test done' });
    });
    const party = { name: 'Government of Burkina Faso', kind: 'government' };
    const key = { 'idempotency-key': `k-${uniqueSuffix()}` };
    expect((await api('POST', `/processes/${id}/parties`, inAfrica, party, key)).status).toBe(200);

    // The same user, now of another desk: refused as a read of the process is, not answered with it.
    const moved = await token(['mediation-officer'], 'europe-central-asia', subject);
    expect(await api('GET', `/processes/${id}`, moved)).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    const replayed = await api('POST', `/processes/${id}/parties`, moved, party, key);
    expect(replayed).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    expect(replayed.body).not.toHaveProperty('processId');
    // Who may still act gets the first answer, and the party is added once.
    expect(await api('POST', `/processes/${id}/parties`, inAfrica, party, key)).toMatchObject({ status: 200, body: { processId: id, parties: [{ name: party.name }] } });
  });

  it('numbers rounds by when sessions were held, in the process and its sessions table, and refuses a session held or an agreement signed long before the proposal', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const approver = await token(['approver'], 'global');
    const proposed = await api('POST', '/processes', officer, { country: ROUNDS, track: 'good_offices', lead: 'special_envoy' });
    const id = proposed.body.processId as string;
    expect((await api('POST', `/processes/${id}/activate`, approver, { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } })).status).toBe(200);
    const session = (daysAgo: number, place: string) => ({ heldAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(), place, participants: [{ gender: 'female', ageGroup: 'adult', count: 2 }] });
    for (const [daysAgo, place] of [[0.01, 'Niamey'], [10, 'Agadez'], [3, 'Zinder']] as const) {
      expect((await api('POST', `/processes/${id}/sessions`, officer, session(daysAgo, place))).status).toBe(200);
    }

    const read = await api('GET', `/processes/${id}`, officer);
    expect((read.body.sessions as Array<{ round: number; place: string }>).map((s) => [s.round, s.place])).toEqual([[1, 'Agadez'], [2, 'Zinder'], [3, 'Niamey']]);
    const rows = await db.query('SELECT round, place FROM mediation.sessions WHERE process_id = $1 ORDER BY round', [id]);
    expect(rows.rows.map((r) => [r.round, r.place])).toEqual([[1, 'Agadez'], [2, 'Zinder'], [3, 'Niamey']]);

    // Two years before a process proposed today: no pre-talks of it, and the process tells why.
    expect(await api('POST', `/processes/${id}/sessions`, officer, session(730, 'Tahoua'))).toMatchObject({
      status: 422,
      body: { code: 'MEDIATION.INVALID_INPUT', errors: [{ field: 'heldAt', reason: expect.stringContaining('days before the process was proposed') }] },
    });
    // Nor an agreement signed then: it would count as this process's outcome.
    const agreement = { kind: 'ceasefire', title: 'Old accord', signedAt: new Date(Date.now() - 730 * 86_400_000).toISOString(), provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }], signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }] };
    expect(await api('POST', `/processes/${id}/agreements`, officer, agreement)).toMatchObject({
      status: 422,
      body: { code: 'MEDIATION.INVALID_INPUT', errors: [{ field: 'signedAt', reason: expect.stringContaining('days before the process was proposed') }] },
    });
    expect((await api('GET', `/processes/${id}`, officer)).body.agreements).toEqual([]);
    expect((await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' })).status).toBe(200);
  });
});
