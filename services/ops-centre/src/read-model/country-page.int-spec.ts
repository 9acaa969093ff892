import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import { freshTestCountry, publishEscalation } from '../../test/events';

/** A busy country's page: it listed its newest 50 alerts and said nothing of the others. */
describe('ops-centre country page', () => {
  const h = useOpsCentre('ops-centre-country-page-int-producer', { globalToken: { roles: ['global-watch-officer'], subject: 'int-country-page' } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
  const api = async (path: string): Promise<any> => (await h.api(path, h.globalToken)).body;

  it('says how many alerts the country has beside the newest it lists', async () => {
    const country = await freshTestCountry();
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    // 52 areas escalated a minute apart: one alert each.
    for (let i = 0; i < 52; i++) await publishEscalation(h.producer, { country, admin1: `Area ${i}`, level: RiskLevel.HIGH, at: new Date(t0 + i * 60_000) });
    await eventually(async () => expect((await api(`/alerts?country=${country}&status=all&limit=1000`)).length).toBe(52), 30_000, 250);

    const page = await api(`/countries/${country}`);
    expect(page.alertCount).toBe(52);
    expect(page.alerts).toHaveLength(50);
    // The newest first: the two oldest areas are the ones left to the Alerts pane.
    expect(page.alerts.map((a: { admin1: string }) => a.admin1)).not.toContain('Area 0');
    expect(page.alerts[0].admin1).toBe('Area 51');

    const quiet = await freshTestCountry();
    await publishEscalation(h.producer, { country: quiet, level: RiskLevel.HIGH });
    await eventually(async () => expect((await api(`/countries/${quiet}`)).alerts).toHaveLength(1));
    expect((await api(`/countries/${quiet}`)).alertCount).toBe(1);
  });
});
