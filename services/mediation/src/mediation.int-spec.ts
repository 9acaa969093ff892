import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Consumer, Producer } from 'kafkajs';
import {
  CE_MEDIATION_CONCLUDED,
  CE_ESCALATION_REFERRED,
  CE_MEDIATION_OPENED,
  CE_MEDIATION_PROPOSED,
  CE_RISK_DEESCALATED,
  CE_RISK_ESCALATED,
  decodeEvent,
  RiskDeescalatedSchema,
  RiskEscalatedSchema,
  RiskLevel,
  TOPIC_MEDIATION,
  type EventMessage,
} from '@crisis-ops/contracts';
import { domainEventRecord, parseCloudEvent, type ReceivedEvent } from '@crisis-ops/messaging';
import { eventually, ReadPositions, testKafka, uniqueSuffix } from '@crisis-ops/testing';
import { bootMediation, freshCountries, token, type BootedMediation } from './int-support';
import { regionOf } from './region/region-of';

/** User-assigned codes no earlier run has used in this database (int-support.ts), drawn in beforeAll. */
let COUNTRY = '';
let OTHER = '';
let AFTER_AGREEMENT = '';
/** For the referral test: a stale proposal and an active process in one country. */
let REFERRAL = '';
/** For the areas test: processes of admin1s and of the whole country side by side. */
let AREAS = '';

/**
 * mediation as the events it consumes and publishes show it, and the REST API a process is run
 * through; the API's paging and repeated commands are processes/processes-api.int-spec.ts.
 */
describe('mediation on real Kafka and Postgres', () => {
  let m: BootedMediation;
  let api: BootedMediation['api'];
  let db: BootedMediation['db'];
  let producer: Producer;
  let reader: Consumer;
  const published: ReceivedEvent[] = [];
  const positions = new ReadPositions();

  beforeAll(async () => {
    [COUNTRY, OTHER, AFTER_AGREEMENT, REFERRAL, AREAS] = await freshCountries(5);
    m = await bootMediation();
    ({ api, db } = m);
    producer = testKafka('mediation-int-producer').producer({ idempotent: true });
    await producer.connect();
    reader = testKafka('mediation-int-reader').consumer({ groupId: `mediation-int-${uniqueSuffix()}` });
    await reader.connect();
    await reader.subscribe({ topic: TOPIC_MEDIATION, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, partition, message }) => {
        positions.record(topic, partition, message.offset);
        const key = message.key?.toString();
        if (key === COUNTRY || key === OTHER || key === AFTER_AGREEMENT || key === REFERRAL || key === AREAS || key === 'MLI') published.push(parseCloudEvent(topic, partition, message));
      },
    });
  });

  afterAll(async () => {
    await reader?.disconnect();
    await producer?.disconnect();
    await m?.close();
  });

  /** Published as early-warning's relay would; the same ceId twice is a redelivery. */
  const sendRisk = <T extends typeof CE_RISK_ESCALATED | typeof CE_RISK_DEESCALATED>(ceId: string, type: T, message: EventMessage<T>) => {
    const record = domainEventRecord(type, message, { id: ceId });
    return producer.send({ topic: record.topic, messages: [record.message] });
  };

  const escalation = (escalationId: string, country: string, newLevel: RiskLevel) =>
    create(RiskEscalatedSchema, {
      escalationId,
      country,
      previousLevel: RiskLevel.ELEVATED,
      newLevel,
      score: 0.91,
      drivers: [{ kind: 'battles', label: 'Armed clashes', area: 'North', count: 7, weight: 0.8 }],
      at: timestampFromDate(new Date(Date.now() - 3_600_000)),
    });

  const inboxHas = async (eventId: string) =>
    (await db.query('SELECT 1 FROM mediation.inbox WHERE consumer = $1 AND event_id = $2', ['mediation', eventId])).rowCount === 1;

  it('turns one escalation into exactly one proposed process and one MediationProposed, however it is delivered', async () => {
    const escalationId = randomUUID();
    const first = randomUUID();
    const other = randomUUID();
    const escalated = escalation(escalationId, COUNTRY, RiskLevel.CRITICAL);
    await sendRisk(first, CE_RISK_ESCALATED, escalated);
    await sendRisk(first, CE_RISK_ESCALATED, escalated); // redelivery: same ce_id
    await sendRisk(other, CE_RISK_ESCALATED, escalated); // same escalation, new ce_id
    // One key, one partition: once the last is applied, the earlier two have been handled.
    await eventually(() => inboxHas(other), 90_000, 250);

    const proposedOnKafka = () => published.filter((e) => e.key === COUNTRY && e.type === CE_MEDIATION_PROPOSED);
    await eventually(async () => proposedOnKafka().length > 0, 30_000);
    // A duplicate would have been written to the outbox with the inbox rows awaited above. Once the
    // relay has sent (and so deleted) every row of the country, and the reader has read the topic to
    // the end the broker had then, a duplicate would be in `published`.
    await eventually(async () => (await db.query('SELECT 1 FROM mediation.outbox WHERE key = $1', [COUNTRY])).rowCount === 0, 30_000, 100);
    await positions.readToEnd(TOPIC_MEDIATION);

    expect(proposedOnKafka()).toHaveLength(1);
    const message = decodeEvent(CE_MEDIATION_PROPOSED, proposedOnKafka()[0].data);
    expect(message).toMatchObject({ country: COUNTRY, triggeredByEscalationId: escalationId, lead: 'special_envoy', escalationLevel: RiskLevel.CRITICAL });
    expect(message.drivers.map((d) => d.kind)).toEqual(['battles']);

    const rows = await db.query('SELECT id, status, region, escalation_id, escalated_at FROM mediation.processes WHERE country = $1', [COUNTRY]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ status: 'proposed', region: 'unassigned', escalation_id: escalationId });
    // Time to response counts from when the escalation was raised (its event's time, just now), not
    // from the day it assessed (an hour before, in this escalation's payload).
    expect(Math.abs(Date.now() - new Date(rows.rows[0].escalated_at).getTime())).toBeLessThan(30 * 60_000);
    expect(message.processId).toBe(rows.rows[0].id);
    const handled = await db.query('SELECT outcome, process_id FROM mediation.handled_escalations WHERE escalation_id = $1', [escalationId]);
    expect(handled.rows).toEqual([{ outcome: 'proposed', process_id: rows.rows[0].id }]);

    // A new escalation while the process is open proposes nothing more.
    const again = randomUUID();
    const secondEscalation = randomUUID();
    await sendRisk(again, CE_RISK_ESCALATED, escalation(secondEscalation, COUNTRY, RiskLevel.HIGH));
    await eventually(() => inboxHas(again), 60_000, 250);
    expect((await db.query('SELECT outcome, process_id FROM mediation.handled_escalations WHERE escalation_id = $1', [secondEscalation])).rows).toEqual([
      { outcome: 'open-process-exists', process_id: rows.rows[0].id },
    ]);
    expect((await db.query('SELECT 1 FROM mediation.processes WHERE country = $1', [COUNTRY])).rowCount).toBe(1);
    // ...and says which open process answers it, so that its time to response is not pending for ever.
    const referred = await eventually(async () => published.find((e) => e.key === COUNTRY && e.type === CE_ESCALATION_REFERRED), 30_000);
    expect(decodeEvent(CE_ESCALATION_REFERRED, referred.data)).toMatchObject({ escalationId: secondEscalation, processId: rows.rows[0].id, country: COUNTRY, level: RiskLevel.HIGH, processOpened: false });

    // A de-escalation lands on the country's open process history.
    const deescalated = randomUUID();
    const down = create(RiskDeescalatedSchema, { escalationId, country: COUNTRY, previousLevel: RiskLevel.CRITICAL, newLevel: RiskLevel.ELEVATED, at: timestampFromDate(new Date()) });
    await sendRisk(deescalated, CE_RISK_DEESCALATED, down);
    await eventually(() => inboxHas(deescalated), 60_000, 250);
    const history = await db.query('SELECT type FROM mediation.process_events WHERE process_id = $1 ORDER BY version', [rows.rows[0].id]);
    expect(history.rows.map((r) => r.type)).toEqual(['MediationProposed', 'DeescalationRecorded']);

    // Visible through the API to a global reader, refused to a regional one.
    const globalViewer = await token(['global-viewer'], 'europe-central-asia');
    const listed = await api('GET', `/processes?country=${COUNTRY}`, globalViewer);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    const forbidden = await api('GET', `/processes/${rows.rows[0].id}`, await token(['viewer'], 'africa'));
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
  });

  it('proposes a process for an escalation after an agreement, whose drivers early-warning weighs outside 0..1', async () => {
    const country = AFTER_AGREEMENT;
    const id = randomUUID();
    const escalationId = randomUUID();
    const drivers = [
      { kind: 'battles', label: 'Armed clashes', area: '', count: 14, weight: 1.1613 },
      { kind: 'agreement_reached', label: 'Mediation agreement in force', area: '', count: 0, weight: -0.1613 },
    ];
    const escalated = create(RiskEscalatedSchema, { escalationId, country, previousLevel: RiskLevel.ELEVATED, newLevel: RiskLevel.HIGH, score: 62, drivers, at: timestampFromDate(new Date()) });
    await sendRisk(id, CE_RISK_ESCALATED, escalated);
    await eventually(() => inboxHas(id), 60_000, 250);
    const proposed = await eventually(
      async () => published.find((e) => e.key === country && e.type === CE_MEDIATION_PROPOSED && decodeEvent(CE_MEDIATION_PROPOSED, e.data).triggeredByEscalationId === escalationId),
      30_000,
    );
    expect(decodeEvent(CE_MEDIATION_PROPOSED, proposed.data)).toMatchObject({ triggeredByEscalationId: escalationId, drivers });

    // Drivers of the whole country: '' on the wire (proto3), null over HTTP as early-warning's API and
    // the operations centre answer them, in the state, the listing and the history alike.
    const processId = decodeEvent(CE_MEDIATION_PROPOSED, proposed.data).processId;
    const reader = await token(['global-viewer'], 'global');
    const wholeCountry = drivers.map((d) => ({ ...d, area: null }));
    const answered = async () => {
      const one = await api('GET', `/processes/${processId}`, reader);
      const listed = await api('GET', `/processes?country=${country}`, reader);
      const history = one.body.history as Array<{ event: { type: string; drivers?: unknown } }>;
      return { state: one.body.drivers, listed: (listed.body[0] as { drivers: unknown }).drivers, history: history.find((h) => h.event.type === 'MediationProposed')?.event.drivers };
    };
    expect(await answered()).toEqual({ state: wholeCountry, listed: wholeCountry, history: wholeCountry });

    // A process stored before this rule holds '' in its history and snapshot, which are never
    // rewritten: made so here, it is still answered null...
    const asStoredBefore = (column: string) => `jsonb_set(${column}, '{drivers}', (SELECT jsonb_agg(d || '{"area": ""}') FROM jsonb_array_elements(${column}->'drivers') d))`;
    await db.query(`UPDATE mediation.process_events SET payload = ${asStoredBefore('payload')} WHERE process_id = $1 AND type = 'MediationProposed'`, [processId]);
    await db.query(`UPDATE mediation.processes SET state = ${asStoredBefore('state')} WHERE id = $1`, [processId]);
    const stored = await db.query("SELECT p.state->'drivers'->0->>'area' AS state, e.payload->'drivers'->0->>'area' AS event FROM mediation.processes p JOIN mediation.process_events e ON e.process_id = p.id AND e.version = 1 WHERE p.id = $1", [processId]);
    expect(stored.rows).toEqual([{ state: '', event: '' }]);
    expect(await answered()).toEqual({ state: wholeCountry, listed: wholeCountry, history: wholeCountry });
    // ...and so is a command's answer on it, and that answer replayed from an Idempotency-Key stored before.
    const activate = async () =>
      api('POST', `/processes/${processId}/activate`, await token(['approver'], 'global'), { mandate: 'Good offices', envoy: { name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female' } }, { 'idempotency-key': `whole-area-${processId}` });
    expect(await activate()).toMatchObject({ status: 200, body: { status: 'active', drivers: wholeCountry } });
    await db.query(`UPDATE mediation.idempotent_requests SET response = ${asStoredBefore('response')} WHERE key = $1`, [`whole-area-${processId}`]);
    expect(await activate()).toMatchObject({ status: 200, body: { status: 'active', drivers: wholeCountry } });
  });

  it('does not propose for an escalation below high', async () => {
    const id = randomUUID();
    await sendRisk(id, CE_RISK_ESCALATED, escalation(randomUUID(), OTHER, RiskLevel.ELEVATED));
    await eventually(() => inboxHas(id), 60_000, 250);
    expect((await db.query('SELECT 1 FROM mediation.processes WHERE country = $1', [OTHER])).rowCount).toBe(0);
  });

  it('runs a process through the REST API with roles, regions and stable error codes', async () => {
    const officer = await token(['mediation-officer'], 'africa');
    const approver = await token(['approver'], 'africa');
    const outsider = await token(['mediation-officer'], 'europe-central-asia');

    const invalid = await api('POST', '/processes', officer, { country: 'Mali', track: 'talks', lead: 'special_envoy' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('REQUEST.INVALID');
    expect((invalid.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['country', 'track']);
    // A name of blanks is refused at the edge with the others, as the domain would refuse it.
    const blank = await api('POST', '/processes', officer, { country: 'MLI', track: 'mediation', lead: 'srsg', parties: [{ name: '  \t', kind: 'government' }] });
    expect(blank).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'parties[0].name', reason: 'must not be empty' }] } });

    const proposed = await api('POST', '/processes', officer, {
      country: 'MLI',
      admin1: 'Mopti',
      track: 'mediation',
      lead: 'srsg',
      parties: [{ name: 'Government of Mali', kind: 'government' }, { name: `Women of Mopti ${uniqueSuffix()}`, kind: 'womens_organisation' }],
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'proposed', region: 'africa', country: 'MLI' });
    const id = proposed.body.processId as string;

    expect(await api('POST', `/processes/${id}/activate`, officer, { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.FORBIDDEN_ROLE' },
    });
    expect(await api('POST', `/processes/${id}/suspend`, outsider, { reason: 'x' })).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    // Listings and figures of another region's country are refused too, not answered with none.
    for (const path of ['/processes?country=MLI', '/process-metrics/time-to-response?country=MLI', '/process-metrics/inclusion?country=MLI']) {
      expect(await api('GET', path, outsider), path).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    }
    expect(await api('POST', `/processes/${id}/suspend`, officer, { reason: 'x' })).toMatchObject({ status: 409, body: { code: 'MEDIATION.PROCESS_NOT_ACTIVE' } });

    const activated = await api('POST', `/processes/${id}/activate`, approver, { mandate: 'Good offices', envoy: { name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female' } });
    expect(activated).toMatchObject({ status: 200, body: { status: 'active' } });
    const partyIds = (activated.body.parties as Array<{ partyId: string }>).map((p) => p.partyId);

    const session = await api('POST', `/processes/${id}/sessions`, officer, {
      heldAt: new Date(Date.now() - 60_000).toISOString(),
      place: 'Bamako',
      partyIds,
      participants: [
        { gender: 'female', ageGroup: 'youth', count: 2 },
        { gender: 'male', ageGroup: 'adult', count: 6 },
      ],
    });
    expect(session.status).toBe(200);
    const badSession = await api('POST', `/processes/${id}/sessions`, officer, { heldAt: 'soon', place: 'x', participants: [{ gender: 'female', ageGroup: 'youth', count: -1 }] });
    expect(badSession.status).toBe(400);
    expect((badSession.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['heldAt', 'participants[0].count']);
    // What the domain would refuse next (a future date, a group counted twice) is named with the rest.
    const twice = { gender: 'female', ageGroup: 'youth', count: 2 };
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(await api('POST', `/processes/${id}/sessions`, officer, { heldAt: tomorrow, place: '', participants: [twice, twice] })).toMatchObject({
      status: 400,
      body: {
        code: 'REQUEST.INVALID',
        errors: [
          { field: 'heldAt', reason: 'must not be in the future' },
          { field: 'place', reason: 'must not be empty' },
          { field: 'participants', reason: 'counts female/youth twice' },
        ],
      },
    });

    expect(
      (
        await api('POST', `/processes/${id}/agreements`, officer, {
          kind: 'ceasefire',
          title: 'Mopti ceasefire',
          signedAt: new Date(Date.now() - 30_000).toISOString(),
          provisions: [{ topic: 'participation', text: 'Women in monitoring', addressesGender: true, addressesYouth: false }],
          signatories: [{ name: 'Minister', role: 'party', organization: 'Government of Mali' }],
        })
      ).status,
    ).toBe(200);
    expect(await api('POST', `/processes/${id}/conclude`, approver, { outcome: 'agreement', reason: 'Ceasefire signed' })).toMatchObject({ status: 200, body: { status: 'concluded' } });
    expect(await api('POST', `/processes/${id}/resume`, officer, { reason: 'x' })).toMatchObject({ status: 409, body: { code: 'MEDIATION.PROCESS_ALREADY_CLOSED' } });

    const one = await api('GET', `/processes/${id}`, await token(['viewer'], 'africa'));
    expect(one.status).toBe(200);
    expect((one.body.history as Array<{ event: { type: string } }>).map((h) => h.event.type)).toEqual([
      'MediationProposed',
      'MediationOpened',
      'EnvoyAppointed',
      'TalksConvened',
      'AgreementReached',
      'MediationConcluded',
    ]);
    expect(one.body.inclusion).toMatchObject({ delegates: 8, women: 2, womenShare: 0.25, youthShare: 0.25, genderProvisionShare: 1 });

    const inclusion = await api('GET', '/process-metrics/inclusion?country=MLI', await token(['viewer'], 'africa'));
    expect(inclusion.status).toBe(200);
    expect(inclusion.body.processes).toBeGreaterThanOrEqual(1);
    const ttr = await api('GET', '/process-metrics/time-to-response?region=africa', await token(['viewer'], 'africa'));
    expect(ttr.status).toBe(200);
    expect(await api('GET', '/process-metrics/time-to-response?region=africa', await token(['viewer'], 'europe-central-asia'))).toMatchObject({ status: 403 });
    expect(await api('GET', '/processes?region=mars', await token(['viewer'], 'africa'))).toMatchObject({ status: 400, body: { errors: [{ field: 'region', reason: expect.stringContaining('africa') }] } });

    await eventually(async () => {
      const types = published.filter((e) => e.subject === id).map((e) => e.type);
      return types.includes(CE_MEDIATION_CONCLUDED) && types;
    }, 30_000);
    const types = published.filter((e) => e.subject === id).map((e) => e.type);
    expect(types[0]).toBe(CE_MEDIATION_PROPOSED);
    expect(types[1]).toBe(CE_MEDIATION_OPENED);
    expect(types).toHaveLength(6);
  });

  it('refers an escalation to the country\'s active process rather than to an older proposal never taken up', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const approver = await token(['approver'], 'global');
    const stale = await api('POST', '/processes', officer, { country: REFERRAL, track: 'good_offices', lead: 'special_envoy' });
    const active = await api('POST', '/processes', officer, { country: REFERRAL, track: 'mediation', lead: 'srsg' });
    expect([stale.status, active.status]).toEqual([201, 201]);
    const activeId = active.body.processId as string;
    expect((await api('POST', `/processes/${activeId}/activate`, approver, { mandate: 'm', envoy: { name: 'E', role: 'r', organization: 'UN', gender: 'female' } })).status).toBe(200);

    const escalationId = randomUUID();
    await sendRisk(randomUUID(), CE_RISK_ESCALATED, escalation(escalationId, REFERRAL, RiskLevel.CRITICAL));
    const referred = await eventually(async () => published.find((e) => e.key === REFERRAL && e.type === CE_ESCALATION_REFERRED), 60_000, 250);
    expect(decodeEvent(CE_ESCALATION_REFERRED, referred.data)).toMatchObject({ escalationId, processId: activeId, processOpened: true });
  });

  it('refers an escalation only to an open process covering its area (the country\'s, or its admin1\'s), else proposes one for its area', async () => {
    const officer = await token(['mediation-officer'], 'global');
    const tillaberi = await api('POST', '/processes', officer, { country: AREAS, admin1: 'Tillaberi', track: 'good_offices', lead: 'special_envoy' });
    expect(tillaberi.status).toBe(201);
    /** How mediation answered a critical escalation of `admin1` ('' the country): the outcome and the answering process's area. */
    const answer = async (admin1: string) => {
      const escalationId = randomUUID();
      const escalated = escalation(escalationId, AREAS, RiskLevel.CRITICAL);
      escalated.admin1 = admin1;
      await sendRisk(randomUUID(), CE_RISK_ESCALATED, escalated);
      const handled = await eventually(
        async () => (await db.query('SELECT outcome, process_id FROM mediation.handled_escalations WHERE escalation_id = $1', [escalationId])).rows[0] as { outcome: string; process_id: string } | undefined,
        60_000,
        250,
      );
      const process = await db.query('SELECT admin1 FROM mediation.processes WHERE id = $1', [handled.process_id]);
      return { escalationId, outcome: handled.outcome, processId: handled.process_id, admin1: process.rows[0].admin1 as string | null };
    };

    // Another admin1 is no business of the Tillaberi process: it gets a proposal of its own.
    const diffa = await answer('Diffa');
    expect(diffa).toMatchObject({ outcome: 'proposed', admin1: 'Diffa' });
    // The admin1's own process answers it, however the escalation spells it.
    const own = await answer('Tillabéri');
    expect(own).toMatchObject({ outcome: 'open-process-exists', processId: tillaberi.body.processId });
    const referred = await eventually(async () => published.find((e) => e.key === AREAS && e.type === CE_ESCALATION_REFERRED), 60_000, 250);
    expect(decodeEvent(CE_ESCALATION_REFERRED, referred.data)).toMatchObject({ escalationId: own.escalationId, processId: tillaberi.body.processId, admin1: 'Tillabéri' });
    // The country as a whole is answered by neither admin1's process, but by a national proposal...
    const national = await answer('');
    expect(national).toMatchObject({ outcome: 'proposed', admin1: null });
    // ...which then answers an admin1 that has none of its own.
    expect(await answer('Agadez')).toMatchObject({ outcome: 'open-process-exists', processId: national.processId });

    // Diffa's fall is recorded on the processes that answer Diffa (its own, the national one), not on Tillaberi's.
    const deescalated = randomUUID();
    const down = create(RiskDeescalatedSchema, { escalationId: diffa.escalationId, country: AREAS, admin1: 'Diffa', previousLevel: RiskLevel.CRITICAL, newLevel: RiskLevel.ELEVATED, at: timestampFromDate(new Date()) });
    await sendRisk(deescalated, CE_RISK_DEESCALATED, down);
    await eventually(() => inboxHas(deescalated), 60_000, 250);
    const recordedOn = await db.query(`SELECT process_id FROM mediation.process_events WHERE type = 'DeescalationRecorded' AND payload->>'escalationId' = $1`, [diffa.escalationId]);
    expect(recordedOn.rows.map((r) => r.process_id).sort()).toEqual([diffa.processId, national.processId].sort());
  });

  it('shows the signal tally of a country only to mediation readers of its region, and names a malformed country', async () => {
    // A tally exists for a country once its signals were seen; an African one as any suite leaves.
    const africa = await token(['viewer'], 'africa');
    const europe = await token(['viewer'], 'europe-central-asia');
    const tally = await api('GET', '/country-watch', africa);
    expect(tally.status).toBe(200);
    expect((tally.body as Array<{ country: string }>).every((r) => ['africa'].includes(regionOf(r.country) ?? ''))).toBe(true);
    expect(await api('GET', '/country-watch/MLI', europe)).toMatchObject({ status: 403, body: { code: 'MEDIATION.REGION_FORBIDDEN' } });
    expect([200, 404]).toContain((await api('GET', '/country-watch/MLI', africa)).status);
    // Not a mediation reader at all: an analyst or a watch officer of the region.
    for (const roles of [['analyst'], ['watch-officer']]) expect((await api('GET', '/country-watch', await token(roles, 'africa'))).status).toBe(403);
    for (const bad of ['mli', '%00']) expect(await api('GET', `/country-watch/${bad}`, africa), bad).toMatchObject({ status: 400, body: { errors: [{ field: 'country' }] } });
    // A route that takes no query parameter refuses one rather than answering as if it were not there.
    expect(await api('GET', '/country-watch?country=MLI', africa)).toMatchObject({ status: 400, body: { errors: [{ field: 'country' }] } });
  });
});
