import { describe, expect, it } from 'vitest';
import { CE_RISK_ESCALATED } from '@crisis-ops/contracts';
import { deskOf } from '../access/access-policy';
import { streamItemOf } from './stream-item';

const item = (payload: Record<string, unknown>) =>
  streamItemOf({ id: 'x', type: CE_RISK_ESCALATED, source: 'early-warning', topic: 't', time: new Date(), traceId: null }, payload, deskOf);

describe('the area of a streamed event', () => {
  it('is null for the national level, as early-warning answers it, whether the payload says "" or nothing', () => {
    expect(item({ country: 'MLI', admin1: '', newLevel: 'RISK_LEVEL_HIGH' }).admin1).toBeNull();
    expect(item({ country: 'MLI', newLevel: 'RISK_LEVEL_HIGH' }).admin1).toBeNull();
  });

  it('is the admin1 an event names', () => {
    expect(item({ country: 'MLI', admin1: 'Mopti', newLevel: 'RISK_LEVEL_HIGH' }).admin1).toBe('Mopti');
  });
});
