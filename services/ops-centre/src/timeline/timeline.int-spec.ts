import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AgreementKind, AgreementReachedSchema, CE_AGREEMENT_REACHED, CE_MEDIATION_PROPOSED, CE_SIGNAL_RECORDED, MediationProposedSchema, RiskLevel, SignalRecordedSchema, SignatoryRole } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { adminClient, devToken, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation, publishSignals } from '../../test/events';
import { deskOf } from '../access/access-policy';
import { ceTypeMatchSql, shortNamesOf } from '../stream/stream-filter';

/** The timeline a console pages back through, with the filters of its live pane. */
describe('ops-centre timeline, paged back with the live pane\'s filters', () => {
  const h = useOpsCentre('ops-centre-timeline-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-timeline-global' } });
  let base: string;
  let producer: Producer;
  let globalToken: string;
  let africaToken: string;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string, token: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const ids = async (path: string) => (await api(path, globalToken)).body.map((e: { eventId: string }) => e.eventId);

  beforeAll(async () => {
    ({ base, producer, globalToken } = h);
    africaToken = await devToken({ roles: ['watch-officer'], region: 'africa', subject: 'int-timeline-africa' });
  });

  it('pages back through the events of a type and a minimum level only, as the stream filters them, each saying its name, desk and level', async () => {
    const country = await freshTestCountry();
    // Signals have a topic of their own: recorded first, so the order of the timeline is known.
    const [signal] = await publishSignals(producer, country, 1);
    await eventually(async () => (await ids(`/timeline?country=${country}`)).includes(signal));
    const elevated = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    const high = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    const critical = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL });
    await eventually(async () => (await ids(`/timeline?country=${country}`)).includes(critical.eventId));

    expect(await ids(`/timeline?country=${country}&minLevel=high`)).toEqual([critical.eventId, high.eventId]);
    expect(await ids(`/timeline?country=${country}&minLevel=elevated&before=${critical.eventId}`)).toEqual([high.eventId, elevated.eventId]);
    expect(await ids(`/timeline?country=${country}&type=signal-recorded`)).toEqual([signal]);
    expect(await ids(`/timeline?country=${country}&type=risk-escalated,org.crisis-ops.early-warning.signal-recorded.v1&before=${high.eventId}`)).toEqual([elevated.eventId, signal]);
    // Repeated, as the stream takes it: the validation pipe joins a repeated string parameter with commas.
    expect(await ids(`/timeline?country=${country}&type=risk-escalated&type=signal-recorded&before=${high.eventId}`)).toEqual([elevated.eventId, signal]);
    expect((await api(`/timeline?country=${country}&type=signal-recorded`, globalToken)).body).toEqual([
      expect.objectContaining({ eventId: signal, name: 'signal-recorded', desk: null, level: null }),
    ]);
    expect((await api(`/timeline?country=${country}&limit=1`, globalToken)).body[0]).toMatchObject({ name: 'risk-escalated', level: 4 });

    const bad = await api('/timeline?type=risk_escalated&minLevel=severe&region=mars', globalToken);
    // Malformed values are answered as early-warning and mediation answer them: 400 REQUEST.INVALID (was 422).
    expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await api('/timeline?limit=abc', globalToken)).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }] } });
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['minLevel', 'region', 'type']);
    // A misspelt parameter is named with the faulty ones, so that one correction is enough.
    expect(await api('/timeline?contry=BFA&limit=abc&minLevel=severe', globalToken)).toMatchObject({
      status: 400,
      body: {
        code: 'REQUEST.INVALID',
        errors: [
          { field: 'contry', reason: 'is not a parameter of this request (it takes before, country, limit, minLevel, region, type)' },
          { field: 'limit', reason: 'must be an integer from 1 to 1000' },
          { field: 'minLevel', reason: 'must be low, elevated, high or critical (or 1-4)' },
        ],
      },
    });
    // So on the stream and the replay, which answer by themselves and are refused before they open.
    for (const path of ['/stream?contry=BFA&minLevel=severe', '/replay?contry=BFA&minLevel=severe&from=yesterday']) {
      const refused = await api(path, globalToken);
      expect(refused, path).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
      expect(refused.body.errors.map((e: { field: string }) => e.field), path).toEqual(path.startsWith('/stream') ? ['contry', 'minLevel'] : ['contry', 'from', 'minLevel']);
    }
    // A parameter given twice is told so, as early-warning tells it, not that its value is malformed.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    for (const [path, field] of [['/timeline?country=UKR&country=RUS', 'country'], [`/replay?from=${from}&from=${from}`, 'from'], ['/stream?minLevel=high&minLevel=low', 'minLevel']]) {
      expect(await api(path, globalToken), path).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field, reason: 'must be given once' }] } });
    }
  });

  it('refuses a filter given empty (nothing, a comma, blanks) on the timeline, the stream and the replay, where it was read as no filter and answered everything', async () => {
    // Status and body only: a stream that opens (the fault) is closed at once rather than read to its end.
    const answer = async (path: string) => {
      const aborter = new AbortController();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${globalToken}` }, signal: aborter.signal });
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
        aborter.abort();
        return { status: res.status, body: 'a stream' };
      }
      return { status: res.status, body: await res.json() };
    };
    const from = new Date(Date.now() - 60_000).toISOString();
    const why = 'must not be empty (give at least one value, or leave the parameter out for no filter)';
    for (const value of ['', ',', '%20', '%20,%20']) {
      expect(await answer(`/timeline?type=${value}`), `type=${value}`).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'type', reason: why }] } });
      for (const field of ['country', 'region']) expect(await answer(`/timeline?${field}=${value}`), `${field}=${value}`).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field }] } });
      // The stream's and the replay's filter refusal, as for any other bad filter (its 422 code).
      for (const field of ['type', 'country', 'region']) {
        for (const path of [`/stream?${field}=${value}`, `/replay?from=${from}&${field}=${value}`, `/stream?${field}=${value}&${field}=`]) {
          expect(await answer(path), path).toMatchObject({ status: 422, body: { code: 'OPS_CENTRE.STREAM_FILTER_INVALID', errors: [{ field, reason: why }] } });
        }
      }
    }
    // An empty minimum level is an unknown one there as on the timeline, not no minimum.
    for (const path of ['/stream?minLevel=', `/replay?from=${from}&minLevel=`]) {
      expect(await answer(path), path).toMatchObject({ status: 422, body: { code: 'OPS_CENTRE.STREAM_FILTER_INVALID', errors: [{ field: 'minLevel' }] } });
    }
    expect(await answer('/timeline?minLevel='), 'minLevel=').toMatchObject({ status: 400, body: { errors: [{ field: 'minLevel' }] } });
    // A trailing comma after a value is harmless, as before.
    expect((await answer('/timeline?type=risk-escalated,&limit=1')).status).toBe(200);
  });

  it("says null of a signal's severity sent without one, as early-warning does, and so of those recorded before", async () => {
    const country = await freshTestCountry();
    const sent = [];
    for (const severity of [undefined, 2]) {
      const record = domainEventRecord(
        CE_SIGNAL_RECORDED,
        create(SignalRecordedSchema, { signalId: randomUUID(), source: 'field-monitor', country, type: 'battles', occurredAt: timestampFromDate(new Date()), ...(severity ? { severity } : {}) }),
      );
      await producer.send({ topic: record.topic, messages: [record.message] });
      sent.push(record.id);
    }
    const severities = async () =>
      Object.fromEntries(((await api(`/timeline?country=${country}`, globalToken)).body as Array<{ eventId: string; payload: { severity: unknown } }>).map((e) => [e.eventId, e.payload.severity]));
    await eventually(async () => (Object.keys(await severities()).length === 2 ? true : undefined));
    expect(await severities()).toEqual({ [sent[0]]: null, [sent[1]]: 2 });

    // Recorded before the rule, a row keeps 0 in the table: it is shown null where it is read.
    const db = adminClient();
    await db.connect();
    try {
      await db.query(`UPDATE ops_centre.timeline_entries SET payload = jsonb_set(payload, '{severity}', '0') WHERE event_id = $1`, [sent[0]]);
      expect(await severities()).toEqual({ [sent[0]]: null, [sent[1]]: 2 });
      const page = (await api(`/countries/${country}`, globalToken)).body as { timeline: Array<{ eventId: string; payload: { severity: unknown } }> };
      expect(Object.fromEntries(page.timeline.map((e) => [e.eventId, e.payload.severity]))).toEqual({ [sent[0]]: null, [sent[1]]: 2 });
    } finally {
      await db.end();
    }
  });

  it('finds the newest events of a type through the index on its short name, not by reading the whole timeline', async () => {
    const types = ['election-postponed', 'org.crisis-ops.partnerships.partner-engaged.v1'];
    const db = adminClient();
    await db.connect();
    try {
      // The query of /timeline?type=, as the index would serve it: the planner may not read the table whole.
      await db.query('BEGIN');
      await db.query('SET LOCAL enable_seqscan = off');
      const plan = await db.query(
        `EXPLAIN (FORMAT JSON) SELECT event_id FROM ops_centre.timeline_entries WHERE ${ceTypeMatchSql('ce_type', '$1::text[]', '$2::text[]')} ORDER BY received_at DESC LIMIT 50`,
        [shortNamesOf(types), types],
      );
      await db.query('ROLLBACK');
      expect(JSON.stringify(plan.rows[0]['QUERY PLAN'])).toContain('"Index Name":"timeline_short_type"');
    } finally {
      await db.end();
    }
  });

  it('pages back through a region\'s events for a global officer, and refuses another region to a regional one', async () => {
    const mali = await publishEscalation(producer, { country: 'MLI', level: RiskLevel.HIGH });
    const norway = await publishEscalation(producer, { country: 'NOR', level: RiskLevel.HIGH });
    await eventually(async () => (await ids('/timeline?country=NOR')).includes(norway.eventId) && (await ids('/timeline?country=MLI')).includes(mali.eventId));
    const africa = (await api('/timeline?region=africa&type=risk-escalated&limit=200', globalToken)).body;
    expect(africa.map((e: { eventId: string }) => e.eventId)).toContain(mali.eventId);
    expect(africa.every((e: { country: string; desk: string }) => deskOf(e.country) === 'africa' && e.desk === 'africa')).toBe(true);
    // A country outside the region asked matches nothing: refused, naming its desk, not answered empty.
    expect(await api('/timeline?region=africa&country=NOR', globalToken)).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'country', reason: 'NOR is a country of region europe-central-asia, not of region africa: give one of the two, or both of one desk' }] },
    });
    expect((await api('/timeline?region=europe-central-asia', africaToken)).status).toBe(403);
    expect((await api('/timeline?region=africa&minLevel=high', africaToken)).body.every((e: { level: number }) => e.level >= 3)).toBe(true);
  });

  it('keeps, at a minimum level, the proposals that escalations at or above it prompted, where it hid every proposal while showing referrals', async () => {
    const country = await freshTestCountry();
    const propose = async (escalationLevel: RiskLevel) => {
      const record = domainEventRecord(
        CE_MEDIATION_PROPOSED,
        create(MediationProposedSchema, { processId: randomUUID(), country, lead: 'UN', triggeredByEscalationId: escalationLevel ? randomUUID() : '', escalationLevel, proposedAt: timestampFromDate(new Date()) }),
      );
      await producer.send({ topic: record.topic, messages: [record.message] });
      return record.id;
    };
    const byHand = await propose(RiskLevel.UNSPECIFIED);
    const prompted = await propose(RiskLevel.HIGH);
    await eventually(async () => (await ids(`/timeline?country=${country}`)).includes(prompted));

    expect(await ids(`/timeline?country=${country}&minLevel=high`)).toEqual([prompted]);
    expect((await api(`/timeline?country=${country}`, globalToken)).body).toEqual([
      expect.objectContaining({ eventId: prompted, name: 'mediation-proposed', level: 3 }),
      expect.objectContaining({ eventId: byHand, name: 'mediation-proposed', level: null }),
    ]);
  });

  it("shows an agreement's text to watch and mediation roles only; anyone else of the desk sees that it was reached, where an analyst read what mediation refuses it", async () => {
    const country = await freshTestCountry();
    const record = domainEventRecord(
      CE_AGREEMENT_REACHED,
      create(AgreementReachedSchema, {
        processId: randomUUID(),
        agreementId: randomUUID(),
        country,
        kind: AgreementKind.CEASEFIRE,
        title: 'Confidential: terms of the Gao ceasefire',
        provisions: [{ topic: 'ceasefire', text: 'Hostilities cease at midnight.' }],
        signatories: [{ name: 'A. Leader', role: SignatoryRole.PARTY, organization: 'Movement' }],
        occurredAt: timestampFromDate(new Date()),
      }),
    );
    await producer.send({ topic: record.topic, messages: [record.message] });
    await eventually(async () => (await ids(`/timeline?country=${country}`)).includes(record.id));

    const analyst = await devToken({ roles: ['analyst'], region: 'global', subject: 'int-timeline-analyst' });
    const seenBy = async (token: string) => (await api(`/timeline?country=${country}`, token)).body.find((e: { eventId: string }) => e.eventId === record.id).payload;
    expect(await seenBy(globalToken)).toMatchObject({ title: 'Confidential: terms of the Gao ceasefire', signatories: [expect.objectContaining({ name: 'A. Leader' })] });
    const withheld = await seenBy(analyst);
    expect(withheld).toMatchObject({ country, agreementId: expect.any(String), kind: 'AGREEMENT_KIND_CEASEFIRE', contentWithheld: expect.any(String) });
    for (const field of ['title', 'provisions', 'signatories']) expect(withheld).not.toHaveProperty(field);
    const page = (await api(`/countries/${country}`, analyst)).body;
    expect(JSON.stringify(page)).not.toContain('Gao ceasefire');
    expect(JSON.stringify(page)).not.toContain('A. Leader');
  });
});

