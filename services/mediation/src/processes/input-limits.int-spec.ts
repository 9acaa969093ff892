import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MAX_PROVISIONS, MAX_PROVISIONS_BYTES } from '../domain';
import { bootMediation, freshCountries, token, type BootedMediation } from '../int-support';
import { JSON_BODY_LIMIT_BYTES } from './process.dto';

/** For the agreement-size test: an active process to record agreements on. */
let AGREEMENTS = '';
/** For the text-length test. */
let LENGTHS = '';
/** For the same-party test. */
let SAME_PARTY = '';
/** For the ids-in-capitals test. */
let CAPITALS = '';
/** For the dropped-fields test: were a proposal taken, it is of a code no other test uses. */
let DROPPED = '';

/**
 * What mediation takes of a request at the limits of its fields, and in other spellings of one value
 * (a name in NFD, a UUID in capitals), over HTTP on real Kafka and Postgres: an input within every
 * documented limit is recorded, one beyond a limit is refused naming it, two spellings are one value.
 */
describe('mediation input at its limits and in other spellings, on real Postgres', () => {
  let m: BootedMediation;
  let api: BootedMediation['api'];

  beforeAll(async () => {
    [AGREEMENTS, LENGTHS, SAME_PARTY, CAPITALS, DROPPED] = await freshCountries(5);
    m = await bootMediation();
    ({ api } = m);
  });

  afterAll(async () => {
    await m?.close();
  });

  /** A process of `country`, activated, with `parties`; closed when the test ends. */
  async function activeProcess(country: string, parties: Array<{ name: string; kind: string }> = []): Promise<{ id: string; officer: string; parties: Array<{ partyId: string }> }> {
    const officer = await token(['mediation-officer'], 'global');
    const proposed = await api('POST', '/processes', officer, { country, track: 'good_offices', lead: 'special_envoy', parties });
    expect(proposed.status).toBe(201);
    const id = proposed.body.processId as string;
    onTestFinished(async () => {
      await api('POST', `/processes/${id}/close`, officer, { reason: 'test done' });
    });
    const activated = await api('POST', `/processes/${id}/activate`, await token(['approver'], 'global'), { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } });
    expect(activated.status).toBe(200);
    return { id, officer, parties: proposed.body.parties as Array<{ partyId: string }> };
  }

  it('records a comprehensive agreement within every field limit (12 provisions of 9,750 characters, and the largest the limits allow), where the 100 KB body limit answered 413', async () => {
    const { id, officer } = await activeProcess(AGREEMENTS);
    const signedAt = new Date(Date.now() - 60_000).toISOString();
    const signatories = [{ name: 'Presidente', role: 'party', organization: 'Gobierno' }];
    const chapter = 'Las partes acuerdan la reforma rural integral y la participación política. '.repeat(150).slice(0, 9_749) + '.';
    const comprehensive = {
      kind: 'comprehensive',
      title: 'Acuerdo integral de paz',
      signedAt,
      provisions: Array.from({ length: 12 }, (_, i) => ({ topic: `capítulo ${i}`, text: chapter, addressesGender: i % 2 === 0, addressesYouth: false })),
      signatories,
    };
    expect(Buffer.byteLength(JSON.stringify(comprehensive))).toBeGreaterThan(100 * 1024);
    const recorded = await api('POST', `/processes/${id}/agreements`, officer, comprehensive);
    expect(recorded.status).toBe(200);
    const [agreement] = recorded.body.agreements as Array<{ provisions: Array<{ text: string }> }>;
    expect(agreement.provisions.map((p) => p.text.length)).toEqual(Array(12).fill(9_750));

    // The most the limits allow, in 4-byte characters: its AgreementReached event still fits the outbox.
    const wide = '\u{20000}';
    const largest = {
      kind: 'framework',
      title: 'Marco de paz',
      signedAt,
      provisions: Array.from({ length: MAX_PROVISIONS }, () => ({ topic: wide.repeat(24), text: wide.repeat(1_000), addressesGender: false, addressesYouth: true })),
      signatories,
    };
    expect(largest.provisions.reduce((n, p) => n + Buffer.byteLength(p.topic + p.text), 0)).toBe(MAX_PROVISIONS_BYTES);
    expect((await api('POST', `/processes/${id}/agreements`, officer, largest)).status).toBe(200);

    // One byte more of text is refused naming the field, and a body over the limit is a clear 413.
    const over = { ...largest, title: 'Another', provisions: [...largest.provisions.slice(1), { ...largest.provisions[0], topic: `${largest.provisions[0].topic}a` }] };
    expect(await api('POST', `/processes/${id}/agreements`, officer, over)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'provisions', reason: expect.stringContaining(`come to ${MAX_PROVISIONS_BYTES + 1} bytes`) }] },
    });
    const huge = JSON.stringify({ ...comprehensive, title: 'x'.repeat(JSON_BODY_LIMIT_BYTES) });
    const res = await fetch(`${m.base}/processes/${id}/agreements`, { method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' }, body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'REQUEST.TOO_LARGE', errors: [{ field: 'body', reason: `is ${Buffer.byteLength(huge)} bytes; the limit is ${JSON_BODY_LIMIT_BYTES} bytes` }] });
  });

  it('counts a text in characters as the edge does: a party of 150 characters outside the BMP is added, where the domain refused it 422 as over 200', async () => {
    const { id, officer } = await activeProcess(LENGTHS);
    const wide = '\u{20000}';
    expect(await api('POST', `/processes/${id}/parties`, officer, { name: wide.repeat(150), kind: 'civil_society' })).toMatchObject({ status: 200, body: { parties: [{ name: wide.repeat(150) }] } });
    expect(await api('POST', `/processes/${id}/parties`, officer, { name: wide.repeat(201), kind: 'civil_society' })).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'name', reason: 'must be shorter than or equal to 200 characters' }] },
    });
  });

  it('refuses a party that reads as one of the process (NFD, a double space) with 409 PARTY_ALREADY_ADDED, where each was added as another party', async () => {
    const { id, officer } = await activeProcess(SAME_PARTY, [{ name: 'Unión Cívica', kind: 'civil_society' }]);
    for (const name of ['Unio\u0301n Ci\u0301vica', 'Unión  Cívica']) {
      expect(await api('POST', `/processes/${id}/parties`, officer, { name, kind: 'civil_society' }), JSON.stringify(name)).toMatchObject({ status: 409, body: { code: 'MEDIATION.PARTY_ALREADY_ADDED' } });
    }
    expect((await api('GET', `/processes/${id}`, officer)).body.parties).toHaveLength(1);
  });

  it("takes UUIDs in capitals as the same ids: a party present at a session, and a retry's process id, where they were 422", async () => {
    const { id, officer, parties } = await activeProcess(CAPITALS, [{ name: 'Government', kind: 'government' }]);
    const party = parties[0].partyId;
    const session = { heldAt: new Date(Date.now() - 60_000).toISOString(), place: 'Managua', partyIds: [party.toUpperCase()], participants: [{ gender: 'female', ageGroup: 'adult', count: 2 }] };
    const headers = { 'idempotency-key': `capitals-${id}` };
    const first = await api('POST', `/processes/${id}/sessions`, officer, session, headers);
    expect(first).toMatchObject({ status: 200, body: { sessions: [{ partyIds: [party] }] } });
    // The same request retried, naming the process (and the party) in capitals: the first answer, nothing recorded again.
    const retry = await api('POST', `/processes/${id.toUpperCase()}/sessions`, officer, { ...session, partyIds: [party] }, headers);
    expect(retry).toEqual(first);
    expect((await m.db.query('SELECT 1 FROM mediation.sessions WHERE process_id = $1', [id])).rowCount).toBe(1);
    expect(await api('GET', `/processes/${id.toUpperCase()}`, officer)).toMatchObject({ status: 200, body: { processId: id } });
  });

  it('refuses a page size not written in decimal digits (0x10, 1e2, +5), where it was read as a number', async () => {
    const reader = await token(['global-viewer'], 'global');
    for (const limit of ['0x10', '1e2', '%2B5', '%205']) {
      expect(await api('GET', `/processes?limit=${limit}`, reader), limit).toMatchObject({ status: 400, body: { errors: [{ field: 'limit', reason: 'must be an integer from 1 to 500' }] } });
    }
    expect((await api('GET', '/processes?limit=2', reader)).status).toBe(200);
  });

  it('refuses __proto__ and constructor in a body as fields it does not take, where they were ignored', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const post = async (body: string) => {
      const res = await fetch(`${m.base}/processes`, { method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // Written out: an object literal's __proto__ sets the prototype, and JSON.stringify would leave it out.
    expect(await post(`{"country": "${DROPPED}", "track": "good_offices", "lead": "special_envoy", "__proto__": {"region": "global"}}`)).toEqual({
      status: 400,
      body: { code: 'REQUEST.INVALID', message: '__proto__: is not a field this request takes', errors: [{ field: '__proto__', reason: 'is not a field this request takes' }] },
    });
    expect(await post(`{"country": "${DROPPED}", "track": "good_offices", "lead": "special_envoy", "parties": [{"name": "G", "kind": "government", "constructor": "x"}]}`)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'parties[0].constructor', reason: 'is not a field this request takes' }] },
    });
  });
});
