import { describe, expect, it } from 'vitest';
import { escalationWarrantsProcess, proposalFor } from './escalation-policy';
import { inclusionSummary, participationOf, processInclusion } from './inclusion-metrics';
import { rehydrate, type ProcessState } from './mediation-process';
import { responseTimes, responseTimeSummary, summarise } from './time-to-response';
import { agreementReached, envoyAppointed, opened, proposed, talksConvened } from './testing/fixtures';

const state = (...events: Parameters<typeof rehydrate>[0]) => rehydrate(events) as ProcessState;

describe('inclusion metrics', () => {
  it("counts women's and youth share of delegates per session, undisclosed included in the total", () => {
    expect(
      participationOf([
        { gender: 'female', ageGroup: 'youth', count: 1 },
        { gender: 'undisclosed', ageGroup: 'undisclosed', count: 1 },
        { gender: 'male', ageGroup: 'adult', count: 2 },
      ]),
    ).toEqual({ delegates: 4, women: 1, youth: 1, womenShare: 0.25, youthShare: 0.25 });
    expect(participationOf([])).toEqual({ delegates: 0, women: 0, youth: 0, womenShare: null, youthShare: null });
  });

  it('sums a process over its sessions and shares its agreements with gender and youth provisions', () => {
    const p = processInclusion(state(proposed(), opened(), envoyAppointed(), talksConvened(1), talksConvened(2), agreementReached(true)));
    expect(p).toMatchObject({ delegates: 20, women: 10, youth: 4, womenShare: 0.5, youthShare: 0.2, agreements: 1, genderProvisionShare: 1, youthProvisionShare: 0 });
    expect(p.sessions).toEqual([
      { sessionId: 'session-1', round: 1, delegates: 10, women: 5, youth: 2, womenShare: 0.5, youthShare: 0.2 },
      { sessionId: 'session-2', round: 2, delegates: 10, women: 5, youth: 2, womenShare: 0.5, youthShare: 0.2 },
    ]);
  });

  it('across processes, weighs by delegates and agreements rather than averaging shares', () => {
    const a = state(proposed(), opened(), envoyAppointed(), talksConvened(1), agreementReached(true));
    const b = state(
      proposed({ processId: 'p-2' }),
      { ...opened(), processId: 'p-2' },
      {
        ...talksConvened(1),
        processId: 'p-2',
        session: { sessionId: 's', round: 1, heldAt: '2026-03-04T00:00:00.000Z', place: 'x', partyIds: [], participants: [{ gender: 'male', ageGroup: 'adult', count: 30 }] },
      },
      { ...agreementReached(false), processId: 'p-2' },
    );
    const all = inclusionSummary([a, b]);
    expect(all).toMatchObject({ processes: 2, sessions: 2, delegates: 40, women: 5, womenShare: 0.125, agreements: 2, genderProvisionShare: 0.5 });
    expect(inclusionSummary([])).toMatchObject({ processes: 0, womenShare: null, genderProvisionShare: null });
  });
});

describe('time to response', () => {
  it('measures escalation → proposal → activation → first session in hours', () => {
    const s = state(proposed(), opened('2026-03-02T10:00:00.000Z'), envoyAppointed(), talksConvened(1, '2026-03-04T10:00:00.000Z'));
    expect(responseTimes(s)).toMatchObject({
      escalatedAt: '2026-03-01T08:00:00.000Z',
      escalationToProposalHours: 2,
      proposalToActivationHours: 24,
      activationToFirstSessionHours: 48,
      escalationToFirstSessionHours: 74,
    });
  });

  it('counts from activation the first session held under it, not talks entered with an earlier date', () => {
    const s = state(
      proposed(),
      opened('2026-03-02T10:00:00.000Z'),
      talksConvened(1, '1800-03-04T10:00:00.000Z'),
      talksConvened(2, '2026-03-02T09:50:00.000Z'),
      talksConvened(3, '2026-03-05T10:00:00.000Z'),
    );
    // From the escalation (1 March, 08:00) the talks of 2 March count: they answered it, mandate or not.
    expect(responseTimes(s)).toMatchObject({
      firstSessionAt: '1800-03-04T10:00:00.000Z',
      firstSessionSinceActivationAt: '2026-03-05T10:00:00.000Z',
      activationToFirstSessionHours: 72,
      escalationToFirstSessionHours: 25.83,
    });
    // Only earlier talks: no first session under the mandate yet.
    expect(responseTimes(state(proposed(), opened('2026-03-02T10:00:00.000Z'), talksConvened(1, '2026-03-01T10:00:00.000Z')))).toMatchObject({ activationToFirstSessionHours: null });
  });

  it('leaves steps not yet reached, and escalation steps of hand-made proposals, unknown', () => {
    expect(responseTimes(state(proposed({ escalation: null })))).toMatchObject({
      escalationToProposalHours: null,
      proposalToActivationHours: null,
      activationToFirstSessionHours: null,
    });
  });

  it('summarises steps with count, median, mean and max over the processes that reached them', () => {
    expect(summarise([1, null, 3, 2])).toEqual({ count: 3, medianHours: 2, meanHours: 2, maxHours: 3 });
    expect(summarise([1, 4])).toMatchObject({ medianHours: 2.5 });
    expect(summarise([null])).toEqual({ count: 0, medianHours: null, meanHours: null, maxHours: null });
    const all = responseTimeSummary([state(proposed()), state(proposed({ processId: 'p-2' }), { ...opened(), processId: 'p-2' })]);
    expect(all.escalationToProposal).toMatchObject({ count: 2, medianHours: 2 });
    expect(all.proposalToActivation).toMatchObject({ count: 1, medianHours: 24 });
  });
});

describe('escalation policy', () => {
  it('answers high and critical escalations only', () => {
    expect(['low', 'elevated', 'high', 'critical'].map((l) => escalationWarrantsProcess(l as never))).toEqual([false, false, true, true]);
  });

  it('proposes good offices carrying the escalation and its drivers', () => {
    const drivers = [{ kind: 'battles', label: 'Armed clashes', area: '', count: 4, weight: 0.7 }];
    expect(proposalFor({ escalationId: 'e-1', country: 'SDN', admin1: null, level: 'critical', drivers, at: '2026-03-01T00:00:00.000Z' }, 'africa')).toEqual({
      type: 'Propose',
      country: 'SDN',
      admin1: null,
      situation: 'Risk escalated to critical: Armed clashes',
      region: 'africa',
      track: 'good_offices',
      lead: 'special_envoy',
      drivers,
      escalation: { escalationId: 'e-1', level: 'critical', escalatedAt: '2026-03-01T00:00:00.000Z' },
    });
  });
});
