import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import { correctsAnnouncedLevel, type RiskEvent, type RiskLevelChange } from '../domain';
import { dayOfEvent, publishesDay, toPublished, type RiskOrigin } from './risk-publication';

const shouldPublish = (e: RiskEvent, origin: RiskOrigin, now: Date, alertDays: number, inputDay: Date) => publishesDay(dayOfEvent(e), origin, now, alertDays, inputDay);

const now = new Date('2026-06-30T12:00:00Z');
const escalation = (at: string): RiskLevelChange => ({
  type: 'RiskEscalated',
  country: 'MLI',
  admin1: null,
  score: 82.5,
  drivers: [{ kind: 'battles', label: 'Battles', area: null, count: 3, weight: 1 }],
  windowStart: new Date('2026-06-01'),
  windowEnd: new Date(at),
  escalationId: `MLI/-/${at}/critical`,
  previousLevel: 'high',
  newLevel: 'critical',
  at: new Date(at),
});

describe('risk publication', () => {
  it('after an import announces only what is recent, whatever the day of the input', () => {
    expect(shouldPublish(escalation('2019-06-01'), 'import', now, 14, new Date('2019-06-01'))).toBe(false);
    expect(shouldPublish(escalation('2019-06-01'), 'import', now, 14, new Date('2026-06-30T08:00:00Z'))).toBe(false);
    expect(shouldPublish(escalation('2026-06-20'), 'import', now, 14, new Date('2026-06-20'))).toBe(true);
    expect(shouldPublish(escalation('2026-06-20'), 'import', now, 14, new Date('2026-06-29T10:00:00Z'))).toBe(true);
  });

  it('announces a live input\'s events about its own day however old that day is: a late report is news', () => {
    expect(shouldPublish(escalation('2019-06-01'), 'api', now, 14, new Date('2019-06-01T17:45:00Z'))).toBe(true);
    expect(shouldPublish(escalation('2026-06-30'), 'api', now, 14, new Date('2026-06-30T11:00:00Z'))).toBe(true);
    // The open day assessed after a late signal is a later day than the signal's.
    expect(shouldPublish(escalation('2026-06-30'), 'api', now, 14, new Date('2026-06-12T09:00:00Z'))).toBe(true);
  });

  it('given a live input that closes days before its own, then their events are announced only when recent: history closed late is not news', () => {
    // Weeks of days queued by imported aggregates, closed by the first live signal of today.
    const today = new Date('2026-06-30T09:30:00Z');
    expect(shouldPublish(escalation('2026-05-12'), 'api', now, 14, today)).toBe(false);
    expect(shouldPublish(escalation('2019-06-01'), 'api', now, 14, today)).toBe(false);
    // The same kind of event within the alert window is published.
    expect(shouldPublish(escalation('2026-06-20'), 'api', now, 14, today)).toBe(true);
    expect(shouldPublish(escalation('2026-06-29'), 'api', now, 14, today)).toBe(true);
    // Days are whole UTC days: the day before, even an hour before, is an earlier day.
    expect(shouldPublish(escalation('2026-05-12'), 'api', now, 14, new Date('2026-05-13T00:30:00Z'))).toBe(false);
    expect(shouldPublish(escalation('2026-05-12'), 'api', now, 14, new Date('2026-05-12T23:30:00Z'))).toBe(true);
    // No window at all: only the input's own day is news.
    expect(shouldPublish(escalation('2026-06-29'), 'api', now, 0, today)).toBe(false);
  });

  it('lets a held-back de-escalation through only when it takes an area below the level subscribers were told', () => {
    const deescalation: RiskLevelChange = { ...escalation('2026-05-12'), type: 'RiskDeescalated', previousLevel: 'high', newLevel: 'elevated' };
    // Subscribers last heard "high" (or "critical"): they must hear that the area left it.
    expect(correctsAnnouncedLevel(deescalation, 'high')).toBe(true);
    expect(correctsAnnouncedLevel(deescalation, 'critical')).toBe(true);
    // Nothing announced, or already at or below the new level: it would undo what nobody saw.
    expect(correctsAnnouncedLevel(deescalation, undefined)).toBe(false);
    expect(correctsAnnouncedLevel(deescalation, 'elevated')).toBe(false);
    expect(correctsAnnouncedLevel(deescalation, 'low')).toBe(false);
    // Never an escalation: history closed late stays history.
    expect(correctsAnnouncedLevel(escalation('2026-05-12'), 'low')).toBe(false);
  });

  it('maps a level change onto the contract with its origin and whether the day was still open', () => {
    const published = toPublished(escalation('2026-06-20'), 'import', true);
    expect(published).toMatchObject({ type: 'org.crisis-ops.early-warning.risk-escalated.v1', data: { country: 'MLI', admin1: '', newLevel: RiskLevel.CRITICAL, previousLevel: RiskLevel.HIGH, origin: 'import', provisional: true } });
  });

  it('maps an assessment onto the contract with the day its area entered the level', () => {
    const { type: _type, escalationId: _id, previousLevel: _p, newLevel: _n, at: _at, ...common } = escalation('2026-06-20');
    const published = toPublished({ ...common, type: 'RiskAssessed', level: 'high', previousScore: 80, assessedAt: new Date('2026-06-20'), levelSince: new Date('2026-06-02') }, 'api', false);
    expect(published.data).toMatchObject({ level: RiskLevel.HIGH, levelSince: { seconds: BigInt(Date.parse('2026-06-02') / 1000) } });
  });

  it("carries what the country's data owes (ACLED's attribution), and nothing when nothing is owed", () => {
    const owed = ['Data: ACLED'];
    expect(toPublished(escalation('2026-06-20'), 'import', false, owed).data).toMatchObject({ attributions: ['Data: ACLED'] });
    expect(toPublished(escalation('2026-06-20'), 'api', false).data).toMatchObject({ attributions: [] });
  });
});
