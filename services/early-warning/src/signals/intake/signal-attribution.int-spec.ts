import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CE_SIGNAL_RECORDED, decodeEvent, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { EventPublisher } from '@crisis-ops/service-kit';
import { COUNTRIES } from '@crisis-ops/geo';
import { uniqueSuffix } from '@crisis-ops/testing';
import { bootEarlyWarning, freshCountry, readTopic, unassessedCountry, type BootedEarlyWarning, type TopicReader } from '../../int-support';
import { SignalIntake } from './signal-intake.service';
import { ACLED_ATTRIBUTION, runImport } from '../../imports/import-runner';
import { intakeSink } from '../../imports/import-sink';

/**
 * ACLED's terms ask for attribution wherever results built from its data are shown. `/signals`, the
 * exports and the risk events said so, but SignalRecorded did not: its subscribers (mediation's
 * country watch, the ops-centre timeline) showed an ACLED import's signals with no word of ACLED.
 * early-warning booted in-process on the test infrastructure, its events read back from the signals topic.
 */
const RUN = uniqueSuffix();

describe('early-warning: SignalRecorded carries what its source owes', () => {
  let ew: BootedEarlyWarning;
  let reader: TopicReader;

  beforeAll(async () => {
    ew = await bootEarlyWarning('signal-attribution');
    reader = await readTopic(ew, 'signal-attribution', TOPIC_SIGNALS);
  });

  afterAll(async () => {
    await reader?.close();
    await ew?.close();
  });

  const recorded = (source: string) =>
    reader.events.filter((e) => e.type === CE_SIGNAL_RECORDED).map((e) => decodeEvent(CE_SIGNAL_RECORDED, e.data)).filter((s) => s.source === source);

  it("attributes ACLED on an ACLED import's signals, nothing on an API-only source's, each by its own source within one request", async () => {
    const acled = `acled-${RUN}`;
    const desk = `desk-${RUN}`;
    const imported = await unassessedCountry(ew.db);
    const name = COUNTRIES.find((c) => c.iso3 === imported)?.name as string;
    const text = [
      'event_id_cnty,event_date,event_type,sub_event_type,country,iso,admin1,fatalities,source',
      ...Array.from({ length: 3 }, (_, i) => `S-${RUN}-${i},2021-06-0${i + 1},Violence against civilians,Attack,"${name}",,North,2,Radio`),
    ].join('\n');
    const sink = intakeSink(ew.app.get(SignalIntake), ew.app.get(DataSource), ew.app.get(EventPublisher));
    expect(await runImport(Readable.from([Buffer.from(text)]), sink, { source: acled })).toMatchObject({ recorded: 3, attribution: ACLED_ATTRIBUTION });
    await reader.allAnnounced(imported);
    expect(recorded(acled).map((s) => s.attributions)).toEqual([[ACLED_ATTRIBUTION], [ACLED_ATTRIBUTION], [ACLED_ATTRIBUTION]]);

    // One API request with signals of both sources: each event says what its own source owes.
    const country = await freshCountry();
    const item = (source: string, i: number) => ({ id: `${source}-${i}`, source, country, type: 'protests', occurredAt: new Date(Date.UTC(2021, 5, 10 + i)).toISOString(), fatalities: 0 });
    const items = [item(desk, 0), item(acled, 1), item(desk, 2)];
    expect((await ew.api('POST', '/signals/batch', { items })).status).toBe(202);
    await reader.allAnnounced(country);
    const fromDesk = recorded(desk);
    expect(fromDesk).toHaveLength(2);
    for (const s of fromDesk) expect(s.attributions).toEqual([]);
    expect(recorded(acled).filter((s) => s.country === country).map((s) => s.attributions)).toEqual([[ACLED_ATTRIBUTION]]);
  });
});
