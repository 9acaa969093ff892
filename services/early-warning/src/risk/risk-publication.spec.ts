import { describe, expect, it } from 'vitest';
import { RiskLevel } from '@crisis-ops/contracts';
import type { RiskLevelChange } from '../domain';
import { shouldPublish, toPublished } from './risk-publication';

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
  it('announces everything that follows live signals, and after an import only what is recent', () => {
    expect(shouldPublish(escalation('2019-06-01'), 'api', now, 14)).toBe(true);
    expect(shouldPublish(escalation('2019-06-01'), 'import', now, 14)).toBe(false);
    expect(shouldPublish(escalation('2026-06-20'), 'import', now, 14)).toBe(true);
  });

  it('maps a level change onto the contract with its origin and whether the day was still open', () => {
    const published = toPublished(escalation('2026-06-20'), 'import', true);
    expect(published).toMatchObject({ type: 'org.crisis-ops.early-warning.risk-escalated.v1', data: { country: 'MLI', admin1: '', newLevel: RiskLevel.CRITICAL, previousLevel: RiskLevel.HIGH, origin: 'import', provisional: true } });
  });
});
