import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { dlqTopicOf, RiskLevel, TOPIC_REDRIVES, TOPIC_RISK, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { cloudEventHeaders, redriveRecord } from '@crisis-ops/messaging';
import { devToken, eventually, testKafka } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../test/sse-client';
import { tokenExpiredAgo, useOpsCentre } from '../test/int-harness';
import { publishEscalation, publishMediation, publishReferral, freshTestCountries, freshTestCountry } from '../test/events';
import { deskOf } from './access/access-policy';

/**
 * ops-centre booted in-process on the test infrastructure (INFRA_PROFILE=test): migrations as the
 * migrator, consumer group "ops-centre", events published to the real broker by the test. A
 * console's reconnect, caught up from its last event, is stream/stream-catch-up.int-spec.ts.
 */

describe('ops-centre on real Kafka and Postgres', () => {
  const h = useOpsCentre('ops-centre-int-producer');
  const { api, stream } = h;
  let base: string;
  let producer: Producer;
  let globalToken: string;
  let africaToken: string;
  let europeToken: string;
  const startedAt = new Date(Date.now() - 1_000);
  let COUNTRY: string;

  beforeAll(async () => {
    ({ base, producer, globalToken } = h);
    COUNTRY = await freshTestCountry();
    africaToken = await devToken({ roles: ['watch-officer'], region: 'africa', subject: 'int-africa' });
    europeToken = await devToken({ roles: ['watch-officer'], region: 'europe-central-asia', subject: 'int-europe' });
  });

  it('refuses the stream without a valid token, and accepts the header or ?access_token=', async () => {
    expect((await openSse(`${base}/stream`)).status).toBe(401);
    expect((await openSse(`${base}/stream?access_token=not-a-jwt`)).status).toBe(401);
    const viaHeader = await stream('', undefined, { authorization: `Bearer ${africaToken}` });
    expect(viaHeader.status).toBe(200);
    viaHeader.close();
  });

  it('ends a stream when its token expires, rather than streaming for as long as the client stays', async () => {
    // Expired 24 s ago: still accepted for the verifier's 30 s of clock tolerance, so for about 6 s more.
    const expiring = await tokenExpiredAgo(24);
    const s = await stream('', expiring);
    expect(s.status).toBe(200);
    await s.waitFor((m) => m.event === 'expired', 20_000);
    await s.ended;
  });

  it('an escalation to HIGH opens an alert, sets the risk row and reaches the live stream', async () => {
    const live = await stream(`country=${COUNTRY}`, globalToken);
    const { escalationId, eventId } = await publishEscalation(producer, { country: COUNTRY, level: RiskLevel.HIGH, score: 0.87 });

    const seen = await live.waitFor((m) => m.event === 'domain-event' && (m.data as { id: string }).id === eventId);
    expect(seen.data).toMatchObject({ name: 'risk-escalated', country: COUNTRY, level: 3, desk: null });

    const alerts = await eventually(async () => {
      const r = await api(`/alerts?country=${COUNTRY}`, globalToken);
      return r.body?.find((a: { escalationId: string }) => a.escalationId === escalationId);
    });
    expect(alerts).toMatchObject({ country: COUNTRY, status: 'open', level: 3, levelName: 'high' });

    const risk = (await api('/risk', globalToken)).body.find((r: { country: string }) => r.country === COUNTRY);
    expect(risk).toMatchObject({ level: 3, levelName: 'high', score: 0.87 });
    expect(risk.history).toHaveLength(1);

    // The timeline (used by other suites) still answers as before.
    const timeline = (await api(`/timeline?country=${COUNTRY}`, globalToken)).body;
    expect(timeline[0]).toMatchObject({ eventId, country: COUNTRY, type: 'org.crisis-ops.early-warning.risk-escalated.v1' });
  });

  it('a regional user never receives another region\'s events, even when it asks for them', async () => {
    const everything = await stream('', globalToken);
    const africa = await stream('', africaToken);
    const europe = await stream('', europeToken);
    const mali = await publishEscalation(producer, { country: 'MLI', level: RiskLevel.ELEVATED, score: 0.4 });
    const norway = await publishEscalation(producer, { country: 'NOR', level: RiskLevel.ELEVATED, score: 0.3 });
    const q = await publishEscalation(producer, { country: COUNTRY, level: RiskLevel.ELEVATED, score: 0.5 });

    // Three countries, three keys, possibly three partitions consumed concurrently: an African event
    // arriving says nothing about the others. A global reader does: once it has all three, they are
    // committed to the timeline and the stream hub has offered each to every open stream.
    for (const e of [mali, norway, q]) await everything.waitFor((m) => (m.data as { id?: string }).id === e.eventId);
    await africa.waitFor((m) => (m.data as { id?: string }).id === mali.eventId);
    await europe.waitFor((m) => (m.data as { id?: string }).id === norway.eventId);
    // Published only now: on the African stream it comes after anything of the above it would (wrongly) have got.
    const sentinel = await publishEscalation(producer, { country: 'MLI', level: RiskLevel.ELEVATED });
    await africa.waitFor((m) => (m.data as { id?: string }).id === sentinel.eventId);

    const ids = (s: SseClient) => s.messages.filter((m) => m.event === 'domain-event').map((m) => m.data as { id: string; desk: string | null });
    expect(ids(africa).every((e) => e.desk === 'africa')).toBe(true);
    expect(ids(africa).map((e) => e.id)).not.toContain(norway.eventId);
    expect(ids(africa).map((e) => e.id)).not.toContain(q.eventId);
    expect(ids(europe).every((e) => e.desk === 'europe-central-asia')).toBe(true);
    // Asking for another desk's region or country is refused, as on the timeline, rather than
    // answered with a stream that stays empty (which read as nothing happening there).
    const from = new Date(Date.now() - 60_000).toISOString();
    for (const path of ['/stream?region=europe-central-asia', '/stream?country=NOR', `/stream?country=MLI,${COUNTRY}`, `/replay?from=${from}&country=NOR`]) {
      const refused = await openSse(`${base}${path}&access_token=${africaToken}`);
      expect(refused.status, path).toBe(403);
      await refused.ended;
      expect((await api(path, africaToken)).body, path).toMatchObject({ code: 'OPS_CENTRE.REGION_FORBIDDEN' });
    }

    // The REST read model follows the same rule.
    expect((await api('/alerts?region=europe-central-asia', africaToken)).status).toBe(403);
    expect((await api('/risk', africaToken)).body.every((r: { region: string }) => r.region === 'africa')).toBe(true);
    // So does the timeline, which consoles reload history from.
    expect((await api('/timeline?country=NOR', africaToken)).status).toBe(403);
    expect((await api('/alerts?country=NOR', africaToken)).status).toBe(403);
    expect((await api('/response-times?country=NOR', africaToken)).status).toBe(403);
    expect((await api(`/timeline?country=${COUNTRY}`, africaToken)).status).toBe(403);
    // Norway's and the unassigned country's rows were committed before the global stream got them.
    const timeline: Array<{ eventId: string; country: string | null }> = await eventually(async () => {
      const body = (await api('/timeline?limit=1000', africaToken)).body;
      return body.some((e: { eventId: string }) => e.eventId === sentinel.eventId) && body;
    });
    expect(timeline.map((e) => e.eventId)).toContain(mali.eventId);
    expect(timeline.map((e) => e.eventId)).not.toContain(norway.eventId);
    expect(timeline.map((e) => e.eventId)).not.toContain(q.eventId);
    expect(timeline.every((e) => e.country !== null && deskOf(e.country) === 'africa')).toBe(true);
    // A region no desk has (a token from another identity provider) is refused, naming the claim:
    // it would otherwise read as a region of its own (mediation's "unassigned" reads every process without a desk).
    const nowhere = await devToken({ roles: ['watch-officer'], region: 'atlantis', subject: 'int-atlantis' });
    expect(await api('/timeline', nowhere)).toMatchObject({ status: 401, body: { code: 'AUTH.TOKEN_INVALID', message: expect.stringContaining('"region" claim must be one of africa, americas, asia-pacific, europe-central-asia, middle-east, global') } });
    // Nor does a token without a region (an ops engineer's): empty listings, not 403s, which kept
    // its console's panes marked stale for good.
    const engineer = await devToken({ roles: ['ops-engineer'], subject: 'int-engineer' });
    for (const path of ['/timeline', '/risk', '/alerts']) expect(await api(path, engineer), path).toMatchObject({ status: 200, body: [] });
    expect((await api('/risk?region=africa', engineer)).status).toBe(403);
    expect((await api('/timeline?country=NOR', globalToken)).body.map((e: { eventId: string }) => e.eventId)).toContain(norway.eventId);
  });

  it('acknowledging, assigning, commenting and closing an alert are audited, and so is viewing it', async () => {
    const { escalationId } = await publishEscalation(producer, { country: COUNTRY, level: RiskLevel.CRITICAL, score: 0.95 });
    const alert = await eventually(async () => (await api(`/alerts?country=${COUNTRY}`, globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
    expect(alert.levelName).toBe('critical');

    // A regional officer may not touch a Q-country alert (no desk): only global users may.
    expect((await api(`/alerts/${alert.id}/acknowledge`, africaToken, { method: 'POST' })).status).toBe(403);

    expect((await api(`/alerts/${alert.id}`, globalToken)).status).toBe(200);
    expect((await api(`/alerts/${alert.id}/acknowledge`, globalToken, { method: 'POST' })).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'int-global' });
    expect((await api(`/alerts/${alert.id}/acknowledge`, globalToken, { method: 'POST' })).status).toBe(409);
    expect((await api(`/alerts/${alert.id}/assign`, globalToken, { method: 'POST', body: JSON.stringify({ assignee: 'officer-7' }) })).body).toMatchObject({ assignee: 'officer-7' });
    // An action answers the alert as it left it, comments included, so no one needs to view it again.
    expect((await api(`/alerts/${alert.id}/comments`, globalToken, { method: 'POST', body: JSON.stringify({ body: 'Field office confirms.' }) })).body).toMatchObject({
      status: 'acknowledged',
      assignee: 'officer-7',
      comments: [{ author: 'int-global', body: 'Field office confirms.' }],
    });
    // A reason of invisible characters is no reason, as a comment of them is no comment: refused, the alert left open.
    for (const [reason, why] of [['\u200b', 'must have a visible character'], [' \t', 'must not be empty']]) {
      const blank = await api(`/alerts/${alert.id}/close`, globalToken, { method: 'POST', body: JSON.stringify({ reason }) });
      expect(blank, JSON.stringify(reason)).toMatchObject({ status: 400, body: { errors: [{ field: 'reason', reason: why }] } });
    }
    expect((await api(`/alerts/${alert.id}/close`, globalToken, { method: 'POST', body: JSON.stringify({ reason: 'Mediation opened' }) })).body).toMatchObject({ status: 'closed' });
    expect((await api(`/alerts?country=${COUNTRY}&status=all`, globalToken)).body.find((a: { id: string }) => a.id === alert.id)).toMatchObject({ closeReason: 'Mediation opened' });
    expect((await api(`/alerts/${alert.id}/comments`, globalToken, { method: 'POST', body: JSON.stringify({ unknown: 1 }) })).status).toBe(400);
    // Blanks say nothing: a comment of them is no comment, and an alert assigned to them is assigned to no one.
    for (const [action, body] of [['comments', { body: '\n\t ' }], ['assign', { assignee: '   ' }]] as const) {
      const blank = await api(`/alerts/${alert.id}/${action}`, globalToken, { method: 'POST', body: JSON.stringify(body) });
      expect(blank, action).toMatchObject({ status: 400, body: { errors: [{ field: Object.keys(body)[0], reason: 'must not be empty' }] } });
    }

    const audit = (await api(`/audit?alertId=${alert.id}`, globalToken)).body;
    expect(audit.map((a: { action: string }) => a.action).reverse()).toEqual(['view', 'acknowledge', 'assign', 'comment', 'close']);
    expect(audit.every((a: { actor: string }) => a.actor === 'int-global')).toBe(true);
    expect(audit.find((a: { action: string }) => a.action === 'assign').detail).toMatchObject({ assignee: 'officer-7' });
    // global-viewer reads every region and acts on none: held by a regional officer, it does not
    // widen what the officer may act on.
    const viewingOfficer = await devToken({ roles: ['watch-officer', 'global-viewer'], region: 'europe-central-asia', subject: 'int-viewing-officer' });
    expect((await api(`/alerts/${alert.id}`, viewingOfficer)).status).toBe(200);
    for (const action of ['comments', 'close']) {
      const refused = await api(`/alerts/${alert.id}/${action}`, viewingOfficer, { method: 'POST', body: JSON.stringify(action === 'comments' ? { body: 'not mine to add' } : {}) });
      expect(refused, action).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
    }
    // Nor what it may audit: it reads its own entries and its desk's, not the global officer's trail
    // of another desk's alert (it read every desk's audit), and another desk's audit is refused.
    const ownView = await api(`/audit?alertId=${alert.id}`, viewingOfficer);
    expect(ownView.status).toBe(200);
    expect(ownView.body.map((a: { actor: string; action: string }) => `${a.actor} ${a.action}`)).toEqual(['int-viewing-officer view']);
    expect(await api('/audit?region=africa', viewingOfficer)).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
    // An auditor (no region: it audits every desk) reads the whole trail of the alert, that view included.
    const auditor = await devToken({ roles: ['auditor'], subject: 'int-auditor' });
    const audited = await api(`/audit?alertId=${alert.id}`, auditor);
    expect(audited.status).toBe(200);
    expect(audited.body.map((a: { action: string }) => a.action).reverse()).toEqual(['view', 'acknowledge', 'assign', 'comment', 'close', 'view']);
    // Filters it cannot use are named, not passed to the database (a malformed alertId was a 500) or clamped.
    const bad = await api('/audit?alertId=not-an-id&action=delete&limit=5000', globalToken);
    expect(bad).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['alertId', 'action', 'limit']);
    expect((await api('/alerts?country=Mali&limit=0', globalToken)).body.errors.map((e: { field: string }) => e.field)).toEqual(['country', 'limit']);
    // Every bad parameter in one answer, whichever they are.
    const fields = async (url: string) => (await api(url, globalToken)).body.errors.map((e: { field: string }) => e.field).sort();
    expect(await fields('/alerts?status=pending&region=mars&country=Mali&limit=0')).toEqual(['country', 'limit', 'region', 'status']);
    expect(await fields('/audit?action=delete&region=mars')).toEqual(['action', 'region']);
    expect(await fields('/risk?scope=some&minLevel=severe&region=mars')).toEqual(['minLevel', 'region', 'scope']);
    expect(await fields('/response-times?country=Mali&region=mars')).toEqual(['country', 'region']);
    // An id that cannot be an alert's is no alert (it reached Postgres' uuid type and was a 500).
    for (const id of ['a'.repeat(36), '-'.repeat(36)]) {
      expect(await api(`/alerts/${id}`, globalToken)).toMatchObject({ status: 404, body: { code: 'OPS_CENTRE.ALERT_NOT_FOUND' } });
      expect((await api(`/alerts/${id}/acknowledge`, globalToken, { method: 'POST' })).status).toBe(404);
    }
  });

  it('computes time to response from escalation, MediationProposed and MediationOpened times', async () => {
    const t = Date.now() - 3 * 3_600_000;
    const { escalationId } = await publishEscalation(producer, { country: COUNTRY, level: RiskLevel.HIGH, at: new Date(t) });
    await publishMediation(producer, { country: COUNTRY, escalationId, proposedAt: new Date(t + 600_000), openedAt: new Date(t + 7_200_000) });
    const row = await eventually(async () => {
      const rows = (await api(`/response-times?country=${COUNTRY}`, globalToken)).body;
      return rows?.find((r: { escalationId: string; toOpenedMs: number | null }) => r.escalationId === escalationId && r.toOpenedMs !== null);
    });
    expect(row).toMatchObject({ toProposedMs: 600_000, toOpenedMs: 7_200_000, referred: false });

    // A later escalation mediation answers with that process, open by then: answered when referred.
    const processId = row.processId as string;
    const later = await publishEscalation(producer, { country: COUNTRY, level: RiskLevel.CRITICAL, at: new Date(t + 9_000_000) });
    await publishReferral(producer, { country: COUNTRY, escalationId: later.escalationId, processId, referredAt: new Date(t + 9_060_000), processOpened: true });
    const referred = await eventually(async () => (await api(`/response-times?country=${COUNTRY}`, globalToken)).body?.find((r: { escalationId: string; referred: boolean }) => r.escalationId === later.escalationId && r.referred));
    expect(referred).toMatchObject({ processId, toProposedMs: 60_000, toOpenedMs: 60_000 });
    const page = (await api(`/countries/${COUNTRY}`, globalToken)).body;
    expect(page.mediation[0]).toMatchObject({ state: 'active' });
  });

  it('replays a topic from a time without touching the ops-centre consumer group', async () => {
    const admin = testKafka('ops-centre-int-admin').admin();
    await admin.connect();
    const before = await admin.fetchOffsets({ groupId: 'ops-centre', topics: [TOPIC_RISK] });
    const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${startedAt.toISOString()}&speed=max&country=${COUNTRY}&access_token=${globalToken}`);
    expect(replay.status).toBe(200);
    await replay.ended;
    const events = replay.messages.filter((m) => m.event === 'domain-event').map((m) => m.data as { country: string; name: string });
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.every((e) => e.country === COUNTRY)).toBe(true);
    expect(replay.messages.at(-1)).toMatchObject({ event: 'end', data: { reason: 'end' } });
    const after = await admin.fetchOffsets({ groupId: 'ops-centre', topics: [TOPIC_RISK] });
    expect(after).toEqual(before);
    const { groups } = await admin.listGroups();
    expect(groups.filter((g) => g.groupId.startsWith('ops-centre-replay-'))).toEqual([]);
    await admin.disconnect();
  });

  it('replays from before 1970 as from the first record kept, and names a start before 1900', async () => {
    // The broker refuses a negative timestamp: such a start failed the replay with an internal error.
    const firstIds = async (from: string) => {
      const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${from}&limit=3&access_token=${globalToken}`);
      expect(replay.status, from).toBe(200);
      await replay.ended;
      expect(replay.messages.at(-1), from).toMatchObject({ event: 'end', data: { sent: 3, reason: 'limit' } });
      return replay.messages.filter((m) => m.event === 'domain-event').map((m) => m.id);
    };
    const fromEpoch = await firstIds('1970-01-01T00:00:00Z');
    expect(await firstIds('1900-01-01')).toEqual(fromEpoch);
    expect(await firstIds('1969-12-31')).toEqual(fromEpoch);
    // Refused as a malformed start is, naming it (422, as the platform answers a value it cannot take).
    expect(await api('/replay?from=1899-12-31', globalToken)).toMatchObject({ status: 422, body: { code: 'OPS_CENTRE.REPLAY_INVALID', errors: [{ field: 'from', reason: 'must be on or after 1900-01-01' }] } });
    expect(await api('/replay?from=1900-02-30', globalToken)).toMatchObject({ status: 422, body: { code: 'OPS_CENTRE.REPLAY_INVALID', errors: [{ field: 'from' }] } });
  });

  it('replays events of several partitions in the order they were published, not partition by partition', async () => {
    // Two countries whose events land on different partitions of the risk topic.
    const codes = await freshTestCountries(6);
    const firsts = await Promise.all(codes.map((country) => publishEscalation(producer, { country, level: RiskLevel.ELEVATED })));
    const partitionOf = new Map<string, number>();
    await eventually(async () => {
      for (const [i, country] of codes.entries()) {
        const [entry] = (await api(`/timeline?country=${country}`, globalToken)).body as Array<{ eventId: string; partition: number }>;
        if (entry?.eventId === firsts[i].eventId) partitionOf.set(country, entry.partition);
      }
      return partitionOf.size === codes.length;
    });
    const x = codes[0];
    const y = codes.find((c) => partitionOf.get(c) !== partitionOf.get(x)) as string;
    expect(y).toBeDefined();
    const from = new Date(Date.now() - 1_000);
    const published: string[] = [];
    for (const country of [x, y, x, y]) {
      published.push((await publishEscalation(producer, { country, level: RiskLevel.ELEVATED })).eventId);
      // Record timestamps are the send's millisecond; ties would be ordered by partition, not by send.
      await new Promise((r) => setTimeout(r, 5));
    }
    const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${from.toISOString()}&speed=max&country=${x},${y}&access_token=${globalToken}`);
    await replay.ended;
    const ids = replay.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { id: string }).id);
    expect(ids.filter((id) => published.includes(id))).toEqual(published);
  });

  it('counts towards a replay\'s limit only the events its caller receives, and ends with all of them and its end message', async () => {
    const country = await freshTestCountry();
    const from = new Date(Date.now() - 1_000);
    // One partition (one key), in this order: what the filter leaves out comes first.
    for (let i = 0; i < 5; i++) await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    const critical = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL });
    const replay = await openSse(`${base}/replay?topics=${TOPIC_RISK}&from=${from.toISOString()}&speed=max&country=${country}&minLevel=critical&limit=1&access_token=${globalToken}`);
    await replay.ended;
    const events = replay.messages.filter((m) => m.event === 'domain-event').map((m) => m.data as { id: string });
    expect(events.map((e) => e.id)).toEqual([critical.eventId]);
    expect(replay.messages.at(-1)).toMatchObject({ event: 'end', data: { sent: 1, reason: 'limit' } });
  });

  it('keeps an event of a type it does not know yet (a newer producer) on the timeline instead of dead-lettering it', async () => {
    const country = await freshTestCountry();
    const id = randomUUID();
    const type = 'org.crisis-ops.early-warning.something-new.v1';
    await producer.send({
      topic: TOPIC_SIGNALS,
      messages: [{ key: country, value: Buffer.from([8, 1]), headers: cloudEventHeaders({ id, type, source: 'early-warning', time: new Date() }) }],
    });
    const entry = await eventually(async () => {
      const res = await api(`/timeline?country=${country}`, globalToken);
      return res.status === 200 && res.body.find((e: { eventId: string }) => e.eventId === id);
    }, 20_000);
    expect(entry).toMatchObject({ type, topic: TOPIC_SIGNALS, payload: { country, undecoded: expect.stringContaining(type) } });
  });

  it('shows the system: services, consumer group members and lag, DLQ counts; ops roles only', async () => {
    expect((await api('/system', africaToken)).status).toBe(403);
    const { status, body } = await api('/system', globalToken);
    expect(status).toBe(200);
    expect(body.services.map((s: { name: string }) => s.name)).toEqual(['early-warning', 'mediation', 'electoral-support', 'partnerships', 'ops-centre']);
    const group = body.consumerGroups.find((g: { groupId: string }) => g.groupId === 'ops-centre');
    expect(group.members.length).toBeGreaterThanOrEqual(1);
    const riskLag = group.lag.filter((l: { topic: string }) => l.topic === TOPIC_RISK);
    expect(riskLag.length).toBeGreaterThan(0);
    for (const l of riskLag) expect(l).toMatchObject({ partition: expect.any(Number), committed: expect.any(Number), end: expect.any(Number), lag: expect.any(Number) });

    // A count that read 0 whenever the broker could not be asked would pass a check of its type:
    // one more dead letter must show as exactly one more.
    const deadLetters = async (): Promise<{ kept: number; outstanding: number }> => {
      const { body: view } = await api('/system', globalToken);
      return { kept: view.deadLetters[TOPIC_RISK], outstanding: view.outstandingDeadLetters[TOPIC_RISK] };
    };
    // The redrives are read in the background from the start: until then outstanding is unknown.
    const before = await eventually(async () => {
      const counts = await deadLetters();
      return counts.outstanding !== null && counts;
    }, 20_000, 200);
    const isEqual = (a: typeof before, b: typeof before) => a.kept === b.kept && a.outstanding === b.outstanding;
    expect(before).toEqual({ kept: expect.any(Number), outstanding: expect.any(Number) });
    const [written] = await producer.send({
      topic: dlqTopicOf(TOPIC_RISK),
      messages: [
        {
          key: COUNTRY,
          value: 'a dead letter only to be counted, written by the ops-centre int test',
          headers: { dlq_consumer: 'ops-centre-int-test', dlq_original_topic: TOPIC_RISK, dlq_error_code: 'TEST.COUNT_ONLY', dlq_error_message: 'not an event: written to be counted, never to be redriven' },
        },
      ],
    });
    // Nothing else on the shared broker dead-letters risk events, so the count moves by ours alone.
    await eventually(async () => isEqual(await deadLetters(), { kept: before.kept + 1, outstanding: before.outstanding + 1 }), 10_000, 200);

    // Redriven (`npm run dlq -- redrive` records it so), it is kept but no longer outstanding.
    const letter = { topic: dlqTopicOf(TOPIC_RISK), partition: written.partition, offset: String(written.baseOffset) };
    await producer.send({ topic: TOPIC_REDRIVES, messages: [redriveRecord({ letter, eventId: null, redrivenAt: new Date().toISOString() })] });
    await eventually(async () => isEqual(await deadLetters(), { kept: before.kept + 1, outstanding: before.outstanding }), 10_000, 200);

    // A letter whose event is too old to redrive is counted apart: no redrive can send it, so it is no work waiting.
    const tooOld = async () => ((await api('/system', globalToken)).body.tooOldDeadLetters[TOPIC_RISK] as number | null) ?? NaN;
    const tooOldBefore = await tooOld();
    await producer.send({
      topic: dlqTopicOf(TOPIC_RISK),
      messages: [
        {
          key: COUNTRY,
          value: 'a dead letter too old to redrive, written by the ops-centre int test',
          headers: {
            dlq_consumer: 'ops-centre-int-test',
            dlq_original_topic: TOPIC_RISK,
            dlq_error_code: 'TEST.COUNT_ONLY',
            dlq_error_message: 'not an event: written to be counted, never to be redriven',
            dlq_failed_at: new Date(Date.now() - 40 * 86_400_000).toISOString(),
          },
        },
      ],
    });
    await eventually(async () => isEqual(await deadLetters(), { kept: before.kept + 2, outstanding: before.outstanding }) && (await tooOld()) === tooOldBefore + 1, 10_000, 200);
  });
});
