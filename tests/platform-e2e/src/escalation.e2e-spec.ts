import { describe, expect, it } from 'vitest';
import { CE_RISK_ESCALATED, TOPIC_RISK } from '@crisis-ops/contracts';
import { adminClient, devToken, eventually, groupHasRead, uniqueSuffix } from '@crisis-ops/testing';
import { api, countryTimeline, platform } from './platform-api';
import { escalatingBurst, quietCountry, type CountryRisk, type Process } from './escalation-support';

describe('an escalation crosses the platform', () => {
  it('signals that escalate a country lead to a proposed mediation process and show on the ops-centre timeline', async () => {
    const globalReader = await devToken({ roles: ['global-viewer'], region: null });
    const { iso3: country, desk } = await quietCountry(globalReader);
    const source = `platform-e2e-escalation-${uniqueSuffix()}`;
    const { occurredAt, items } = escalatingBurst(country, source, 'esc', 'posted by the platform end-to-end suite');
    const posted = await api<{ recorded: number }>(`${platform()['early-warning']}/signals/batch`, { body: { items } });
    expect(posted).toMatchObject({ status: 202, body: { recorded: 40 } });

    // early-warning: the country escalated, live (before its day closed), from API signals.
    const escalation = await eventually(async () => {
      const risk = await api<CountryRisk>(`${platform()['early-warning']}/risk/${country}`);
      return risk.status === 200 && risk.body.history.find((h) => h.kind === 'escalated' && h.day === occurredAt.slice(0, 10) && ['high', 'critical'].includes(h.level));
    }, 30_000, 250);
    const escalationId = escalation.escalationId as string;

    // mediation: exactly one proposed process, visible to a viewer of the country's region.
    const viewer = await devToken({ roles: ['viewer'], region: desk });
    const proposedNow = async () => {
      const res = await api<Process[]>(`${platform().mediation}/processes?country=${country}`, { token: viewer });
      return res.status === 200 ? res.body.filter((p) => p.status === 'proposed') : [];
    };
    await eventually(async () => (await proposedNow()).length > 0, 30_000, 250);
    // A second proposal could only come from a risk event mediation has not handled yet. Once the
    // burst is applied, every risk event it caused is on Kafka (early-warning's outbox holds none of
    // the country's), and mediation's group has committed past them, it would be there.
    const db = adminClient();
    await db.connect();
    try {
      const settled = async () =>
        (await db.query('SELECT 1 FROM early_warning.risk_engines WHERE country = $1 AND signals >= $2', [country, items.length])).rowCount === 1 &&
        (await db.query('SELECT 1 FROM early_warning.outbox WHERE key = $1 LIMIT 1', [country])).rowCount === 0;
      await eventually(settled, 30_000, 100);
    } finally {
      await db.end();
    }
    await groupHasRead('mediation', TOPIC_RISK, country);
    const proposed = await proposedNow();
    expect(proposed).toHaveLength(1);
    expect(JSON.stringify(proposed[0])).toContain(escalationId);

    // ops-centre: the RiskEscalated is on the country's timeline.
    const entry = await eventually(
      async () => (await countryTimeline(country)).find((e) => e.type === CE_RISK_ESCALATED && (e.payload as { escalationId?: string }).escalationId === escalationId),
      30_000,
      250,
    );
    expect(entry).toMatchObject({ country, topic: TOPIC_RISK, source: 'early-warning' });

    // Leave no open process behind, so the next run's checks start clean.
    const officer = await devToken({ roles: ['mediation-officer'], region: desk });
    const closed = await api(`${platform().mediation}/processes/${proposed[0].processId}/close`, { token: officer, body: { reason: 'platform-e2e escalation test done' } });
    expect(closed.status).toBe(200);
  });
});
