import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, unassessedCountry, type BootedEarlyWarning } from '../../int-support';

/**
 * Signal intake over HTTP on real Postgres: what it answers for (source, id) pairs met more than
 * once (within one request, and in two requests at once), and what its API description says.
 */
const RUN = uniqueSuffix();

describe('signal intake over HTTP', () => {
  let ew: BootedEarlyWarning;
  let country: string;

  beforeAll(async () => {
    ew = await bootEarlyWarning('signal-intake');
    country = await unassessedCountry(ew.db);
  });

  afterAll(async () => {
    await ew?.close();
  });

  const item = (source: string, id: string, fatalities: number) => ({ source, id, country, type: 'protests', subType: 'peaceful_protest', occurredAt: '2026-11-01T10:00:00Z', fatalities });
  type Answer = { id: string; status: string; differs?: string[] };
  const post = async (items: object[]) => {
    const res = await ew.api('POST', '/signals/batch', { items });
    expect(res.status).toBe(202);
    return res.body['items'] as Answer[];
  };

  it('tells each copy of a pair repeated in one request whether it differs from what was recorded', async () => {
    const source = `int-repeat-${RUN}`;
    // The first copy is recorded; the identical one is a plain duplicate, the revised one differs.
    const [first, same, revised] = await post([item(source, 'r', 1), item(source, 'r', 1), item(source, 'r', 9)]);
    expect(first.status).toBe('recorded');
    expect(same).toEqual({ id: first.id, status: 'duplicate' });
    expect(revised).toEqual({ id: first.id, status: 'duplicate', differs: ['fatalities'] });
    // Later, in the other order: each copy compared on its own.
    expect(await post([item(source, 'r', 9), item(source, 'r', 1)])).toEqual([
      { id: first.id, status: 'duplicate', differs: ['fatalities'] },
      { id: first.id, status: 'duplicate' },
    ]);
  });

  it('records two requests of the same pairs, sent at once in opposite orders, once each, refusing neither', async () => {
    // Each inserting its pairs in its own order, two such requests could each wait for a pair the
    // other had just inserted: Postgres broke the deadlock by failing one, answered 500.
    for (let round = 0; round < 3; round++) {
      const source = `int-overlap-${RUN}-${round}`;
      const items = Array.from({ length: 300 }, (_, i) => item(source, `o-${i}`, 0));
      const [a, b] = await Promise.all([post(items), post([...items].reverse())]);
      expect([...a, ...b].filter((x) => x.status === 'recorded')).toHaveLength(300);
      expect(await ew.count('SELECT count(*) AS n FROM early_warning.signals WHERE source = $1', [source])).toBe(300);
    }
  });

  it('describes in its OpenAPI document the answers the edge gives beside its own', async () => {
    const res = await fetch(`${ew.base}/docs/json`);
    const document = (await res.json()) as { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    const record = document.paths['/signals']?.['post'];
    expect(Object.keys(record?.responses ?? {}).sort()).toEqual(['202', '400', '401', '403', '413', '415', '431', '503']);
    expect(record?.responses['415']?.description).toContain('REQUEST.UNSUPPORTED_CHARSET');
  });
});
