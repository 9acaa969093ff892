import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devToken, uniqueSuffix } from '@crisis-ops/testing';
import { countryByIso3 } from '@crisis-ops/geo';
import { bootEarlyWarning, freshCountry, unassessedCountry, type BootedEarlyWarning } from '../../int-support';

/**
 * What a token of a desk's region may write, on real Postgres and Kafka: signals (one, or a batch)
 * of its desk's countries only. An analyst of asia-pacific recorded a signal for Ghana (202), moving Africa's risk, escalations and the mediation proposals that follow, where
 * mediation refuses that officer a proposal in Africa. A token of region global, or of none, records
 * every country as before (every other suite's analyst has none).
 */
const RUN = uniqueSuffix();

type Answer = { status: number; body: { code?: string; message?: string; errors?: Array<{ field: string; reason: string }>; [key: string]: unknown } };

describe("early-warning's writes confined to the desk of the token's region", () => {
  let ew: BootedEarlyWarning;
  let asiaPacific: string;
  let global: string;
  /** A country of the asia-pacific desk, with no risk yet, and one of Africa's. */
  let own: string;
  const other = 'GHA';

  const post = async (path: string, body: unknown, token: string): Promise<Answer> => {
    const res = await fetch(`${ew.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };
  const signal = (source: string, id: string, country: string) => ({ source, id, country, type: 'protests', subType: 'peaceful_protest', occurredAt: '2026-11-01T10:00:00Z' });
  const recorded = (source: string) => ew.count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source]);

  beforeAll(async () => {
    ew = await bootEarlyWarning('region-scope');
    asiaPacific = await devToken({ roles: ['analyst'], region: 'asia-pacific', subject: `int-region-${RUN}` });
    global = await devToken({ roles: ['analyst'], region: 'global', subject: `int-region-global-${RUN}` });
    own = await unassessedCountry(ew.db, 'asia-pacific');
  });

  afterAll(async () => {
    await ew?.close();
  });

  it("refuses a signal of another desk's country with 403 naming the country and the desks, recording nothing, and records its own", async () => {
    const source = `int-region-one-${RUN}`;
    const refused = await post('/signals', signal(source, 'gha', other), asiaPacific);
    expect(refused).toMatchObject({ status: 403, body: { code: 'EARLY_WARNING.REGION_FORBIDDEN', errors: [{ field: 'country', reason: expect.stringContaining('GHA is a country of the africa desk: a token of region asia-pacific') }] } });
    expect(refused.body.message).toContain('GHA is a country of the africa desk');
    expect(await recorded(source)).toBe(0);

    expect(await post('/signals', signal(source, 'own', own), asiaPacific)).toMatchObject({ status: 202, body: { status: 'recorded' } });
    expect(await recorded(source)).toBe(1);
  });

  it('refuses a desk an exercise country, which is no desk\'s, and records it for a token of region global', async () => {
    const source = `int-region-exercise-${RUN}`;
    const exercise = await freshCountry();
    expect(countryByIso3(exercise)).toBeUndefined();
    expect(await post('/signals', signal(source, 'x', exercise), asiaPacific)).toMatchObject({
      status: 403,
      body: { code: 'EARLY_WARNING.REGION_FORBIDDEN', errors: [{ field: 'country', reason: expect.stringContaining('is a country of no regional desk') }] },
    });
    expect(await recorded(source)).toBe(0);
    expect(await post('/signals', signal(source, 'x', exercise), global)).toMatchObject({ status: 202, body: { status: 'recorded' } });
  });

  it('refuses a whole batch holding any item of another desk with 403, naming each such item, and applies none of it', async () => {
    const source = `int-region-batch-${RUN}`;
    const exercise = await freshCountry();
    const items = [signal(source, 'a', own), signal(source, 'b', other), signal(source, 'c', own), signal(source, 'd', exercise)];
    const refused = await post('/signals/batch', { items }, asiaPacific);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('EARLY_WARNING.REGION_FORBIDDEN');
    expect(refused.body.errors).toEqual([
      { field: 'items[1].country', reason: expect.stringContaining('GHA is a country of the africa desk') },
      { field: 'items[3].country', reason: expect.stringContaining(`${exercise} is a country of no regional desk`) },
    ]);
    // Nothing of it: not the items of its own desk either (their events are staged with them).
    expect(await recorded(source)).toBe(0);

    // A batch that is also invalid is told what is wrong with it first (400), as a wrong request comes before a forbidden one.
    const invalid = await post('/signals/batch', { items: [{ ...signal(source, 'e', own), type: 'picnic' }, signal(source, 'f', other)] }, asiaPacific);
    expect(invalid).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'items[0].type' }] } });

    expect(await post('/signals/batch', { items: [items[0], items[2]] }, asiaPacific)).toMatchObject({ status: 202, body: { recorded: 2, duplicates: 0 } });
    expect(await recorded(source)).toBe(2);
  });
});
