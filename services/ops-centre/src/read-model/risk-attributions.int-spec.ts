import { beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountries, publishAssessment, publishEscalation } from '../../test/events';

/**
 * ACLED's terms ask for attribution wherever results built from its data are shown. The board, the
 * country page and the alerts showed the risk of a country an ACLED import fed with no word of it:
 * the read model kept nothing of what the risk events say their data owes (`attributions`).
 */
const ACLED = 'Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com.';
const DAY = 86_400_000;

describe('ops-centre answers what the data of the risk it shows owes', () => {
  const h = useOpsCentre('ops-centre-risk-attributions-int-producer');
  let producer: Producer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string): Promise<any> => (await h.api(path, h.globalToken)).body;
  const boardRow = async (country: string, scope = 'national') =>
    ((await api(`/risk?scope=${scope}`)) as Array<{ country: string; admin1: string | null; attributions: string[] }>).filter((r) => r.country === country);

  beforeAll(() => {
    ({ producer } = h);
  });

  it('on the board, the country page and the alert of a country whose risk owes ACLED, and nothing on one that owes nothing', async () => {
    const [owing, owingNothing] = await freshTestCountries(2);
    const { escalationId } = await publishEscalation(producer, { country: owing, level: RiskLevel.CRITICAL, attributions: [ACLED] });
    await publishEscalation(producer, { country: owing, admin1: 'North', level: RiskLevel.HIGH, attributions: [ACLED] });
    await publishEscalation(producer, { country: owingNothing, level: RiskLevel.CRITICAL });
    const alertOf = async (country: string) => ((await api(`/alerts?country=${country}`)) as Array<{ id: string; escalationId: string; attributions: string[] }>)[0];
    await eventually(async () => expect((await alertOf(owing)) && (await alertOf(owingNothing))).toBeTruthy(), 30_000, 200);

    expect((await boardRow(owing)).map((r) => r.attributions)).toEqual([[ACLED]]);
    expect((await boardRow(owing, 'all')).map((r) => [r.admin1, r.attributions]).sort()).toEqual([[null, [ACLED]], ['North', [ACLED]]].sort());
    const page = await api(`/countries/${owing}`);
    expect(page.attributions).toEqual([ACLED]);
    for (const area of page.risk) expect(area.attributions).toEqual([ACLED]);
    const alert = await alertOf(owing);
    expect(alert).toMatchObject({ escalationId, attributions: [ACLED] });
    expect((await api(`/alerts/${alert.id}`)).attributions).toEqual([ACLED]);

    expect((await boardRow(owingNothing)).map((r) => r.attributions)).toEqual([[]]);
    expect((await api(`/countries/${owingNothing}`)).attributions).toEqual([]);
    expect((await alertOf(owingNothing)).attributions).toEqual([]);
  });

  it("keeps the country's latest event's: a later one owing nothing clears it, one published earlier (redriven late) does not set it back", async () => {
    const [country] = await freshTestCountries(1);
    const now = Date.now();
    await publishAssessment(producer, { country, level: RiskLevel.ELEVATED, score: 40, day: new Date(now - DAY), attributions: [ACLED], time: new Date(now - 1_000) });
    await eventually(async () => expect((await boardRow(country)).map((r) => r.attributions)).toEqual([[ACLED]]), 30_000, 200);

    // Published before the one applied (dead letters redriven, owing nothing): what the country owes
    // stays. The alert, projected after them (one partition), says they were applied; it keeps what
    // its own escalation's data owed.
    await publishAssessment(producer, { country, level: RiskLevel.ELEVATED, score: 41, day: new Date(now - 2 * DAY), time: new Date(now - 60_000) });
    const { escalationId } = await publishEscalation(producer, { country, admin1: 'East', level: RiskLevel.HIGH, at: new Date(now - 30_000) });
    await eventually(async () => expect((await api(`/alerts?country=${country}`)).map((a: { escalationId: string }) => a.escalationId)).toEqual([escalationId]), 30_000, 200);
    expect((await api(`/countries/${country}`)).attributions).toEqual([ACLED]);
    expect((await api(`/alerts?country=${country}`))[0].attributions).toEqual([]);

    // The newest event says the country's data owes nothing now (e.g. its source's attribution withdrawn).
    await publishAssessment(producer, { country, level: RiskLevel.ELEVATED, score: 42, day: new Date(now), time: new Date(now + 1_000) });
    await eventually(async () => expect((await api(`/countries/${country}`)).attributions).toEqual([]), 30_000, 200);
    expect((await boardRow(country)).map((r) => r.attributions)).toEqual([[]]);
  });
});
