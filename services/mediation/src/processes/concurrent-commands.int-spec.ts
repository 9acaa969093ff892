import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Client } from 'pg';
import { adminClient, eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootMediation, freshCountries, token, type BootedMediation } from '../int-support';

type Answer = Awaited<ReturnType<BootedMediation['api']>>;

/** User-assigned codes no earlier run has used (int-support.ts), one per test, drawn in beforeAll. */
let COUNTRIES: string[] = [];

/**
 * Commands sent at the same moment to one process, none stating a version it decided on. They are
 * made to meet: a second session holds the process row while they read the process and decide, so
 * each then waits to write it, and all are let go at once; the first through changes the version the
 * others decided on.
 */
describe('mediation: commands sent to one process at the same moment, on real Postgres', () => {
  let m: BootedMediation;
  let db: Client;

  beforeAll(async () => {
    COUNTRIES = await freshCountries(6);
    m = await bootMediation();
    db = m.db;
  });

  afterAll(async () => {
    await m?.close();
  });

  /** An active process of a fresh country, closed once the test is over (an open one would answer escalations in later runs). */
  const activeProcess = async (): Promise<string> => {
    const officer = await token(['mediation-officer'], 'global');
    const proposed = await m.api('POST', '/processes', officer, { country: COUNTRIES.shift(), track: 'good_offices', lead: 'special_envoy' });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    onTestFinished(async () => {
      await m.api('POST', `/processes/${id}/close`, officer, { reason: 'test done' });
    });
    const envoy = { name: 'E', role: 'special envoy', organization: 'UN', gender: 'female' };
    expect((await m.api('POST', `/processes/${id}/activate`, await token(['approver'], 'global'), { mandate: 'm', envoy })).status).toBe(200);
    return id;
  };

  /**
   * Runs `race` while a second session holds the process row, then lets go and answers what `race`
   * answered. `race` sends its requests and waits (`meet`) until `writers` of them have decided and
   * wait to write the process, and `behind` more wait on those (as a copy of a keyed request waits
   * on its first, or a command taking the country lock on one holding it).
   */
  const holdingProcess = async <T>(processId: string, race: (meet: (writers: number, behind?: number) => Promise<void>) => Promise<{ answers: Promise<T> }>): Promise<T> => {
    const holder = adminClient();
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM mediation.processes WHERE id = $1 FOR UPDATE', [processId]);
      const holderPid: number = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const meet = (writers: number, behind = 0) =>
        eventually(
          async () => {
            // Waiting on the holder, or on one that waits on it: the first writer holds the row's lock
            // queue, and the others wait on it.
            const waiting = await db.query(
              `WITH RECURSIVE chain(pid) AS (
                 SELECT $1::int UNION SELECT a.pid FROM pg_stat_activity a JOIN chain c ON c.pid = ANY(pg_blocking_pids(a.pid)))
               SELECT count(*) FILTER (WHERE query LIKE 'UPDATE processes%')::int AS writers, count(*) FILTER (WHERE query NOT LIKE 'UPDATE processes%')::int AS behind
                 FROM pg_stat_activity WHERE pid <> $1 AND pid IN (SELECT pid FROM chain)`,
              [holderPid],
            );
            return waiting.rows[0].writers === writers && waiting.rows[0].behind >= behind;
          },
          30_000,
          50,
        ).then(() => undefined);
      // Wrapped: a promise returned bare by an async function would be awaited with it, the holder still holding.
      const { answers } = await race(meet);
      await holder.query('COMMIT');
      return await answers;
    } finally {
      await holder.end();
    }
  };

  /** The requests sent at once, let go once `writers` of them (all by default) wait to write the process and `behind` more wait on those. */
  const atOnce = (processId: string, requests: Array<() => Promise<Answer>>, writers = requests.length, behind = 0): Promise<Answer[]> =>
    holdingProcess(processId, async (meet) => {
      const sent = Promise.all(requests.map((r) => r()));
      // Not awaited before the meeting: a request failing early would otherwise go unreported.
      sent.catch(() => undefined);
      await meet(writers, behind);
      return { answers: sent };
    });

  const eventsOf = async (processId: string, type: string) =>
    (await db.query('SELECT payload FROM mediation.process_events WHERE process_id = $1 AND type = $2 ORDER BY version', [processId, type])).rows.map((r) => r.payload);

  it('adds four different parties sent at once, where three were answered 409 CONCURRENT_MODIFICATION though the clients had read nothing stale', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global');
    const names = ['Government', 'Movement A', 'Movement B', 'Women of the North'];
    const answers = await atOnce(id, names.map((name) => () => m.api('POST', `/processes/${id}/parties`, officer, { name, kind: 'civil_society' })));
    expect(answers.map((a) => [a.status, a.body.code])).toEqual(names.map(() => [200, undefined]));
    expect((await eventsOf(id, 'PartyAdded')).map((e) => e.party.name).sort()).toEqual([...names].sort());
    expect(((await m.api('GET', `/processes/${id}`, officer)).body.parties as Array<{ name: string }>).map((p) => p.name).sort()).toEqual([...names].sort());
  });

  it('records sessions, an agreement and a party sent at once to one process: every command of a process is decided again on the new state', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global');
    const session = (place: string, hoursAgo: number) => ({ heldAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), place, participants: [{ gender: 'female', ageGroup: 'youth', count: 2 }] });
    const agreement = {
      kind: 'ceasefire',
      title: 'Ceasefire',
      signedAt: new Date(Date.now() - 60_000).toISOString(),
      provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: true, addressesYouth: false }],
      signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
    };
    const answers = await atOnce(id, [
      () => m.api('POST', `/processes/${id}/sessions`, officer, session('Niamey', 3)),
      () => m.api('POST', `/processes/${id}/sessions`, officer, session('Agadez', 2)),
      () => m.api('POST', `/processes/${id}/agreements`, officer, agreement),
      () => m.api('POST', `/processes/${id}/parties`, officer, { name: 'Movement', kind: 'armed_group' }),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([[200, undefined], [200, undefined], [200, undefined], [200, undefined]]);
    const read = (await m.api('GET', `/processes/${id}`, officer)).body;
    expect((read.sessions as Array<{ round: number; place: string }>).map((s) => [s.round, s.place])).toEqual([[1, 'Niamey'], [2, 'Agadez']]);
    expect(read.agreements).toHaveLength(1);
    expect(read.parties).toMatchObject([{ name: 'Movement' }]);
    expect((await db.query('SELECT round, place FROM mediation.sessions WHERE process_id = $1 ORDER BY round', [id])).rows).toEqual([{ round: 1, place: 'Niamey' }, { round: 2, place: 'Agadez' }]);
  });

  it('refuses the same party added twice at once with the domain\'s PARTY_ALREADY_ADDED, not CONCURRENT_MODIFICATION', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global');
    const party = { name: 'Government of the Republic', kind: 'government' };
    const answers = await atOnce(id, [1, 2].map(() => () => m.api('POST', `/processes/${id}/parties`, officer, party)));
    expect(answers.map((a) => [a.status, a.body.code]).sort()).toEqual([[200, undefined], [409, 'MEDIATION.PARTY_ALREADY_ADDED']]);
    expect(await eventsOf(id, 'PartyAdded')).toHaveLength(1);
  });

  it('records the same session sent by two officers at once once, the other refused with SESSION_ALREADY_RECORDED, where both were recorded once retried', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global');
    const session = { heldAt: new Date(Date.now() - 3_600_000).toISOString(), place: 'Niamey', participants: [{ gender: 'female', ageGroup: 'youth', count: 2 }] };
    const answers = await atOnce(id, [1, 2].map(() => () => m.api('POST', `/processes/${id}/sessions`, officer, session)));
    expect(answers.map((a) => [a.status, a.body.code]).sort()).toEqual([[200, undefined], [409, 'MEDIATION.SESSION_ALREADY_RECORDED']]);
    expect(await eventsOf(id, 'TalksConvened')).toHaveLength(1);
  });

  it('refuses a party added as the process is closed as the domain refuses any command on a closed process, not as CONCURRENT_MODIFICATION', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global');
    // The close (which takes the country lock too) reaches the process row first, the party second.
    const [closed, party] = await holdingProcess(id, async (meet) => {
      const close = m.api('POST', `/processes/${id}/close`, officer, { reason: 'talks broke down' });
      await meet(1);
      const add = m.api('POST', `/processes/${id}/parties`, officer, { name: 'Late party', kind: 'political_party' });
      await meet(2);
      return { answers: Promise.all([close, add]) };
    });
    expect([closed.status, closed.body.status]).toEqual([200, 'closed']);
    expect([party.status, party.body.code]).toEqual([409, 'MEDIATION.PROCESS_ALREADY_CLOSED']);
    expect(await eventsOf(id, 'PartyAdded')).toEqual([]);
  });

  it('claims and answers each Idempotency-Key once when its command is run again: copies answer the same, each party is added once', async () => {
    const id = await activeProcess();
    const officer = await token(['mediation-officer'], 'global', `int-keyed-${uniqueSuffix()}`);
    const keys = ['a', 'b', 'c'].map((k) => `${k}-${uniqueSuffix()}`);
    const add = (key: string) => () => m.api('POST', `/processes/${id}/parties`, officer, { name: `Party ${key}`, kind: 'political_party' }, { 'idempotency-key': key });
    // Each key sent twice: one copy of each decides and meets the others at the process row, the other waits on its key.
    const answers = await atOnce(id, keys.flatMap((key) => [add(key), add(key)]), keys.length, keys.length);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    keys.forEach((_, i) => expect(answers[2 * i + 1].body, keys[i]).toEqual(answers[2 * i].body));
    expect((await eventsOf(id, 'PartyAdded')).map((e) => e.party.name).sort()).toEqual(keys.map((k) => `Party ${k}`).sort());
    // One claim per key, holding the response its requests were answered.
    const stored = await db.query('SELECT key, response FROM mediation.idempotent_requests WHERE key = ANY($1)', [keys]);
    expect(stored.rows.map((r) => r.key).sort()).toEqual([...keys].sort());
    for (const row of stored.rows) expect(row.response, row.key).toEqual(answers[2 * keys.indexOf(row.key)].body);
  });
});
