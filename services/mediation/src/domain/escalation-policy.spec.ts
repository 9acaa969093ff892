import { describe, expect, it } from 'vitest';
import { processAnswering, proposalFor, type Escalation, type OpenProcess } from './escalation-policy';
import { given } from './testing/given-when-then';

/**
 * What early-warning sends once a mediation agreement lowers the score: weights as shares of the
 * lowered score, drivers of the whole country (area null; '' on the wire, risk.consumer.ts).
 */
const afterAnAgreement: Escalation = {
  escalationId: 'MLI/-/2026-03-09/high',
  country: 'MLI',
  admin1: null,
  level: 'high',
  drivers: [
    { kind: 'battles', label: 'Battles', area: null, count: 14, weight: 1.1613 },
    { kind: 'agreement_reached', label: 'Mediation agreement in force', area: null, count: 0, weight: -0.1613 },
  ],
  at: '2026-03-09T00:00:00.000Z',
};

describe('an escalation', () => {
  it('after an agreement proposes a process carrying its drivers as early-warning weighted them', () => {
    given()
      .when(proposalFor(afterAnAgreement, 'africa'))
      .then({
        type: 'MediationProposed',
        country: 'MLI',
        situation: 'Risk escalated to high: Battles, Mediation agreement in force',
        drivers: afterAnAgreement.drivers,
        escalation: { escalationId: 'MLI/-/2026-03-09/high', level: 'high', escalatedAt: '2026-03-09T00:00:00.000Z' },
      });
  });

  it('with a driver that is no number still proposes a process, without that driver', () => {
    const broken = { kind: 'protests', label: 'Protests', area: null, count: 2, weight: Number.NaN };
    const [proposed] = given()
      .when(proposalFor({ ...afterAnAgreement, drivers: [...afterAnAgreement.drivers, broken] }, 'africa'))
      .then({ type: 'MediationProposed', situation: 'Risk escalated to high: Battles, Mediation agreement in force' });
    expect(proposed.type === 'MediationProposed' && proposed.drivers).toEqual(afterAnAgreement.drivers);
  });

  it('in an area named with no letter or digit (a zero-width space) proposes the country\'s process, as it is the country\'s to cover, where the proposal refused it', () => {
    given()
      .when(proposalFor({ ...afterAnAgreement, admin1: '\u200b' }, 'africa'))
      .then({ type: 'MediationProposed', country: 'MLI', admin1: null });
  });

  it('in an area with the longest name early-warning takes still proposes a process', () => {
    const admin1 = 'A'.repeat(200);
    const escalationId = `MLI/${admin1}/2026-03-09/elevated`;
    given()
      .when(proposalFor({ ...afterAnAgreement, admin1, escalationId }, 'africa'))
      .then({ type: 'MediationProposed', admin1, escalation: { escalationId, level: 'high', escalatedAt: afterAnAgreement.at } });
  });
});

describe('the open process that answers an escalation', () => {
  const niger = (admin1: string | null): Escalation => ({ ...afterAnAgreement, escalationId: `NER/${admin1 ?? '-'}/2026-03-09/critical`, country: 'NER', admin1, level: 'critical' });
  const tillaberi: OpenProcess = { id: 'tillaberi', admin1: 'Tillabéri', opened: true };
  const national: OpenProcess = { id: 'national', admin1: null, opened: false };

  it('is none for the country, or another admin1, where only an admin1 has a process: each gets a proposal of its own', () => {
    expect(processAnswering([tillaberi], niger(null))).toBeUndefined();
    expect(processAnswering([tillaberi], niger('Diffa'))).toBeUndefined();
  });

  it('is the admin1\'s own process however the escalation spells the admin1', () => {
    expect(processAnswering([tillaberi], niger('TILLABERI'))?.id).toBe('tillaberi');
  });

  it('is a national process for the country and any of its admin1s', () => {
    expect(processAnswering([national], niger(null))?.id).toBe('national');
    expect(processAnswering([national], niger('Diffa'))?.id).toBe('national');
  });

  it('is an opened process before a proposal never taken up, then the admin1\'s own before the national one', () => {
    const proposedTillaberi = { ...tillaberi, id: 'proposed-tillaberi', opened: false };
    expect(processAnswering([{ ...national, opened: true }, tillaberi], niger('Tillaberi'))?.id).toBe('tillaberi');
    expect(processAnswering([{ ...national, opened: true }, proposedTillaberi], niger('Tillaberi'))?.id).toBe('national');
    expect(processAnswering([national, proposedTillaberi], niger('Tillaberi'))?.id).toBe('proposed-tillaberi');
  });
});
