import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountries, inputsApplied, type BootedEarlyWarning } from '../int-support';

/**
 * What reaches subscribers does not depend on how an analyst sends the same reports: one request
 * of many, or one request each. early-warning booted in-process on the test infrastructure; what it
 * publishes is read from its assessments (`published`, exactly what it stages for Kafka).
 */
const RUN = uniqueSuffix();
const DAY = 86_400_000;

describe('early-warning: what a request of reports publishes', () => {
  let ew: BootedEarlyWarning;

  beforeAll(async () => {
    ew = await bootEarlyWarning('request-publication');
  });

  afterAll(async () => {
    await ew?.close();
  });

  /** Eight battles a day on six days, 60 to 55 days ago: older than the alert window, reported now. */
  const burst = (country: string) =>
    Array.from({ length: 48 }, (_, i) => ({
      id: `${country}-${i}`,
      source: `int-request-publication-${RUN}`,
      country,
      type: 'battles',
      subType: 'armed_clash',
      occurredAt: new Date(Date.now() - (60 - Math.floor(i / 8)) * DAY).toISOString(),
      fatalities: 30,
      severity: 5,
    }));

  const publishedLevelChanges = async (country: string) =>
    (
      await ew.db.query<{ kind: string; day: string; level: string }>(
        `SELECT DISTINCT kind, to_char(day, 'YYYY-MM-DD') AS day, level FROM early_warning.risk_assessments
          WHERE country = $1 AND published AND kind <> 'assessed' ORDER BY day, level`,
        [country],
      )
    ).rows;

  it('publishes the escalations of late reports sent in one batch as it does those sent one request each, where the batch published none', async () => {
    const [batched, single, newestFirst] = await freshCountries(3);
    expect((await ew.api('POST', '/signals/batch', { items: burst(batched) })).status).toBe(202);
    for (const item of burst(single)) expect((await ew.api('POST', '/signals', item)).status).toBe(202);
    // The same batch listed newest first: the engine still meets the reports oldest first.
    expect((await ew.api('POST', '/signals/batch', { items: burst(newestFirst).reverse() })).status).toBe(202);
    const applied = async (country: string) => (await inputsApplied(ew.db, country)) === 48;
    await eventually(async () => (await applied(batched)) && (await applied(single)) && (await applied(newestFirst)), 60_000, 200);

    const oneByOne = await publishedLevelChanges(single);
    expect(oneByOne.filter((r) => r.kind === 'escalated').map((r) => r.level)).toEqual(expect.arrayContaining(['high', 'critical']));
    expect((await publishedLevelChanges(batched)).filter((r) => r.kind === 'escalated')).toEqual(oneByOne.filter((r) => r.kind === 'escalated'));
    expect((await publishedLevelChanges(newestFirst)).filter((r) => r.kind === 'escalated')).toEqual(oneByOne.filter((r) => r.kind === 'escalated'));
  });

  it("clears the build before's request start from the engine row, so a replica of it that gets the partition back in a rolling upgrade takes up no request long over", async () => {
    const [country] = await freshCountries(1);
    const post = async (items: unknown[]) => expect((await ew.api('POST', '/signals/batch', { items })).status).toBe(202);
    await post(burst(country).slice(0, 8));
    await eventually(async () => (await inputsApplied(ew.db, country)) === 8, 30_000, 200);
    await ew.db.query(`UPDATE early_warning.risk_engines SET request_news_from = DATE '2020-01-01' WHERE country = $1`, [country]);
    await post(burst(country).slice(8, 16));
    await eventually(async () => (await inputsApplied(ew.db, country)) === 16, 30_000, 200);
    const { rows } = await ew.db.query('SELECT request_news_from FROM early_warning.risk_engines WHERE country = $1', [country]);
    expect(rows).toEqual([{ request_news_from: null }]);
  });
});

