import { describe, expect, it } from 'vitest';
import { MEDIATION_ERRORS as E } from './mediation.errors';
import { readingOf } from './mediation.validation';
import { given } from './testing/given-when-then';
import { HISTORIES, proposed } from './testing/fixtures';

/** One name in three spellings that read the same: precomposed (NFC), decomposed (NFD), a double space. */
const NFC = 'Unión Cívica';
const SPELLINGS = [NFC, 'Unio\u0301n Ci\u0301vica', 'Unión  Cívica', ' UNIÓN\u00a0CÍVICA '];

describe('a party that reads the same as one of the process', () => {
  it('reads as one text whatever its composition, spaces or case', () => {
    expect(new Set(SPELLINGS.map(readingOf))).toEqual(new Set(['unión cívica']));
    expect(readingOf('Straße')).toBe(readingOf('STRASSE'));
    expect(readingOf('Unión Cívica')).not.toBe(readingOf('Union Civica'));
  });

  it('is refused (409 PARTY_ALREADY_ADDED) however it is spelt, where the NFD and double-spaced spellings were added as other parties', () => {
    const history = [proposed({ parties: [{ partyId: 'party-1', name: NFC, kind: 'civil_society' }] })];
    for (const name of SPELLINGS) given(...history).when({ type: 'AddParty', name, kind: 'civil_society' }).thenFails(E.PARTY_ALREADY_ADDED, 'conflict');
    // Another kind of the same name is another party.
    given(...history).when({ type: 'AddParty', name: SPELLINGS[1], kind: 'political_party' }).then({ type: 'PartyAdded' });
  });

  it('is refused in a proposal listing it twice in two spellings', () => {
    const err = given()
      .when({
        type: 'Propose',
        country: 'NIC',
        region: 'americas',
        track: 'good_offices',
        lead: 'srsg',
        parties: SPELLINGS.slice(0, 2).map((name) => ({ name, kind: 'civil_society' as const })),
      })
      .thenRejects('parties[1]');
    expect(err.violations).toEqual([{ field: 'parties[1]', reason: 'is listed twice' }]);
  });

  it('makes a session, agreement or envoy sent again in another spelling the same record', () => {
    const active = HISTORIES.active;
    const recorded = given(...active).when({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: 'León', participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] }).then({ type: 'TalksConvened' });
    given(...active, ...recorded)
      .when({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: 'Leo\u0301n', participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] })
      .thenFails(E.SESSION_ALREADY_RECORDED, 'conflict');
  });
});
