import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation } from '../../test/events';

/** A country's national level, which the read model keys as '' (a primary key holds no NULL). */
describe('ops-centre answers a national area as early-warning does, admin1 null', () => {
  const h = useOpsCentre('ops-centre-national-area-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-national-area' } });
  let base: string;
  let producer: Producer;
  let token: string;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string): Promise<any> => (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  beforeAll(() => {
    ({ base, producer, globalToken: token } = h);
  });

  it('on the board, the country page, the alerts and the response times, and an admin1 area by its name', async () => {
    const country = await freshTestCountry();
    const national = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL });
    const north = await publishEscalation(producer, { country, admin1: 'North', level: RiskLevel.HIGH });
    const byEscalation = (rows: Array<{ escalationId: string; admin1: unknown }>) => Object.fromEntries(rows.map((r) => [r.escalationId, r.admin1]));
    const expected = { [national.escalationId]: null, [north.escalationId]: 'North' };
    await eventually(async () => expect(await api(`/response-times?country=${country}`)).toHaveLength(2));

    expect(byEscalation(await api(`/response-times?country=${country}`))).toEqual(expected);
    expect(byEscalation(await api(`/alerts?country=${country}`))).toEqual(expected);
    const page = await api(`/countries/${country}`);
    expect(byEscalation(page.alerts)).toEqual(expected);
    expect(page.risk.map((r: { admin1: unknown; level: number }) => [r.admin1, r.level]).sort()).toEqual([[null, 4], ['North', 3]]);
    // The national board holds the national level only, as before.
    expect((await api('/risk?minLevel=critical')).filter((r: { country: string }) => r.country === country).map((r: { admin1: unknown }) => r.admin1)).toEqual([null]);
    expect((await api('/risk?scope=all')).filter((r: { country: string }) => r.country === country).map((r: { admin1: unknown }) => r.admin1).sort()).toEqual([null, 'North'].sort());
  });

  it("answers a driver of the whole area with area null, as early-warning's GET /risk/{cc} does, wherever drivers are answered", async () => {
    const country = await freshTestCountry();
    // As early-warning publishes them: '' (proto3's "none") for a driver of the whole area.
    const drivers = [
      { kind: 'battles', label: 'Armed clashes', area: '', count: 7, weight: 0.8 },
      { kind: 'protests', label: 'Protests', area: 'North', count: 2, weight: 0.2 },
    ];
    const expected = [
      { kind: 'battles', label: 'Armed clashes', area: null, count: 7, weight: 0.8 },
      { kind: 'protests', label: 'Protests', area: 'North', count: 2, weight: 0.2 },
    ];
    const { escalationId } = await publishEscalation(producer, { country, level: RiskLevel.CRITICAL, drivers });
    const alert = await eventually(async () => (await api(`/alerts?country=${country}`)).find((a: { escalationId: string }) => a.escalationId === escalationId));

    expect(alert.drivers).toEqual(expected);
    expect((await api(`/alerts/${alert.id}`)).drivers).toEqual(expected);
    expect((await api(`/countries/${country}`)).risk.map((r: { drivers: unknown }) => r.drivers)).toEqual([expected]);
    for (const board of ['/risk?scope=all', '/risk?minLevel=critical']) {
      expect((await api(board)).filter((r: { country: string }) => r.country === country).map((r: { drivers: unknown }) => r.drivers)).toEqual([expected]);
    }
  });
});
