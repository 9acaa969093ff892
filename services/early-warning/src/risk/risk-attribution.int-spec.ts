import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CE_RISK_ASSESSED, CE_RISK_ESCALATED, decodeEvent } from '@crisis-ops/contracts';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { eventually, uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountry, inputsApplied, readRiskTopic, unassessedCountry, type BootedEarlyWarning, type RiskTopicReader } from '../int-support';
import { SignalIntake } from '../signals/intake/signal-intake.service';
import { ACLED_ATTRIBUTION, runImport } from '../imports/import-runner';
import { intakeSink } from '../imports/import-sink';

/**
 * ACLED's terms ask for attribution wherever results built from its data are shown. `/risk` said so,
 * but the risk events did not: the operations centre, which learns risk only from them, showed an
 * ACLED import's escalations with no word of ACLED. early-warning booted in-process on the test
 * infrastructure, its events read back from the risk topic.
 */
const RUN = uniqueSuffix();
const DAY = 86_400_000;

describe('early-warning: risk events carry what their data owes', () => {
  let ew: BootedEarlyWarning;
  let reader: RiskTopicReader;

  beforeAll(async () => {
    ew = await bootEarlyWarning('risk-attribution');
    reader = await readRiskTopic(ew, 'risk-attribution');
  });

  afterAll(async () => {
    await reader?.close();
    await ew?.close();
  });

  const today = () => Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  /** Ten days of three deadly attacks a day, up to yesterday: within the alert window, so told. */
  const days = Array.from({ length: 30 }, (_, i) => today() - (10 - Math.floor(i / 3)) * DAY);
  const told = (country: string) => {
    const of = reader.events.filter((e) => e.key === country);
    return {
      assessed: of.filter((e) => e.type === CE_RISK_ASSESSED).map((e) => decodeEvent(CE_RISK_ASSESSED, e.data)),
      escalated: of.filter((e) => e.type === CE_RISK_ESCALATED).map((e) => decodeEvent(CE_RISK_ESCALATED, e.data)),
    };
  };

  it("attributes ACLED on the escalations and assessments of a country an ACLED import fed", async () => {
    const country = await unassessedCountry(ew.db);
    const name = COUNTRIES.find((c) => c.iso3 === country)?.name as string;
    const text = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source',
      ...days.map((day, i) => `R-${RUN}-${i},${new Date(day).toISOString().slice(0, 10)},Violence against civilians,Attack,"${name}",,North,12,Radio`),
    ].join('\n');
    const sink = intakeSink(ew.app.get(SignalIntake), ew.app.get(DataSource), ew.app.get(EventPublisher));
    expect(await runImport(Readable.from([Buffer.from(text)]), sink, { source: `acled-${RUN}` })).toMatchObject({ recorded: 30, attribution: ACLED_ATTRIBUTION });
    await eventually(async () => (await inputsApplied(ew.db, country)) === 30, 60_000, 200);
    await reader.allAnnounced(country);

    const { assessed, escalated } = told(country);
    expect(escalated.length).toBeGreaterThan(0);
    expect(assessed.length).toBeGreaterThan(0);
    // National and admin1 alike: the country's data is what each was built from.
    for (const e of [...escalated, ...assessed]) expect(e.attributions, `${e.$typeName} ${e.admin1}`).toEqual([ACLED_ATTRIBUTION]);
  });

  it('attributes nothing on the risk events of a country only the API fed', async () => {
    const country = await freshCountry();
    const items = days.map((day, i) => ({
      id: `${country}-${RUN}-${i}`,
      source: `desk-${RUN}`,
      country,
      type: 'violence_against_civilians',
      subType: 'attack',
      occurredAt: new Date(day + 12 * 3_600_000).toISOString(),
      fatalities: 12,
      severity: 5,
    }));
    expect((await ew.api('POST', '/signals/batch', { items })).status).toBe(202);
    await eventually(async () => (await inputsApplied(ew.db, country)) === 30, 60_000, 200);
    await reader.allAnnounced(country);

    const { assessed, escalated } = told(country);
    expect(escalated.length).toBeGreaterThan(0);
    for (const e of [...escalated, ...assessed]) expect(e.attributions).toEqual([]);
  });
});
