import { describe, expect, it } from 'vitest';
import { maxLength } from 'class-validator';
import { textLength } from './mediation.validation';
import { given } from './testing/given-when-then';
import { HISTORIES, proposed } from './testing/fixtures';

/** A character outside the Basic Multilingual Plane (CJK Extension B): one character, two UTF-16 units. */
const WIDE = '\u{20000}';

describe('text lengths, counted in characters as the edge counts them', () => {
  it('counts as class-validator MaxLength counts: code points, a variation selector with its character', () => {
    const samples = ['', 'Unión', WIDE.repeat(150), '❤\uFE0F'.repeat(3), '😀\uFE0F', 'a\uFE0E\uFE0F', '\uD800', `${WIDE}\uDC00`, 'e\u0301'];
    for (const s of samples) {
      const n = textLength(s);
      expect(maxLength(s, n), JSON.stringify(s)).toBe(true);
      if (n > 0) expect(maxLength(s, n - 1), JSON.stringify(s)).toBe(false);
    }
    expect(textLength(WIDE.repeat(150))).toBe(150);
  });

  it('adds a party of 150 characters outside the BMP, where 300 UTF-16 units were refused as over 200 characters; refuses 201', () => {
    given(proposed()).when({ type: 'AddParty', name: WIDE.repeat(150), kind: 'civil_society' }).then({ type: 'PartyAdded', party: { name: WIDE.repeat(150) } });
    given(proposed()).when({ type: 'AddParty', name: WIDE.repeat(200), kind: 'civil_society' }).then({ type: 'PartyAdded' });
    const err = given(proposed()).when({ type: 'AddParty', name: WIDE.repeat(201), kind: 'civil_society' }).thenRejects('name');
    expect(err.violations).toEqual([{ field: 'name', reason: 'must be at most 200 characters' }]);
  });

  it('counts characters in every text: a proposal, an envoy, a session, an agreement and a reason', () => {
    const wide = (n: number) => WIDE.repeat(n);
    given()
      .when({ type: 'Propose', country: 'MLI', admin1: wide(200), situation: wide(2000), region: 'africa', track: 'good_offices', lead: 'srsg', parties: [{ name: wide(200), kind: 'government' }] })
      .then({ type: 'MediationProposed' });
    const envoy = { name: wide(200), role: wide(200), organization: wide(200), gender: 'female' } as const;
    given(proposed()).when({ type: 'Activate', mandate: wide(2000), envoy }).then({ type: 'MediationOpened' }, { type: 'EnvoyAppointed' });
    given(...HISTORIES.active)
      .when({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: wide(200), participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] })
      .then({ type: 'TalksConvened' });
    given(...HISTORIES.active)
      .when({
        type: 'RecordAgreement',
        kind: 'ceasefire',
        title: wide(500),
        signedAt: '2026-03-09T00:00:00Z',
        provisions: [{ topic: wide(200), text: wide(10_000), addressesGender: false, addressesYouth: false }],
        signatories: [{ name: wide(200), role: 'party', organization: wide(200) }],
      })
      .then({ type: 'AgreementReached' });
    given(...HISTORIES.active).when({ type: 'Suspend', reason: wide(2000) }).then({ type: 'MediationSuspended' });
    given(...HISTORIES.active).when({ type: 'Suspend', reason: wide(2001) }).thenRejects('reason');
  });
});
