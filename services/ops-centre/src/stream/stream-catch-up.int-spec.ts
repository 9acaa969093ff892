import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, RiskLevel, SignalRecordedSchema } from '@crisis-ops/contracts';
import { domainEventRecord } from '@crisis-ops/messaging';
import { eventually } from '@crisis-ops/testing';
import { openSse, type SseClient } from '../../test/sse-client';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountries, freshTestCountry, publishEscalation, publishSignals } from '../../test/events';
import { POSITION_RULE, RECONNECT_MAX_EVENTS } from './stream-catch-up';

/** A console that reconnects to the live stream, caught up from the last event it got (stream-catch-up.ts). */
describe('ops-centre live stream, caught up for a console that reconnects', () => {
  const h = useOpsCentre('ops-centre-catch-up-int-producer');
  const { api, stream } = h;
  let base: string;
  let producer: Producer;
  let globalToken: string;

  beforeAll(() => {
    ({ base, producer, globalToken } = h);
  });

  /**
   * A console of a fresh country that received `a` and then went away (a redeploy, a proxy cutting
   * the connection) while `b` and `c` were recorded.
   */
  async function missedWhileAway() {
    const country = await freshTestCountry();
    const first = await stream(`country=${country}`, globalToken);
    const a = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    await first.waitFor((m) => (m.data as { id?: string }).id === a.eventId);
    first.close();
    const b = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    const c = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL });
    await eventually(async () => (await api(`/timeline?country=${country}`, globalToken)).body.some((e: { eventId: string }) => e.eventId === c.eventId));
    return { country, a, b, c };
  }

  it('sends a console that reconnects what it missed since its Last-Event-ID, in order, then live events again', async () => {
    const { country, a, b, c } = await missedWhileAway();
    // Then a flood of another country's events, more than a catch-up looks through: the console's
    // own events must not be crowded out by traffic its filter does not admit.
    const [other] = (await freshTestCountries(2)).filter((code) => code !== country);
    for (let i = 0; i < 3; i++) await publishSignals(producer, other, 2_000);
    // One partition, recorded in order: once this last one is on the timeline (its newest), all are.
    const [last] = await publishSignals(producer, other, 1);
    await eventually(async () => (await api(`/timeline?country=${other}&limit=1000`, globalToken)).body.some((e: { eventId: string }) => e.eventId === last), 60_000);

    const again = await stream(`country=${country}`, globalToken, { 'last-event-id': a.eventId });
    await again.waitFor((m) => (m.data as { id?: string }).id === c.eventId);
    const d = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    await again.waitFor((m) => (m.data as { id?: string }).id === d.eventId);
    const ids = again.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { id: string }).id);
    // The catch-up starts a little before `a` (recording order is by transaction start); the console drops repeats.
    expect(ids.filter((id) => id !== a.eventId)).toEqual([b.eventId, c.eventId, d.eventId]);
    // Nothing it admits was left out, and the repeat of `a` is no loss.
    expect(again.messages.filter((m) => m.event === 'dropped')).toEqual([]);
    // What a catch-up does leave out, a console pages back to over the timeline.
    const older = await api(`/timeline?country=${country}&before=${c.eventId}`, globalToken);
    expect(older.body.map((e: { eventId: string }) => e.eventId)).toEqual([b.eventId, a.eventId]);
    expect((await api(`/timeline?before=${randomUUID()}`, globalToken)).body).toMatchObject({ code: 'OPS_CENTRE.QUERY_INVALID', errors: [{ field: 'before' }] });
  });

  it('counts in its dropped notice every event a reconnect leaves out, beyond the 1,000 it sends', async () => {
    const country = await freshTestCountry();
    const first = await stream(`country=${country}`, globalToken);
    const a = await publishEscalation(producer, { country, level: RiskLevel.ELEVATED });
    await first.waitFor((m) => (m.data as { id?: string }).id === a.eventId);
    first.close();
    const missed = await publishSignals(producer, country, RECONNECT_MAX_EVENTS + 10);
    const last = missed[missed.length - 1];
    await eventually(async () => (await api(`/timeline?country=${country}&limit=1`, globalToken)).body.some((e: { eventId: string }) => e.eventId === last), 60_000);

    const again = await stream(`country=${country}`, globalToken, { 'last-event-id': a.eventId });
    await again.waitFor((m) => (m.data as { id?: string }).id === last);
    // Queued ahead of the 1,000 it sends, the notice was pushed out of the queue by them: it said 1.
    expect(again.messages.filter((m) => m.event === 'dropped').map((m) => m.data)).toEqual([{ count: 10 }]);
    expect(again.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { id: string }).id)).toEqual(missed.slice(10));
  });

  it('tells a new stream where it begins, so that a console that got no event before it went away still catches up on what it missed', async () => {
    const country = await freshTestCountry();
    const first = await stream(`country=${country}`, globalToken);
    const { id: position } = await first.waitFor((m) => m.event === 'position');
    expect(position).toBeTruthy();
    first.close();
    const b = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    const c = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL });
    await eventually(async () => (await api(`/timeline?country=${country}`, globalToken)).body.some((e: { eventId: string }) => e.eventId === c.eventId));
    const ids = (s: SseClient) => s.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { id: string }).id);

    // As the browser reconnects (Last-Event-ID), and as the console does once the browser gave up (?lastEventId=).
    const again = await stream(`country=${country}`, globalToken, { 'last-event-id': position as string });
    const viaParam = await stream(`country=${country}&lastEventId=${encodeURIComponent(position as string)}`, globalToken);
    for (const s of [again, viaParam]) {
      await s.waitFor((m) => (m.data as { id?: string }).id === c.eventId);
      expect(ids(s)).toEqual([b.eventId, c.eventId]);
      // Caught up, its Last-Event-ID is its newest event's: it is not placed again.
      expect(s.messages.filter((m) => m.event === 'position')).toEqual([]);
    }
    // An id the timeline does not have places nothing, so the stream is placed anew.
    const unknown = await stream(`country=${country}&lastEventId=${randomUUID()}`, globalToken);
    expect((await unknown.waitFor((m) => m.event === 'position')).id).toMatch(/^at:/);
  });

  it('also takes the last event id as ?lastEventId= (a new EventSource sends no Last-Event-ID), the header winning when both come', async () => {
    const { country, a, b, c } = await missedWhileAway();

    const again = await stream(`country=${country}&lastEventId=${a.eventId}`, globalToken);
    expect(again.status).toBe(200);
    await again.waitFor((m) => (m.data as { id?: string }).id === c.eventId);
    const d = await publishEscalation(producer, { country, level: RiskLevel.HIGH });
    await again.waitFor((m) => (m.data as { id?: string }).id === d.eventId);
    const ids = (s: SseClient) => s.messages.filter((m) => m.event === 'domain-event').map((m) => (m.data as { id: string }).id).filter((id) => id !== a.eventId);
    expect(ids(again)).toEqual([b.eventId, c.eventId, d.eventId]);

    // An id the timeline does not have catches nothing up: had the parameter won, b and c would not come.
    const both = await stream(`country=${country}&lastEventId=${randomUUID()}`, globalToken, { 'last-event-id': a.eventId });
    await both.waitFor((m) => (m.data as { id?: string }).id === d.eventId);
    expect(ids(both)).toEqual([b.eventId, c.eventId, d.eventId]);
    expect((await openSse(`${base}/stream?lastEventId=&access_token=${globalToken}`)).status).toBe(400);
  });

  it('refuses a position that is no real instant (30 February, at:0, a bare day, year 9999), naming lastEventId, by header or parameter alike; takes one it wrote, and an event whose id only looks like one', async () => {
    // Status and body only: a stream that opens (the fault) is closed at once rather than read to its end.
    const answer = async (query: string, headers: Record<string, string> = {}) => {
      const aborter = new AbortController();
      const res = await fetch(`${base}/stream?${query}`, { headers: { authorization: `Bearer ${globalToken}`, ...headers }, signal: aborter.signal });
      if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
        aborter.abort();
        return { status: res.status, body: 'a stream' };
      }
      return { status: res.status, body: await res.json() };
    };
    const country = await freshTestCountry();
    const refused = { status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'lastEventId', reason: POSITION_RULE }] } };
    for (const bad of ['at:2026-02-30T00:00:00Z', 'at:0', 'at:-1', 'at:2026-11-28', 'at:2026-11-31T00:00:00Z', 'at:9999-01-01T00:00:00Z', 'at:1999-12-31T23:59:59Z', 'at:']) {
      expect(await answer(`country=${country}&lastEventId=${encodeURIComponent(bad)}`), bad).toMatchObject(refused);
      expect(await answer(`country=${country}`, { 'last-event-id': bad }), `${bad} (header)`).toMatchObject(refused);
    }
    // What the stream writes is taken back, however old (a tab asleep for a day), from the header or the parameter.
    const written = `at:${new Date(Date.now() - 86_400_000).toISOString()}`;
    expect(await answer(`country=${country}`, { 'last-event-id': written })).toMatchObject({ status: 200 });
    expect(await answer(`country=${country}&lastEventId=${encodeURIComponent(written)}`)).toMatchObject({ status: 200 });
    // A producer's id is its own: one that only looks like a position is caught up from as the event it is.
    const odd = domainEventRecord(CE_SIGNAL_RECORDED, create(SignalRecordedSchema, { signalId: randomUUID(), source: 'int', country, type: 'protests', severity: 1, occurredAt: timestampFromDate(new Date()), reportedAt: timestampFromDate(new Date()) }), { id: `at:${randomUUID()}` });
    await producer.send({ topic: odd.topic, messages: [odd.message] });
    await eventually(async () => (await api(`/timeline?country=${country}`, globalToken)).body.some((e: { eventId: string }) => e.eventId === odd.id));
    const after = await stream(`country=${country}`, globalToken, { 'last-event-id': odd.id });
    expect(after.status).toBe(200);
    // Caught up from it (itself again, by the overlap), not placed anew as an unknown id would be.
    await after.waitFor((m) => (m.data as { id?: string }).id === odd.id);
    expect(after.messages.filter((m) => m.event === 'position')).toEqual([]);
  });

  it('names a bad last event id in the same answer as the query\'s other faults (it was checked only once the filter passed)', async () => {
    const answer = async (query: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/stream?${query}`, { headers: { authorization: `Bearer ${globalToken}`, ...headers } });
      // None of these may open a stream: reading its body would wait for its end.
      expect(res.headers.get('content-type'), query).toMatch(/^application\/json/);
      const body = (await res.json()) as { code: string; errors: { field: string }[] };
      return { status: res.status, code: body.code, fields: body.errors.map((e) => e.field).sort() };
    };
    // A parameter the route does not take: refused at the edge, with what the route's own check refuses.
    expect(await answer('contry=x&lastEventId=at:0')).toEqual({ status: 400, code: 'REQUEST.INVALID', fields: ['contry', 'lastEventId'] });
    // A filter's fault keeps the filter's code, and names the last event id's too, by parameter or header.
    expect(await answer('country=XX&lastEventId=at:0')).toEqual({ status: 422, code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['country', 'lastEventId'] });
    expect(await answer('minLevel=&lastEventId=')).toEqual({ status: 422, code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['lastEventId', 'minLevel'] });
    expect(await answer('type=no-such-event', { 'last-event-id': 'at:2026-02-30T00:00:00Z' })).toEqual({ status: 422, code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['lastEventId', 'type'] });
    // Alone, each is answered as before.
    expect(await answer('lastEventId=at:0')).toEqual({ status: 400, code: 'REQUEST.INVALID', fields: ['lastEventId'] });
    expect(await answer('country=XX')).toEqual({ status: 422, code: 'OPS_CENTRE.STREAM_FILTER_INVALID', fields: ['country'] });
  });
});
