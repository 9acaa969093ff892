import { describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { SystemService } from './system.service';

/** A broker that answers who is in each group but not the offsets: the view must say it does not know. */
const brokerWithoutOffsets = {
  describeGroups: async (names: string[]) => ({ groups: names.map((groupId) => ({ groupId, state: 'Stable', members: [] })) }),
  fetchOffsets: async () => {
    throw new Error('coordinator not available');
  },
  fetchTopicOffsets: async () => {
    throw new Error('leader not available');
  },
} as unknown as Admin;

describe('the system view when the broker cannot say', () => {
  it('gives lag and dead letters as unknown, with the reason, never as zero', async () => {
    // Health is asked of services on ports where nothing listens: they are reported unreachable.
    const view = await new SystemService(brokerWithoutOffsets, { port: 1 } as ServiceConfig).view();
    expect(view.consumerGroups.length).toBeGreaterThan(0);
    for (const g of view.consumerGroups) expect(g).toMatchObject({ totalLag: null, lagError: 'coordinator not available' });
    expect(Object.values(view.deadLetters).every((n) => n === null)).toBe(true);
    expect(view.services.map((s) => s.dlqCount)).toContain(null);
  });
});
