import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RiskLevel } from '@crisis-ops/contracts';
import { devToken, eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { publishEscalation } from '../../test/events';

/**
 * What a 403 OPS_CENTRE.REGION_FORBIDDEN says, on the REST routes and the stream alike, booted on real
 * Kafka and Postgres. "region asia-pacific may not access region (none)" read as if the caller had no
 * region, when the country asked for (QZX) has no desk; REST refusals never named the country.
 */
describe('ops-centre region refusals say which country, and why', () => {
  const h = useOpsCentre('ops-centre-region-refusals-int-producer');
  const { api } = h;
  let asiaPacific: string;
  let noRegion: string;

  const refusal = async (path: string, token: string, init?: RequestInit) => {
    const res = await api(path, token, init);
    expect(res, path).toMatchObject({ status: 403, body: { code: 'OPS_CENTRE.REGION_FORBIDDEN' } });
    return res.body.message as string;
  };

  beforeAll(async () => {
    asiaPacific = await devToken({ roles: ['watch-officer'], region: 'asia-pacific', subject: `int-refusals-ap-${randomUUID()}` });
    noRegion = await devToken({ roles: ['watch-officer'], subject: `int-refusals-none-${randomUUID()}` });
  });

  it('names a country of no regional desk as such, not as a region "(none)"', async () => {
    expect(await refusal('/countries/QZX', asiaPacific)).toBe('region asia-pacific may not read QZX, a country of no regional desk');
    expect(await refusal('/alerts?country=ATA', asiaPacific)).toBe('region asia-pacific may not read ATA, a country of no regional desk');
    expect(await refusal('/response-times?country=QZX', asiaPacific)).toBe('region asia-pacific may not read QZX, a country of no regional desk');
    expect(await refusal('/timeline?country=QZX', asiaPacific)).toBe('region asia-pacific may not read QZX, a country of no regional desk');
    expect(await refusal('/stream?country=QZX', asiaPacific)).toBe('region asia-pacific may not read QZX, a country of no regional desk');
  });

  it("names the country asked for and its desk on REST routes, as the stream does", async () => {
    expect(await refusal('/countries/BFA', asiaPacific)).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(await refusal('/alerts?country=BFA', asiaPacific)).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(await refusal('/stream?country=BFA', asiaPacific)).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(await refusal('/alerts?region=africa', asiaPacific)).toBe('region asia-pacific may not read region africa');
    // An alert of another desk, and its trail, name the alert's country.
    const { escalationId } = await publishEscalation(h.producer, { country: 'BFA', level: RiskLevel.HIGH });
    const alert = await eventually(async () => (await api('/alerts?country=BFA&status=all&limit=1000', h.globalToken)).body?.find((a: { escalationId: string }) => a.escalationId === escalationId));
    expect(await refusal(`/alerts/${alert.id}`, asiaPacific)).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(await refusal(`/audit?alertId=${alert.id}`, asiaPacific)).toBe('region asia-pacific may not read BFA, a country of region africa');
    expect(await refusal(`/alerts/${alert.id}/acknowledge`, asiaPacific, { method: 'POST' })).toBe('region asia-pacific may not act on BFA, a country of region africa');
  });

  it('says plainly that a token has no region claim, rather than name a region "(none)"', async () => {
    const claim = 'your token has no region claim, so it';
    expect(await refusal('/countries/BFA', noRegion)).toBe(`${claim} may not read BFA, a country of region africa`);
    expect(await refusal('/countries/QZX', noRegion)).toBe(`${claim} may not read QZX, a country of no regional desk`);
    expect(await refusal('/alerts?region=africa', noRegion)).toBe(`${claim} may not read region africa`);
    expect(await refusal('/stream?country=BFA', noRegion)).toBe(`${claim} may not read BFA, a country of region africa`);
  });
});
