import { describe, expect, it } from 'vitest';
import { MEDIATION_ERRORS as E } from './mediation.errors';
import { given } from './testing/given-when-then';
import { agreementReached, HISTORIES, talksConvened } from './testing/fixtures';

/*
 * A record the process holds, sent again (two officers at once, whose commands are decided one after
 * the other; a resend after a lost answer without an Idempotency-Key), is refused; anything that
 * tells it apart is another record.
 */
const session = (heldAt: string, place: string) =>
  ({ type: 'RecordSession', heldAt, place, participants: [{ gender: 'female', ageGroup: 'adult', count: 2 }] }) as const;

const agreement = (title: string, signedAt: string, kind: 'ceasefire' | 'framework' = 'ceasefire') =>
  ({
    type: 'RecordAgreement',
    kind,
    title,
    signedAt,
    provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }],
    signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
  }) as const;

describe('a session recorded twice', () => {
  const held = [...HISTORIES.active, talksConvened(1, '2026-03-04T09:00:00.000Z')];

  it('refuses the same talks (same time, same place however written), naming the round it holds', () => {
    const err = given(...held).when(session('2026-03-04T11:00:00+02:00', ' bamako ')).thenFails(E.SESSION_ALREADY_RECORDED, 'conflict');
    expect(err.message).toBe('a session held at 2026-03-04T09:00:00.000Z in Bamako is already recorded (round 1)');
  });

  it('records talks at the same place at another time, or at the same time elsewhere', () => {
    given(...held).when(session('2026-03-05T09:00:00Z', 'Bamako')).then({ type: 'TalksConvened', session: { round: 2 } });
    given(...held).when(session('2026-03-04T09:00:00Z', 'Mopti')).then({ type: 'TalksConvened', session: { place: 'Mopti' } });
  });
});

describe('an agreement recorded twice', () => {
  const signed = [...HISTORIES.active, agreementReached()];

  it('refuses the same agreement (kind, title however cased, signing instant)', () => {
    given(...signed).when(agreement(' MOPTI CEASEFIRE ', '2026-03-05T10:00:00+01:00')).thenFails(E.AGREEMENT_ALREADY_RECORDED, 'conflict');
  });

  it('records one of another kind, title or signing time', () => {
    given(...signed).when(agreement('Mopti ceasefire', '2026-03-06T09:00:00Z')).then({ type: 'AgreementReached' });
    given(...signed).when(agreement('Mopti ceasefire, second phase', '2026-03-05T09:00:00Z')).then({ type: 'AgreementReached' });
    given(...signed).when(agreement('Mopti ceasefire', '2026-03-05T09:00:00Z', 'framework')).then({ type: 'AgreementReached' });
  });
});

describe('an envoy appointed twice', () => {
  it('refuses the envoy the process already has (name, role and organisation, however cased), and appoints another', () => {
    given(...HISTORIES.active)
      .when({ type: 'AppointEnvoy', envoy: { name: 'a. envoy', role: 'Special Envoy', organization: 'un', gender: 'female' } })
      .thenFails(E.ENVOY_ALREADY_APPOINTED, 'conflict');
    given(...HISTORIES.active)
      .when({ type: 'AppointEnvoy', envoy: { name: 'B. Deputy', role: 'deputy envoy', organization: 'UN', gender: 'male' } })
      .then({ type: 'EnvoyAppointed', envoy: { name: 'B. Deputy' } });
  });
});
