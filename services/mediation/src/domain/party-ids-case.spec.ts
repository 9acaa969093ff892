import { describe, expect, it } from 'vitest';
import { given } from './testing/given-when-then';
import { envoyAppointed, opened, proposed } from './testing/fixtures';

const PARTY = '0b9c5c1e-7f3a-4d2b-9e61-5a0c2f7d4e10';
const active = [proposed({ parties: [{ partyId: PARTY, name: 'Government of Mali', kind: 'government' }] }), opened(), envoyAppointed()];
const session = (partyIds: string[]) =>
  ({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: 'Bamako', partyIds, participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] }) as const;

describe('party ids of a session, in either case', () => {
  it("takes a party's id in capitals as the party's, and holds it as the process does, where it was 'not a party of this process'", () => {
    given(...active).when(session([PARTY.toUpperCase()])).then({ type: 'TalksConvened', session: { partyIds: [PARTY] } });
  });

  it('refuses the same id in two cases as listed twice, as the edge does', () => {
    const err = given(...active).when(session([PARTY, PARTY.toUpperCase()])).thenRejects('partyIds[1]');
    expect(err.violations).toEqual([{ field: 'partyIds[1]', reason: 'is listed twice' }]);
  });
});
