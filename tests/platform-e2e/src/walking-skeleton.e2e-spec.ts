import { describe, expect, it } from 'vitest';
import { CE_SIGNAL_RECORDED, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { api, eventuallyOnTimeline, mediationReaderToken, platform, signalBody, testCountry, timelineEntriesOf } from './platform-api';

interface Recorded {
  id: string;
  status: 'recorded' | 'duplicate';
}

interface CountryWatch {
  country: string;
  signalsSeen: number;
  lastEventId: string;
}

describe('walking skeleton: a signal crosses the platform', () => {
  it('is accepted by early-warning and shows up in the ops-centre timeline and the mediation country watch', async () => {
    const country = testCountry();
    const posted = await api<Recorded>(`${platform()['early-warning']}/signals`, { body: signalBody(country) });
    expect(posted.status).toBe(202);
    expect(posted.body.status).toBe('recorded');

    const entry = await eventuallyOnTimeline(country, posted.body.id, 10_000);
    expect(entry).toMatchObject({
      country,
      type: CE_SIGNAL_RECORDED,
      source: 'early-warning',
      topic: TOPIC_SIGNALS,
    });
    expect(entry.payload).toMatchObject({ signalId: posted.body.id, country });

    // The country watch's last event is this signal's event, whatever earlier runs left for the code.
    const watch = await eventually(async () => {
      const res = await api<CountryWatch>(`${platform().mediation}/country-watch/${country}`, { token: await mediationReaderToken() });
      return res.status === 200 && res.body.lastEventId === entry.eventId && res.body;
    }, 10_000, 200);
    expect(watch.signalsSeen).toBeGreaterThanOrEqual(1);
  });

  it('records the same (source, id) once: the second post answers duplicate and adds no event', async () => {
    const country = testCountry();
    const body = signalBody(country, { source: `platform-e2e-${uniqueSuffix()}` });
    const first = await api<Recorded>(`${platform()['early-warning']}/signals`, { body });
    const second = await api<Recorded>(`${platform()['early-warning']}/signals`, { body });
    expect(first).toMatchObject({ status: 202, body: { status: 'recorded' } });
    expect(second).toMatchObject({ status: 202, body: { status: 'duplicate', id: first.body.id } });

    // A signal of the same country posted after both: one key, one partition, so once ops-centre has
    // recorded it, it has recorded whatever the second post published before it.
    const after = await api<Recorded>(`${platform()['early-warning']}/signals`, { body: signalBody(country) });
    expect(after).toMatchObject({ status: 202, body: { status: 'recorded' } });
    await eventuallyOnTimeline(country, after.body.id, 10_000);
    expect(await timelineEntriesOf(country, first.body.id)).toHaveLength(1);
  });

  it('exposes the platform metrics once events have flowed', async () => {
    const { 'ops-centre': opsCentre, 'early-warning': earlyWarning, mediation } = platform();
    const consumed = await api<string>(`${opsCentre}/metrics`, { token: null });
    expect(consumed.status).toBe(200);
    expect(consumed.body).toMatch(/^events_consumed_total\{.*service="ops-centre".*\} \d+/m);
    expect(await api<string>(`${mediation}/metrics`, { token: null })).toMatchObject({ body: expect.stringContaining('events_consumed_total') });

    const outbox = await api<string>(`${earlyWarning}/metrics`, { token: null });
    expect(outbox.status).toBe(200);
    expect(outbox.body).toMatch(/^outbox_backlog(\{[^}]*\})? \d+/m);
  });
});
