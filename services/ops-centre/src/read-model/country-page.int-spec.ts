import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ElectionKind, EngagementKind, RiskLevel, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { eventually } from '@crisis-ops/testing';
import { useOpsCentre } from '../../test/int-harness';
import {
  freshTestCountry,
  mediationRecords,
  publishClosing,
  publishElectionPostponed,
  publishElectionScheduled,
  publishEngagement,
  publishEscalation,
  publishMediation,
} from '../../test/events';

/**
 * A busy country's page: it listed its newest 50 alerts and said nothing of the others, and it read the
 * state of its processes, elections and engagements from its newest 2,000 such events only.
 */
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

  it("shows every mediation process's state, however many newer events the country has", async () => {
    const country = await freshTestCountry();
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    const opened = await publishMediation(h.producer, { country, escalationId: randomUUID(), proposedAt: new Date(t0), openedAt: new Date(t0 + 60_000) });
    // 2,000 later proposals of other processes, in one produce request.
    const later = Array.from({ length: 2_000 }, (_, i) => mediationRecords.proposed({ country, processId: randomUUID(), at: new Date(t0 + (i + 2) * 60_000) }));
    await h.producer.send({ topic: TOPIC_MEDIATION, messages: later });
    await eventually(async () => expect((await api(`/countries/${country}`)).mediation.length).toBeGreaterThanOrEqual(2_000), 60_000, 500);
    // Every proposal recorded; the country's newest 2,000 events are then all proposals.
    await eventually(async () => expect((await api(`/countries/${country}`)).mediation.filter((m: { state: string }) => m.state === 'proposed')).toHaveLength(2_000), 30_000, 500);

    const page = await api(`/countries/${country}`);
    expect(page.mediation).toHaveLength(2_001);
    expect(page.mediation.find((m: { id: string }) => m.id === opened)).toMatchObject({ state: 'active' });
    // Newest first.
    const since = page.mediation.map((m: { since: string }) => Date.parse(m.since));
    expect(since).toEqual([...since].sort((a, b) => b - a));
  });

  it("gives each process its status and area, not the name of its newest event", async () => {
    const country = await freshTestCountry();
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const [suspended, local, closed] = [randomUUID(), randomUUID(), randomUUID()];
    await h.producer.send({
      topic: TOPIC_MEDIATION,
      messages: [
        // Suspended, then an envoy appointed to it: still suspended.
        mediationRecords.proposed({ country, processId: suspended, at: at(1) }),
        mediationRecords.opened({ country, processId: suspended, at: at(2) }),
        mediationRecords.suspended({ country, processId: suspended, at: at(3) }),
        mediationRecords.envoyAppointed({ country, processId: suspended, at: at(4) }),
        // Activated with its envoy at the same instant, the envoy published after: active.
        mediationRecords.proposed({ country, processId: local, admin1: 'Plateaux', at: at(5) }),
        mediationRecords.opened({ country, processId: local, admin1: 'Plateaux', at: at(6) }),
        mediationRecords.envoyAppointed({ country, processId: local, at: at(6) }),
        mediationRecords.proposed({ country, processId: closed, at: at(7) }),
      ],
    });
    await publishClosing(h.producer, { country, processId: closed, at: at(8) });
    await eventually(async () => expect((await api(`/countries/${country}`)).mediation).toHaveLength(3), 30_000, 250);
    await eventually(async () => expect((await api(`/countries/${country}`)).mediation[0].state).toBe('closed'), 30_000, 250);

    const { mediation } = await api(`/countries/${country}`);
    expect(mediation.map((m: { id: string }) => m.id)).toEqual([closed, local, suspended]);
    expect(mediation[1]).toMatchObject({ state: 'active', since: at(6).toISOString(), admin1: 'Plateaux', lead: 'special_envoy', lastEvent: { name: 'envoy-appointed', at: at(6).toISOString() } });
    expect(mediation[2]).toMatchObject({ state: 'suspended', since: at(3).toISOString(), admin1: null, lastEvent: { name: 'envoy-appointed', at: at(4).toISOString() } });
    expect(mediation[0]).toMatchObject({ state: 'closed', since: at(8).toISOString() });
  });

  it('lists each election and partner engagement by its whole id, saying who or what it is and since when by its own time, not its publication', async () => {
    const country = await freshTestCountry();
    const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
    // Free-text ids that share their first 8 characters: both showed as "UNDP-TCD", two identical lines.
    await publishEngagement(h.producer, { country, engagementId: 'UNDP-TCD-2026-01', partner: 'UNDP', kind: EngagementKind.TECHNICAL, description: 'voter registration support', at: day('2026-01-15') });
    await publishEngagement(h.producer, { country, engagementId: 'UNDP-TCD-2026-02', partner: 'UNDP', kind: EngagementKind.FUNDING, description: 'polling station kits', at: day('2026-03-01') });
    const before = Date.now();
    await publishEngagement(h.producer, { country, engagementId: 'ngo-without-date', partner: '', kind: EngagementKind.UNSPECIFIED, description: '' });
    await publishElectionScheduled(h.producer, { country, electionId: 'TCD-PRES-2026', kind: ElectionKind.PRESIDENTIAL, scheduledFor: '2026-12-20', occurredAt: day('2026-06-01') });
    await publishElectionPostponed(h.producer, { country, electionId: 'TCD-PRES-2026', previousDate: '2026-12-20', newDate: '2027-02-14', reason: 'security', occurredAt: day('2026-10-01') });
    await publishElectionScheduled(h.producer, { country, electionId: 'TCD-LOC-2027', kind: ElectionKind.LOCAL, admin1: 'Lac', scheduledFor: '2027-05-01', occurredAt: day('2026-09-01') });
    await publishElectionPostponed(h.producer, { country, electionId: 'TCD-REF-2027', previousDate: '2027-03-01', occurredAt: day('2026-11-01') });
    await eventually(async () => {
      const page = await api(`/countries/${country}`);
      expect([page.partnerships.length, page.elections.length, page.elections.find((e: { id: string }) => e.id === 'TCD-PRES-2026')?.state]).toEqual([3, 3, 'election-postponed']);
      return true;
    }, 30_000, 250);

    const { partnerships, elections } = await api(`/countries/${country}`);
    const [undated, second, first] = partnerships;
    expect(undated).toMatchObject({ id: 'ngo-without-date', state: 'partner-engaged', partner: null, kind: null, description: null });
    // No `at`: since it was published.
    expect(Date.parse(undated.since)).toBeGreaterThanOrEqual(before - 5_000);
    expect(second).toMatchObject({ id: 'UNDP-TCD-2026-02', state: 'partner-engaged', since: '2026-03-01T00:00:00.000Z', partner: 'UNDP', kind: 'funding', description: 'polling station kits' });
    expect(first).toMatchObject({ id: 'UNDP-TCD-2026-01', since: '2026-01-15T00:00:00.000Z', partner: 'UNDP', kind: 'technical', description: 'voter registration support', payload: { engagementId: 'UNDP-TCD-2026-01' } });

    expect(elections.map((e: Record<string, unknown>) => ({ ...e, payload: undefined }))).toEqual([
      // Postponed without a new day, its ElectionScheduled never seen: kind and area unknown.
      { id: 'TCD-REF-2027', state: 'election-postponed', since: '2026-11-01T00:00:00.000Z', kind: null, admin1: null, scheduledFor: null, postponedFrom: '2027-03-01', reason: null, payload: undefined },
      // A postponement keeps its scheduling's kind and area.
      { id: 'TCD-PRES-2026', state: 'election-postponed', since: '2026-10-01T00:00:00.000Z', kind: 'presidential', admin1: null, scheduledFor: '2027-02-14', postponedFrom: '2026-12-20', reason: 'security', payload: undefined },
      { id: 'TCD-LOC-2027', state: 'election-scheduled', since: '2026-09-01T00:00:00.000Z', kind: 'local', admin1: 'Lac', scheduledFor: '2027-05-01', postponedFrom: null, reason: null, payload: undefined },
    ]);
  });
});
