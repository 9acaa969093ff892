import { describe, expect, it } from 'vitest';
import { CE_ESCALATION_REFERRED, CE_MEDIATION_CONCLUDED, CE_MEDIATION_OPENED, CE_MEDIATION_PROPOSED, CE_RISK_ASSESSED, CE_RISK_DEESCALATED, CE_RISK_ESCALATED, CE_SIGNAL_RECORDED } from '@crisis-ops/contracts';
import { answerAfterFate, applyRisk, deescalationOf, HISTORY_CAP, nextStatus, opensAlert, responseDurations, responseStatus, responseStepOf, reverses, riskObservationOf, type Deescalation, type EscalationSeen, type ResponseRow, type RiskObservation } from './projection';
import { levelOf } from './risk-level';

const t0 = new Date('2026-01-01T00:00:00Z');
const obs = (over: Partial<RiskObservation>): RiskObservation => ({ kind: 'assessed', country: 'MLI', admin1: '', level: 1, score: 0.2, drivers: [], at: t0.toISOString(), attributions: [], ...over });

describe('risk levels', () => {
  it('reads proto JSON names, short names and numbers', () => {
    expect(levelOf('RISK_LEVEL_CRITICAL')).toBe(4);
    expect(levelOf('high')).toBe(3);
    expect(levelOf(2)).toBe(2);
    expect(levelOf('bogus')).toBe(0);
  });
});

describe('risk observations', () => {
  it('takes level, score, drivers and time from RiskEscalated and RiskAssessed', () => {
    const e = riskObservationOf(CE_RISK_ESCALATED, { escalationId: 'e1', country: 'MLI', admin1: 'Mopti', newLevel: 'RISK_LEVEL_HIGH', score: 0.8, drivers: [{ kind: 'battles', label: 'B', area: '', count: 3, weight: 0.5 }], at: '2026-01-02T00:00:00Z' }, t0);
    expect(e).toMatchObject({ kind: 'escalated', level: 3, score: 0.8, admin1: 'Mopti', at: '2026-01-02T00:00:00Z', escalationId: 'e1' });
    expect(e?.drivers[0]).toMatchObject({ kind: 'battles', count: 3 });
    expect(riskObservationOf(CE_RISK_ASSESSED, { country: 'MLI', level: 'RISK_LEVEL_LOW', score: 0.1 }, t0)).toMatchObject({ kind: 'assessed', level: 1, at: t0.toISOString() });
    expect(riskObservationOf(CE_SIGNAL_RECORDED, { country: 'MLI' }, t0)).toBeUndefined();
  });

  it('takes what the data of the risk owes (attributions), none from an event before the field or of nothing but blanks', () => {
    const acled = 'Conflict data: ACLED';
    expect(riskObservationOf(CE_RISK_ESCALATED, { escalationId: 'e1', country: 'MLI', newLevel: 'RISK_LEVEL_HIGH', attributions: [acled, acled, 'B'] }, t0)?.attributions).toEqual(['B', acled]);
    expect(riskObservationOf(CE_RISK_ASSESSED, { country: 'MLI', level: 'RISK_LEVEL_LOW', attributions: [acled] }, t0)?.attributions).toEqual([acled]);
    expect(riskObservationOf(CE_RISK_ASSESSED, { country: 'MLI', level: 'RISK_LEVEL_LOW' }, t0)?.attributions).toEqual([]);
    expect(riskObservationOf(CE_RISK_ASSESSED, { country: 'MLI', level: 'RISK_LEVEL_LOW', attributions: [' ', 3] }, t0)?.attributions).toEqual([]);
  });

  it("keeps early-warning's trend: the score change of the last assessment that had a previous score, whatever the history's ends say", () => {
    const assessed = (score: number, previousScore: number | undefined, at: string) =>
      riskObservationOf(CE_RISK_ASSESSED, { country: 'MOZ', level: 'RISK_LEVEL_ELEVATED', score, ...(previousScore === undefined ? {} : { previousScore }), assessedAt: at }, t0) as RiskObservation;
    let s = applyRisk(undefined, assessed(12, undefined, '2026-01-01T00:00:00Z'));
    expect(s.trendDelta).toBeNull();
    s = applyRisk(s, assessed(25.4, 12, '2026-01-02T00:00:00Z'));
    s = applyRisk(s, assessed(20.1, 25.4, '2026-01-03T00:00:00Z'));
    // Higher than the history's first point, falling all the same, as early-warning says.
    expect(s.history.map((p) => p.s)).toEqual([12, 25.4, 20.1]);
    expect(s.trendDelta).toBe(-5.3);
    s = applyRisk(s, obs({ kind: 'escalated', country: 'MOZ', level: 3, score: 20.1, at: '2026-01-03T00:00:00Z', escalationId: 'e1' }));
    expect(s.trendDelta).toBe(-5.3);
    // An older assessment (a redriven dead letter) changes nothing.
    expect(applyRisk(s, assessed(30, 10, '2026-01-01T12:00:00Z')).trendDelta).toBe(-5.3);
  });

  it('records a level change only when the level changes, and keeps a capped score history', () => {
    let s = applyRisk(undefined, obs({ level: 1, score: 0.1, levelSince: t0.toISOString() }));
    expect(s.levelChangedAt).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + 60_000).toISOString();
    s = applyRisk(s, obs({ level: 1, score: 0.2, at: t1 }));
    expect(s.levelChangedAt).toBe(t0.toISOString());
    const t2 = new Date(t0.getTime() + 120_000).toISOString();
    s = applyRisk(s, obs({ kind: 'escalated', level: 3, score: 0.9, at: t2 }));
    expect(s).toMatchObject({ level: 3, score: 0.9, levelChangedAt: t2 });
    expect(s.history.map((h) => h.s)).toEqual([0.1, 0.2, 0.9]);
    for (let i = 0; i < 50; i++) s = applyRisk(s, obs({ level: 3, score: i, at: new Date(t0.getTime() + 200_000 + i).toISOString() }));
    expect(s.history).toHaveLength(HISTORY_CAP);
    expect(s.history.at(-1)?.s).toBe(49);
  });

  it("takes since when an area is at its level from the assessment, never from the day it first arrived, where a level reached in unpublished history was dated the first assessment seen", () => {
    expect(riskObservationOf(CE_RISK_ASSESSED, { country: 'TZA', level: 'RISK_LEVEL_HIGH', score: 70, assessedAt: '2026-11-16T00:00:00Z', levelSince: '2026-11-01T00:00:00Z' }, t0)).toMatchObject({ levelSince: '2026-11-01T00:00:00Z' });
    let s = applyRisk(undefined, obs({ level: 3, score: 70, at: '2026-11-16T00:00:00Z', levelSince: '2026-11-01T00:00:00Z' }));
    expect(s.levelChangedAt).toBe('2026-11-01T00:00:00Z');
    // An assessment from before the field: a level it cannot date stays unknown, a known one is kept.
    expect(applyRisk(undefined, obs({ level: 3, score: 70, at: '2026-11-16T00:00:00Z' })).levelChangedAt).toBeNull();
    s = applyRisk(s, obs({ level: 3, score: 72, at: '2026-11-17T00:00:00Z' }));
    expect(s.levelChangedAt).toBe('2026-11-01T00:00:00Z');
    expect(applyRisk(s, obs({ level: 4, score: 90, at: '2026-11-18T00:00:00Z' })).levelChangedAt).toBeNull();
    // Its RiskEscalated dates the change whichever of the two came first.
    const escalated = applyRisk(applyRisk(s, obs({ level: 4, score: 90, at: '2026-11-18T00:00:00Z' })), obs({ kind: 'escalated', level: 4, score: 90, at: '2026-11-18T00:00:00Z' }));
    expect(escalated.levelChangedAt).toBe('2026-11-18T00:00:00Z');
  });

  it('makes one point of an assessment that escalates, published as RiskAssessed and RiskEscalated, and marks it', () => {
    const day1 = '2026-01-01T00:00:00Z';
    const day2 = '2026-01-02T00:00:00Z';
    let s = applyRisk(undefined, obs({ level: 2, score: 0.5, at: day1 }));
    s = applyRisk(s, obs({ kind: 'assessed', level: 3, score: 0.87, at: day2 }));
    s = applyRisk(s, obs({ kind: 'escalated', level: 3, score: 0.87, at: day2, escalationId: 'e1' }));
    expect(s.history).toEqual([
      { t: day1, s: 0.5, l: 2 },
      { t: day2, s: 0.87, l: 3, change: 'escalated' },
    ]);
    // So does a de-escalation, and a change whose assessment was not published is its own point.
    const day3 = '2026-01-03T00:00:00Z';
    s = applyRisk(s, obs({ kind: 'assessed', level: 2, score: 0.4, at: day3 }));
    s = applyRisk(s, obs({ kind: 'deescalated', level: 2, score: 0.4, at: day3, escalationId: 'e1' }));
    s = applyRisk(s, obs({ kind: 'escalated', level: 3, score: 0.8, at: '2026-01-04T00:00:00Z', escalationId: 'e2' }));
    expect(s.history.slice(2)).toEqual([
      { t: day3, s: 0.4, l: 2, change: 'deescalated' },
      { t: '2026-01-04T00:00:00Z', s: 0.8, l: 3, change: 'escalated' },
    ]);
    expect(s).toMatchObject({ level: 3, levelChangedAt: '2026-01-04T00:00:00Z' });
  });

  it('keeps one point for a day still open, its latest assessment, marked with any change the day brought', () => {
    const day1 = '2026-01-01T00:00:00Z';
    const day2 = '2026-01-02T00:00:00Z';
    let s = applyRisk(undefined, obs({ level: 2, score: 40, at: day1 }));
    // Reports of day 2 come in: it is assessed open, escalates, then closes at a lower score, same level.
    s = applyRisk(s, obs({ kind: 'assessed', level: 2, score: 48, at: day2 }));
    s = applyRisk(s, obs({ kind: 'assessed', level: 3, score: 66, at: day2 }));
    s = applyRisk(s, obs({ kind: 'escalated', level: 3, score: 66, at: day2, escalationId: 'e1' }));
    s = applyRisk(s, obs({ kind: 'assessed', level: 3, score: 61, at: day2 }));
    expect(s.history).toEqual([
      { t: day1, s: 40, l: 2 },
      { t: day2, s: 61, l: 3, change: 'escalated' },
    ]);
    expect(s).toMatchObject({ level: 3, score: 61 });
  });

  it('ignores an observation older than the state', () => {
    const s = applyRisk(undefined, obs({ level: 3, at: '2026-02-01T00:00:00Z' }));
    expect(applyRisk(s, obs({ level: 1, at: '2026-01-01T00:00:00Z' }))).toBe(s);
  });

  it('opens an alert for escalations to HIGH or CRITICAL only', () => {
    expect(opensAlert(obs({ kind: 'escalated', level: 3, escalationId: 'x' }))).toBe(true);
    expect(opensAlert(obs({ kind: 'escalated', level: 4, escalationId: 'x' }))).toBe(true);
    expect(opensAlert(obs({ kind: 'escalated', level: 2, escalationId: 'x' }))).toBe(false);
    expect(opensAlert(obs({ kind: 'assessed', level: 4, escalationId: 'x' }))).toBe(false);
    expect(opensAlert(obs({ kind: 'deescalated', level: 3, escalationId: 'x' }))).toBe(false);
  });
});

describe('time to response', () => {
  it('links proposal to escalation by triggered_by_escalation_id and opening by process id', () => {
    expect(responseStepOf(CE_RISK_ESCALATED, { escalationId: 'e', country: 'MLI', newLevel: 'RISK_LEVEL_HIGH', at: '2026-01-01T00:00:00Z' }, t0)).toMatchObject({ step: 'escalated', escalationId: 'e', level: 3 });
    // Counted from when the escalation was raised (the event's time), not from the day it assessed.
    const raised = new Date('2026-01-01T07:45:14.580Z');
    expect(responseStepOf(CE_RISK_ESCALATED, { escalationId: 'e', country: 'MLI', newLevel: 'RISK_LEVEL_HIGH', at: '2026-01-01T00:00:00Z' }, raised)).toMatchObject({ at: raised.toISOString() });
    expect(responseStepOf(CE_MEDIATION_PROPOSED, { processId: 'p', triggeredByEscalationId: 'e', country: 'MLI', proposedAt: '2026-01-01T01:00:00Z' }, t0)).toMatchObject({ step: 'proposed', escalationId: 'e', processId: 'p' });
    expect(responseStepOf(CE_MEDIATION_PROPOSED, { processId: 'p', triggeredByEscalationId: '', country: 'MLI' }, t0)).toBeUndefined();
    expect(responseStepOf(CE_MEDIATION_OPENED, { processId: 'p', occurredAt: '2026-01-02T00:00:00Z' }, t0)).toMatchObject({ step: 'opened', processId: 'p' });
    // An escalation answered by the country's open process: its answer, and whether the process was open already.
    expect(responseStepOf(CE_ESCALATION_REFERRED, { escalationId: 'e2', processId: 'p', country: 'MLI', referredAt: '2026-01-03T00:00:00Z', processOpened: true }, t0)).toEqual({
      step: 'referred',
      escalationId: 'e2',
      processId: 'p',
      country: 'MLI',
      at: '2026-01-03T00:00:00Z',
      processOpened: true,
    });
  });

  it('counts from the escalation time, and waits for both ends', () => {
    const escalatedAt = new Date('2026-01-01T00:00:00Z');
    expect(responseDurations(row({ escalatedAt, proposedAt: new Date('2026-01-01T01:00:00Z') }))).toEqual({ toProposedMs: 3_600_000, toOpenedMs: null, toClosedUnopenedMs: null, toReversedMs: null });
    expect(responseDurations(row({ escalatedAt: null, proposedAt: new Date(), openedAt: new Date() }))).toEqual({ toProposedMs: null, toOpenedMs: null, toClosedUnopenedMs: null, toReversedMs: null });
  });

  it('ends the wait for an opening when the process is concluded, by process id', () => {
    expect(responseStepOf(CE_MEDIATION_CONCLUDED, { processId: 'p', outcome: 'MEDIATION_OUTCOME_WITHDRAWN', occurredAt: '2026-01-02T00:00:00Z' }, t0)).toEqual({ step: 'concluded', processId: 'p', at: '2026-01-02T00:00:00Z' });
    const proposed = row({ proposedAt: new Date('2026-01-01T01:00:00Z'), closedUnopenedAt: new Date('2026-01-01T03:00:00Z') });
    expect(responseDurations(proposed)).toEqual({ toProposedMs: 3_600_000, toOpenedMs: null, toClosedUnopenedMs: 10_800_000, toReversedMs: null });
  });

  it('tells a response pending from one that will never come, where every unopened one read as pending', () => {
    const proposedAt = new Date('2026-01-01T01:00:00Z');
    expect(responseStatus(row({}))).toBe('awaiting-proposal');
    expect(responseStatus(row({ proposedAt }))).toBe('awaiting-opening');
    expect(responseStatus(row({ proposedAt, openedAt: new Date('2026-01-01T02:00:00Z') }))).toBe('opened');
    expect(responseStatus(row({ proposedAt, closedUnopenedAt: new Date('2026-01-01T02:00:00Z') }))).toBe('closed-unopened');
    // Below high, mediation answers nothing by design; an answer all the same is shown as it came.
    expect([0, 1, 2].map((level) => responseStatus(row({ level })))).toEqual(['not-warranted', 'not-warranted', 'not-warranted']);
    expect(responseStatus(row({ level: 2, proposedAt }))).toBe('awaiting-opening');
    expect(responseStatus(row({ level: 4 }))).toBe('awaiting-proposal');
    // Known only from mediation's answer so far: its escalation's level is still to come.
    expect(responseStatus(row({ level: null, escalatedAt: null }))).toBe('awaiting-proposal');
  });

  it('gives an answer that came after its process was opened or closed what became of the process, where it awaited opening for ever', () => {
    const referredAt = new Date('2026-01-01T01:00:00Z');
    const at = (h: number) => new Date(`2026-01-01T0${h}:00:00Z`);
    expect(answerAfterFate(referredAt, { openedAt: null, concludedAt: null })).toEqual({ openedAt: null, closedUnopenedAt: null });
    expect(answerAfterFate(referredAt, { openedAt: null, concludedAt: at(3) })).toEqual({ openedAt: null, closedUnopenedAt: at(3) });
    // Opened, then concluded: an opening all the same.
    expect(answerAfterFate(referredAt, { openedAt: at(2), concludedAt: at(3) })).toEqual({ openedAt: at(2), closedUnopenedAt: null });
    // Opened before the referral: the escalation had an open process from its answer on, not before.
    expect(answerAfterFate(referredAt, { openedAt: at(0), concludedAt: null })).toEqual({ openedAt: referredAt, closedUnopenedAt: null });
  });
});

describe('de-escalations', () => {
  const raised = new Date('2026-01-03T14:03:00Z');
  const deesc = (over: Partial<Deescalation> = {}): Deescalation => ({ escalationId: 'KEN/-/2026-01-01/critical', country: 'KEN', admin1: '', level: 1, at: raised, ...over });
  const escalation = (over: Partial<EscalationSeen> = {}): EscalationSeen => ({ escalationId: 'KEN/-/2026-01-01/critical', country: 'KEN', admin1: '', level: 4, raisedAt: new Date('2026-01-01T07:00:00Z'), ...over });

  it('reads the area, the level fallen to, the escalation named and when it was raised from RiskDeescalated', () => {
    // Given a RiskDeescalated as proto JSON, dated the day it assessed, raised in the afternoon
    const payload = { escalationId: 'KEN/-/2026-01-01/critical', country: 'KEN', previousLevel: 'RISK_LEVEL_CRITICAL', newLevel: 'RISK_LEVEL_LOW', score: 12, at: '2026-01-03T00:00:00Z' };
    // When it is read
    const d = deescalationOf(CE_RISK_DEESCALATED, payload, raised);
    // Then it names the escalation, the level (low) and the event's own time, as an escalation is counted
    expect(d).toEqual({ escalationId: 'KEN/-/2026-01-01/critical', country: 'KEN', admin1: '', level: 1, at: raised });
    // And other events, or one of no level (that would read as below everything), are none
    expect(deescalationOf(CE_RISK_ESCALATED, payload, raised)).toBeUndefined();
    expect(deescalationOf(CE_RISK_DEESCALATED, { ...payload, newLevel: undefined }, raised)).toBeUndefined();
    expect(deescalationOf(CE_RISK_DEESCALATED, { ...payload, country: 'Kenya' }, raised)).toBeUndefined();
  });

  it('reverses the escalation it names when it takes the area below its level, where the alert stayed critical and the response awaited for ever', () => {
    // Given Kenya escalated to critical, when it is de-escalated to low naming that escalation
    // Then the escalation is reversed
    expect(reverses(deesc(), escalation())).toBe(true);
    // And one to high still, below critical, partly reverses it
    expect(reverses(deesc({ level: 3 }), escalation())).toBe(true);
    // But a de-escalation that leaves the area at (or above) the escalation's level does not
    expect(reverses(deesc({ level: 3 }), escalation({ level: 3 }))).toBe(false);
    // And the named escalation is reversed before its level is known (its event still to come)
    expect(reverses(deesc(), escalation({ level: null, raisedAt: null }))).toBe(true);
  });

  it("reverses the area's other escalations raised before it that it falls below, as early-warning names only the oldest", () => {
    // Given Kenya went elevated → high (e2) → critical (e3), and falls back to low naming e1 (low → elevated)
    const d = deesc({ escalationId: 'e1' });
    // Then the high and critical escalations are reversed too
    expect(reverses(d, escalation({ escalationId: 'e2', level: 3 }))).toBe(true);
    expect(reverses(d, escalation({ escalationId: 'e3', level: 4 }))).toBe(true);
    // But not another area's, nor the country's for a province's de-escalation
    expect(reverses(d, escalation({ escalationId: 'e4', country: 'UGA' }))).toBe(false);
    expect(reverses(deesc({ escalationId: 'e1', admin1: 'Turkana' }), escalation({ escalationId: 'e3' }))).toBe(false);
    // Nor an escalation raised after it (a re-escalation, when the de-escalation is redriven late)
    expect(reverses(d, escalation({ escalationId: 'e5', raisedAt: new Date(raised.getTime() + 1) }))).toBe(false);
    // Nor one known only from mediation's answer, with no time to compare
    expect(reverses(d, escalation({ escalationId: 'e6', level: null, raisedAt: null }))).toBe(false);
  });

  it('ends the wait for a response its area fell back from before a process was opened, as reversed', () => {
    const reversedAt = new Date('2026-01-01T03:00:00Z');
    const proposedAt = new Date('2026-01-01T01:00:00Z');
    // Given escalations to critical reversed to low before any process was opened
    // Then none is pending: not the one awaiting its proposal, nor the one awaiting its opening
    expect(responseStatus(row({ level: 4, reversedAt, reversedToLevel: 1 }))).toBe('reversed');
    expect(responseStatus(row({ level: 4, proposedAt, reversedAt, reversedToLevel: 1 }))).toBe('reversed');
    expect(responseDurations(row({ level: 4, reversedAt, reversedToLevel: 1 }))).toMatchObject({ toReversedMs: 10_800_000 });
    // But a process opened is the response, whatever the area did since
    expect(responseStatus(row({ proposedAt, openedAt: new Date('2026-01-01T02:00:00Z'), reversedAt, reversedToLevel: 1 }))).toBe('opened');
    // And whichever ended the wait first says what became of it
    expect(responseStatus(row({ proposedAt, closedUnopenedAt: new Date('2026-01-01T02:00:00Z'), reversedAt, reversedToLevel: 1 }))).toBe('closed-unopened');
    expect(responseStatus(row({ proposedAt, closedUnopenedAt: new Date('2026-01-01T04:00:00Z'), reversedAt, reversedToLevel: 1 }))).toBe('reversed');
    // And one below mediation's level was never due: it stays not-warranted
    expect(responseStatus(row({ level: 2, reversedAt, reversedToLevel: 1 }))).toBe('not-warranted');
    // And a reversal kept before its escalation came counts once the level is known to be above it
    expect(responseStatus(row({ level: null, escalatedAt: null, reversedAt, reversedToLevel: 1 }))).toBe('awaiting-proposal');
    expect(responseStatus(row({ level: 1, reversedAt, reversedToLevel: 1 }))).toBe('not-warranted');
  });
});

function row(over: Partial<ResponseRow>): ResponseRow {
  return { escalationId: 'e', level: 3, escalatedAt: new Date('2026-01-01T00:00:00Z'), proposedAt: null, openedAt: null, closedUnopenedAt: null, reversedAt: null, reversedToLevel: null, ...over };
}

describe('alert workflow', () => {
  it('acknowledges once, allows assign and comment until closed, and nothing after', () => {
    expect(nextStatus('open', 'acknowledge')).toBe('acknowledged');
    expect(nextStatus('acknowledged', 'acknowledge')).toEqual({ error: expect.any(String) });
    expect(nextStatus('open', 'assign')).toBe('open');
    expect(nextStatus('acknowledged', 'comment')).toBe('acknowledged');
    expect(nextStatus('acknowledged', 'close')).toBe('closed');
    expect(nextStatus('closed', 'comment')).toEqual({ error: expect.any(String) });
  });
});
