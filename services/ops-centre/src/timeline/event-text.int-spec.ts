import { describe, expect, it } from 'vitest';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEngagement } from '../../test/events';

/**
 * An event is valid under its contract with a NUL in a string field (proto3 strings may hold U+0000),
 * which neither jsonb nor text can store: ops-centre failed it four times (22P05) and dead-lettered
 * it, where no redrive could ever deliver it, so the engagement never reached the timeline, the
 * country page or the stream.
 */
describe('ops-centre, an event whose text Postgres cannot store as it is', () => {
  const h = useOpsCentre('ops-centre-event-text-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-event-text' } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string): Promise<any> => (await h.api(path, h.globalToken)).body;

  it('records it with U+FFFD where the NUL was, on the timeline and the country page, and an event without one as it came', async () => {
    const country = await freshTestCountry();
    const pasted = await publishEngagement(h.producer, { country, engagementId: 'UNDP-NUL-2026-01', description: 'pasted from PDF\u0000 text' });
    const fine = await publishEngagement(h.producer, { country, engagementId: 'UNDP-NUL-2026-02', partner: 'EU 🇪🇺', description: 'a real \ufffd, C:\\u0000 and Tillabéri' });
    await eventually(async () => expect((await api(`/timeline?country=${country}`)).map((e: { eventId: string }) => e.eventId).sort()).toEqual([pasted, fine].sort()), 30_000, 250);

    const timeline = await api(`/timeline?country=${country}`);
    expect(timeline.find((e: { eventId: string }) => e.eventId === pasted).payload).toMatchObject({ engagementId: 'UNDP-NUL-2026-01', description: 'pasted from PDF\ufffd text' });
    expect(timeline.find((e: { eventId: string }) => e.eventId === fine).payload).toMatchObject({ partner: 'EU 🇪🇺', description: 'a real \ufffd, C:\\u0000 and Tillabéri' });
    const page = await api(`/countries/${country}`);
    expect(page.partnerships.map((p: { payload: { description: string } }) => p.payload.description).sort()).toEqual(['a real \ufffd, C:\\u0000 and Tillabéri', 'pasted from PDF\ufffd text']);
  });
});
