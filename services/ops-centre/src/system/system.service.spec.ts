import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { SERVICES } from '@crisis-ops/contracts';
import type { KeptRange } from '@crisis-ops/messaging';
import type { RedrivenLetters } from './redriven-letters';
import { serviceUrlEnv, SystemService } from './system.service';
import { BROKER_ANSWER_MS } from './view-reads';

/**
 * Redrives read, recording `redriven` letters of each dead-letter topic named (whatever its offsets),
 * and `tooOld` letters not redriven and too old to be.
 */
const redrives = (redriven: Record<string, number> = {}, tooOld: Record<string, number> = {}) =>
  ({
    state: () => ({ ready: true }),
    redrivenOf: (topic: string, _kept: readonly KeptRange[]) => redriven[topic] ?? 0,
    tooOldOf: (topic: string, _kept: readonly KeptRange[]) => tooOld[topic] ?? 0,
  }) as unknown as RedrivenLetters;

// Health is asked where nothing listens (port 1 refuses at once), not at the services' default ports:
// `npm test` may run beside a platform `npm start` started, whose services there answered 'up'.
beforeEach(() => {
  for (const s of SERVICES) vi.stubEnv(serviceUrlEnv(s.name), 'http://127.0.0.1:1');
});
afterEach(() => vi.unstubAllEnvs());

/** A client whose admin is `admin`: connecting and the topics' metadata answered, the rest as `admin` answers. */
const kafkaOf = (admin: object) =>
  ({ admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, fetchTopicMetadata: async () => ({ topics: [] }), ...admin }) }) as unknown as Kafka;

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

describe('the system view when the broker is out of reach', () => {
  it('says each service\'s health and the groups as unknown, with the reason, where the whole view failed with a 500', async () => {
    const down = {
      describeGroups: async () => {
        throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      },
      fetchTopicOffsets: async () => {
        throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      },
    } as unknown as Admin;
    const view = await new SystemService(kafkaOf(down), { port: 1 } as ServiceConfig, redrives()).view();
    expect(view.services.map((s) => s.status)).toEqual(view.services.map(() => 'unreachable'));
    expect(view.consumerGroups.map((g) => g.groupId).sort()).toEqual(['early-warning', 'electoral-support', 'mediation', 'ops-centre', 'partnerships']);
    for (const g of view.consumerGroups) expect(g).toMatchObject({ state: 'Unknown', members: [], totalLag: null, lagError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
    expect(Object.values(view.deadLetters).every((n) => n === null)).toBe(true);
  });

  it('answers within its wait when the broker does not answer at all, saying what it waited for', async () => {
    const silent = { describeGroups: () => new Promise(() => undefined), fetchTopicOffsets: () => new Promise(() => undefined) } as unknown as Admin;
    const started = Date.now();
    const view = await new SystemService(kafkaOf(silent), { port: 1 } as ServiceConfig, redrives()).view();
    expect(Date.now() - started).toBeLessThan(BROKER_ANSWER_MS + 3_000);
    expect(view.consumerGroups[0].lagError).toBe(`the consumer groups: the broker did not answer within ${BROKER_ANSWER_MS / 1000} s`);
  }, 20_000);
});

describe('the system view when the broker cannot say', () => {
  it('gives lag and dead letters as unknown, with the reason, never as zero', async () => {
    // Health is asked of services on ports where nothing listens: they are reported unreachable.
    const view = await new SystemService(kafkaOf(brokerWithoutOffsets), { port: 1 } as ServiceConfig, redrives()).view();
    expect(view.consumerGroups.length).toBeGreaterThan(0);
    for (const g of view.consumerGroups) expect(g).toMatchObject({ totalLag: null, lagError: 'coordinator not available' });
    expect(Object.values(view.deadLetters).every((n) => n === null)).toBe(true);
    expect(Object.values(view.outstandingDeadLetters).every((n) => n === null)).toBe(true);
    expect(view.services.map((s) => s.deadLettersOfOwnTopics)).toContain(null);
    expect(view.services.map((s) => s.outstandingDeadLettersOfOwnTopics)).toContain(null);
  });
});

/**
 * A broker on which nobody runs a consumer group (every group Dead, as the broker calls one that
 * never had a member) and one event of mediation's was dead-lettered by two consumers: early-warning's
 * and ops-centre's.
 */
const brokerWithTwoLettersOfMediation = {
  describeGroups: async (names: string[]) => ({ groups: names.map((groupId) => ({ groupId, state: 'Dead', members: [] })) }),
  fetchOffsets: async ({ topics }: { topics: string[] }) => topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '-1' }] })),
  fetchTopicOffsets: async (topic: string) => [{ partition: 0, low: '0', high: topic === 'mediation.processes.v1.dlq' ? '2' : '0', offset: '0' }],
} as unknown as Admin;

describe('the system view read by an ops engineer', () => {
  it('counts dead letters against the service whose events they are, saying so and naming the dead-letter topics', async () => {
    const view = await new SystemService(kafkaOf(brokerWithTwoLettersOfMediation), { port: 1 } as ServiceConfig, redrives()).view();
    const mediation = view.services.find((s) => s.name === 'mediation');
    expect(mediation).toMatchObject({ deadLettersOfOwnTopics: 2, deadLetterTopics: ['mediation.processes.v1.dlq'] });
    expect(view.services.find((s) => s.name === 'early-warning')).toMatchObject({ deadLettersOfOwnTopics: 0 });
    expect(view.deadLetters['mediation.processes.v1']).toBe(2);
  });

  it('tells the letters still to deal with from those redriven, where a redriven letter counted as one outstanding', async () => {
    const view = await new SystemService(kafkaOf(brokerWithTwoLettersOfMediation), { port: 1 } as ServiceConfig, redrives({ 'mediation.processes.v1.dlq': 1 })).view();
    expect(view.services.find((s) => s.name === 'mediation')).toMatchObject({ deadLettersOfOwnTopics: 2, outstandingDeadLettersOfOwnTopics: 1 });
    expect(view.deadLetters['mediation.processes.v1']).toBe(2);
    expect(view.outstandingDeadLetters['mediation.processes.v1']).toBe(1);
    expect(view.redrivesUnknown).toBeNull();
  });

  it('counts letters too old to redrive apart from the outstanding ones, where they counted as work waiting that no redrive could do', async () => {
    const view = await new SystemService(kafkaOf(brokerWithTwoLettersOfMediation), { port: 1 } as ServiceConfig, redrives({}, { 'mediation.processes.v1.dlq': 1 })).view();
    expect(view.services.find((s) => s.name === 'mediation')).toMatchObject({ deadLettersOfOwnTopics: 2, outstandingDeadLettersOfOwnTopics: 1, tooOldDeadLettersOfOwnTopics: 1 });
    expect(view.outstandingDeadLetters['mediation.processes.v1']).toBe(1);
    expect(view.tooOldDeadLetters['mediation.processes.v1']).toBe(1);
    expect(view.tooOldDeadLetters['early-warning.risk.v1']).toBe(0);
  });

  it('gives the outstanding letters as unknown, with the reason, while the redrives are not read, never every letter as outstanding', async () => {
    const notYet = { state: () => ({ ready: false, reason: 'the redrives are still being read' }), redrivenOf: () => 0, tooOldOf: () => 0 } as unknown as RedrivenLetters;
    const view = await new SystemService(kafkaOf(brokerWithTwoLettersOfMediation), { port: 1 } as ServiceConfig, notYet).view();
    expect(view.services.find((s) => s.name === 'mediation')).toMatchObject({ deadLettersOfOwnTopics: 2, outstandingDeadLettersOfOwnTopics: null });
    expect(view.outstandingDeadLetters['mediation.processes.v1']).toBeNull();
    expect(view.tooOldDeadLetters['mediation.processes.v1']).toBeNull();
    expect(view.redrivesUnknown).toBe('the redrives are still being read');
  });

  it('tells a service that consumes nothing by design from a consumer group that is dead', async () => {
    const view = await new SystemService(kafkaOf(brokerWithTwoLettersOfMediation), { port: 1 } as ServiceConfig, redrives()).view();
    const byDesign = (name: string) => view.consumerGroups.find((g) => g.groupId === name)?.consumesEvents;
    expect(['partnerships', 'electoral-support'].map(byDesign)).toEqual([false, false]);
    expect(['early-warning', 'mediation', 'ops-centre'].map(byDesign)).toEqual([true, true, true]);
    expect(view.services.filter((s) => !s.consumesEvents).map((s) => s.name)).toEqual(['electoral-support', 'partnerships']);
  });
});

describe('a consumer group stuck before its first commit', () => {
  it("counts the backlog of the topics assigned to its members, where it showed no lag for a consumer that had processed nothing", async () => {
    const assignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { 'early-warning.risk.v1': [0] }, userData: Buffer.alloc(0) });
    const broker = {
      describeGroups: async (names: string[]) => ({
        groups: names.map((groupId) => ({
          groupId,
          state: groupId === 'ops-centre' ? 'Stable' : 'Dead',
          members: groupId === 'ops-centre' ? [{ memberId: 'm1', clientId: 'ops-centre', clientHost: '/127.0.0.1', memberAssignment: assignment }] : [],
        })),
      }),
      fetchOffsets: async ({ topics }: { topics: string[] }) => topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '-1' }] })),
      fetchTopicOffsets: async () => [{ partition: 0, low: '2', high: '9', offset: '9' }],
    } as unknown as Admin;
    const view = await new SystemService(kafkaOf(broker), { port: 1 } as ServiceConfig, redrives()).view();
    const stuck = view.consumerGroups.find((g) => g.groupId === 'ops-centre');
    expect(stuck).toMatchObject({ totalLag: 7, lag: [{ topic: 'early-warning.risk.v1', partition: 0, committed: 2, end: 9, lag: 7 }] });
    expect(view.consumerGroups.find((g) => g.groupId === 'mediation')).toMatchObject({ totalLag: 0, lag: [] });
  });
});
