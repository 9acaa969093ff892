import { describe, expect, it } from 'vitest';
import { MEDIATION_ERRORS as E } from './mediation.errors';
import type { MediationEvent } from './mediation.events';
import { PRE_TALKS_MARGIN_DAYS } from './mediation-decide';
import { rehydrate } from './mediation-process';
import { ACTOR, given, NOW } from './testing/given-when-then';
import { HISTORIES, opened, proposed, talksConvened, envoyAppointed } from './testing/fixtures';

const envoy = { name: ' A. Envoy ', role: 'special envoy', organization: 'UN', gender: 'female' } as const;

describe('propose', () => {
  it('with no history → MediationProposed carrying the escalation, drivers and parties', () => {
    given()
      .when({
        type: 'Propose',
        country: 'NER',
        admin1: ' Tillabéri ',
        situation: '',
        region: 'africa',
        track: 'good_offices',
        lead: 'srsg',
        drivers: [{ kind: 'battles', label: 'Battles', area: '', count: 3, weight: 1 }],
        escalation: { escalationId: 'esc-9', level: 'critical', escalatedAt: '2026-03-10T06:00:00Z' },
        parties: [{ name: 'Government of Niger', kind: 'government' }],
      })
      .then({
        type: 'MediationProposed',
        processId: 'id-1',
        at: NOW.toISOString(),
        actor: ACTOR,
        country: 'NER',
        admin1: 'Tillabéri',
        situation: null,
        region: 'africa',
        track: 'good_offices',
        lead: 'srsg',
        drivers: [{ kind: 'battles', label: 'Battles', area: null, count: 3, weight: 1 }],
        escalation: { escalationId: 'esc-9', level: 'critical', escalatedAt: '2026-03-10T06:00:00.000Z' },
        parties: [{ partyId: 'id-2', name: 'Government of Niger', kind: 'government' }],
      });
  });

  it('refuses an optional text of no visible character, as a required one is refused, and takes a blank one as not given', () => {
    const proposal = { type: 'Propose', country: 'NER', region: 'africa', track: 'good_offices', lead: 'srsg' } as const;
    given().when({ ...proposal, situation: '\u200b', admin1: '\u00a0\u200b' }).thenRejects('admin1', 'situation');
    given().when({ ...proposal, situation: ' ', admin1: '' }).then({ type: 'MediationProposed', situation: null, admin1: null });
    // A driver is evidence: one of no visible area is of the whole area, not left out.
    given()
      .when({ ...proposal, drivers: [{ kind: 'battles', label: 'Battles', area: '\u200b', count: 3, weight: 1 }] })
      .then({ type: 'MediationProposed', drivers: [{ kind: 'battles', label: 'Battles', area: null, count: 3, weight: 1 }] });
  });

  it('rejects bad input naming every field (invalid)', () => {
    given()
      .when({
        type: 'Propose',
        country: 'Mali',
        region: ' ',
        track: 'shuttle' as never,
        lead: 'president' as never,
        drivers: [{ kind: 'x', label: '', area: '', count: -1, weight: Number.NaN }],
        parties: [
          { name: 'A', kind: 'government' },
          { name: 'a', kind: 'government' },
        ],
        escalation: { escalationId: '', level: 'extreme' as never, escalatedAt: 'yesterday' },
      })
      .thenRejects(
        'country',
        'region',
        'track',
        'lead',
        'drivers[0].count',
        'drivers[0].weight',
        'parties[1]',
        'escalation.escalationId',
        'escalation.level',
        'escalation.escalatedAt',
      );
  });

  it('carries drivers weighted outside 0..1 by a context adjustment (after an agreement, the agreement lowered the score)', () => {
    const drivers = [
      { kind: 'battles', label: 'Battles', area: null, count: 14, weight: 1.1613 },
      { kind: 'agreement_reached', label: 'Mediation agreement in force', area: null, count: 0, weight: -0.1613 },
    ];
    given()
      .when({ type: 'Propose', country: 'MLI', region: 'africa', track: 'good_offices', lead: 'special_envoy', drivers })
      .then({ type: 'MediationProposed', drivers });
  });

  it('refuses a driver weight that is no number, naming the driver (invalid)', () => {
    const err = given()
      .when({
        type: 'Propose',
        country: 'MLI',
        region: 'africa',
        track: 'good_offices',
        lead: 'special_envoy',
        drivers: [
          { kind: 'battles', label: '', area: '', count: 1, weight: 0.5 },
          { kind: 'protests', label: '', area: '', count: 1, weight: Number.POSITIVE_INFINITY },
        ],
      })
      .thenRejects('drivers[1].weight');
    expect(err.violations).toEqual([{ field: 'drivers[1].weight', reason: 'must be a finite number' }]);
  });
});

describe('activate', () => {
  it('opens the process and appoints its first envoy', () => {
    const outcome = given(proposed()).when({ type: 'Activate', mandate: ' SC res ', envoy }, { actor: 'approver-1' });
    outcome.then(
      { type: 'MediationOpened', mandate: 'SC res', actor: 'approver-1' },
      { type: 'EnvoyAppointed', envoy: { envoyId: 'id-1', name: 'A. Envoy', gender: 'female', appointedAt: NOW.toISOString() } },
    );
    expect(outcome.state).toMatchObject({ status: 'active', activatedAt: NOW.toISOString(), mandate: 'SC res' });
  });

  it('rejects a missing mandate and an incomplete envoy', () => {
    given(proposed())
      .when({ type: 'Activate', mandate: '', envoy: { name: '', role: 'r', organization: '', gender: 'n/a' as never } })
      .thenRejects('mandate', 'envoy.name', 'envoy.organization', 'envoy.gender');
  });
});

describe('sessions', () => {
  const active = HISTORIES.active;
  it('numbers rounds and keeps the participant counts', () => {
    given(...active, talksConvened(1))
      .when({
        type: 'RecordSession',
        heldAt: '2026-03-09T09:00:00Z',
        place: 'Niamey',
        partyIds: ['party-wo'],
        participants: [
          { gender: 'female', ageGroup: 'youth', count: 3 },
          { gender: 'male', ageGroup: 'older', count: 0 },
        ],
      })
      .then({
        type: 'TalksConvened',
        session: { sessionId: 'id-1', round: 2, place: 'Niamey', partyIds: ['party-wo'], participants: [{ gender: 'female', ageGroup: 'youth', count: 3 }] },
      });
  });

  it('keeps the earliest session date as the first session', () => {
    const state = rehydrate([...active, talksConvened(1, '2026-03-05T00:00:00.000Z'), talksConvened(2, '2026-03-04T00:00:00.000Z')]);
    expect(state?.firstSessionAt).toBe('2026-03-04T00:00:00.000Z');
  });

  it('rejects future dates, unknown parties, bad and duplicate counts', () => {
    given(...active)
      .when({
        type: 'RecordSession',
        heldAt: '2026-03-11T00:00:00Z',
        place: '',
        partyIds: ['party-x'],
        participants: [
          { gender: 'female', ageGroup: 'adult', count: 0 },
          { gender: 'female', ageGroup: 'adult', count: 1.5 },
          { gender: 'robot' as never, ageGroup: 'child' as never, count: 0 },
        ],
      })
      .thenRejects('heldAt', 'place', 'partyIds[0]', 'participants[1]', 'participants[1].count', 'participants[2].gender', 'participants[2].ageGroup');
  });

  it('refuses a party listed twice as present, naming each repeat, where it was stored as present twice', () => {
    const err = given(...active)
      .when({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: 'Niamey', partyIds: ['party-wo', 'party-gov', 'party-wo', 'party-wo'], participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] })
      .thenRejects('partyIds[2]', 'partyIds[3]');
    expect(err.violations.map((v) => v.reason)).toEqual(['is listed twice', 'is listed twice']);
  });

  const session = (heldAt: string) => ({ type: 'RecordSession', heldAt, place: 'Niamey', participants: [{ gender: 'female', ageGroup: 'adult', count: 1 }] }) as const;

  it('records a session held at a date-time with offset as the instant meant', () => {
    given(...active).when(session('2026-03-09T09:00:00Z')).then({ type: 'TalksConvened', session: { heldAt: '2026-03-09T09:00:00.000Z' } });
    given(...active).when(session('2026-03-09T09:00:00+02:00')).then({ type: 'TalksConvened', session: { heldAt: '2026-03-09T07:00:00.000Z' } });
  });

  it('refuses a session on a day that does not exist rather than moving it to March', () => {
    const err = given(...active).when(session('2026-02-30T09:00:00Z')).thenRejects('heldAt');
    expect(err.violations[0].reason).toBe('is not a real date: 2026-02-30 does not exist');
  });

  it('refuses a session dated before 1900 (a typo year), and records talks held before the activation as they were', () => {
    const err = given(...active).when(session('1800-03-09T09:00:00Z')).thenRejects('heldAt');
    expect(err.violations[0].reason).toBe('must be on or after 1900-01-01');
    given(...active).when(session('2026-03-01T09:00:00Z')).then({ type: 'TalksConvened', session: { heldAt: '2026-03-01T09:00:00.000Z' } });
  });

  it(`records pre-talks held up to ${PRE_TALKS_MARGIN_DAYS} days before the proposal, and refuses a session held earlier (another process's, or a typo year)`, () => {
    // Proposed 2026-03-01T10:00Z (fixtures): the margin reaches back to 2025-03-01T10:00Z.
    given(...active).when(session('2025-03-01T10:00:00Z')).then({ type: 'TalksConvened', session: { heldAt: '2025-03-01T10:00:00.000Z' } });
    const err = given(...active).when(session('2020-03-01T09:00:00Z')).thenRejects('heldAt');
    expect(err.violations[0].reason).toBe(`must be no more than ${PRE_TALKS_MARGIN_DAYS} days before the process was proposed (2026-03-01T10:00:00.000Z)`);
    given(...active).when(session('2025-03-01T09:59:59Z')).thenRejects('heldAt');
  });

  it('numbers a session held before those recorded by when it was held, not when it was recorded', () => {
    const outcome = given(...active, talksConvened(1, '2026-03-08T09:00:00.000Z')).when(session('2026-03-04T09:00:00Z'));
    outcome.then({ type: 'TalksConvened', session: { heldAt: '2026-03-04T09:00:00.000Z', round: 1 } });
    expect(outcome.state?.sessions.map((s) => [s.round, s.heldAt])).toEqual([
      [1, '2026-03-04T09:00:00.000Z'],
      [2, '2026-03-08T09:00:00.000Z'],
    ]);
    expect(outcome.state?.firstSessionAt).toBe('2026-03-04T09:00:00.000Z');
  });

  it('numbers sessions held at the same time in the order they were recorded', () => {
    const outcome = given(...active, talksConvened(1, '2026-03-04T09:00:00.000Z')).when(session('2026-03-04T09:00:00Z'));
    outcome.then({ type: 'TalksConvened', session: { sessionId: 'id-1', round: 2 } });
    expect(outcome.state?.sessions.map((s) => [s.round, s.sessionId])).toEqual([
      [1, 'session-1'],
      [2, 'id-1'],
    ]);
  });

  it('renumbers by when they were held the sessions of a history that numbered them by recording', () => {
    // Recorded as round 2 before this rule, though held first.
    const state = rehydrate([...active, talksConvened(1, '2026-03-08T09:00:00.000Z'), talksConvened(2, '2026-03-04T09:00:00.000Z')]);
    expect(state?.sessions.map((s) => [s.round, s.sessionId])).toEqual([
      [1, 'session-2'],
      [2, 'session-1'],
    ]);
  });

  it('refuses a session time without offset rather than reading it in the server time zone', () => {
    const err = given(...active).when(session('2026-03-04T09:00')).thenRejects('heldAt');
    expect(err.violations[0].reason).toBe('must be an ISO 8601 date-time with a time zone offset (Z or ±hh:mm), e.g. 2026-03-04T09:00:00Z');
  });

  it('rejects an empty participant list', () => {
    given(...active).when({ type: 'RecordSession', heldAt: '2026-03-09T09:00:00Z', place: 'Niamey', participants: [] }).thenRejects('participants');
  });
});

describe('agreements', () => {
  it('records kind, provisions with their gender and youth flags, and signatories', () => {
    given(...HISTORIES.active)
      .when({
        type: 'RecordAgreement',
        kind: 'comprehensive',
        title: 'Peace agreement',
        signedAt: '2026-03-09T00:00:00Z',
        provisions: [{ topic: 'youth', text: 'Youth councils', addressesGender: false, addressesYouth: true }],
        signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
      })
      .then({
        type: 'AgreementReached',
        agreement: {
          agreementId: 'id-1',
          kind: 'comprehensive',
          signedAt: '2026-03-09T00:00:00.000Z',
          provisions: [{ topic: 'youth', text: 'Youth councils', addressesGender: false, addressesYouth: true }],
          signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
        },
      });
  });

  const signedAt = (at: string) =>
    ({
      type: 'RecordAgreement',
      kind: 'ceasefire',
      title: 'Ceasefire',
      signedAt: at,
      provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender: false, addressesYouth: false }],
      signatories: [{ name: 'Leader', role: 'party', organization: 'Movement' }],
    }) as const;

  it('records the signing at the instant meant by its offset', () => {
    given(...HISTORIES.active).when(signedAt('2026-03-09T09:00:00+02:00')).then({ type: 'AgreementReached', agreement: { signedAt: '2026-03-09T07:00:00.000Z' } });
  });

  it('refuses a signing date that does not exist, or a signing time without offset', () => {
    given(...HISTORIES.active).when(signedAt('2026-02-29T09:00:00Z')).thenRejects('signedAt');
    given(...HISTORIES.active).when(signedAt('2026-03-05T09:00:00')).thenRejects('signedAt');
  });

  it('refuses a signing before 1900, where one before year 1 in UTC failed in the database with nothing said of the field', () => {
    for (const at of ['0001-01-01T00:00:00+01:00', '1899-12-31T23:59:59Z']) {
      const err = given(...HISTORIES.active).when(signedAt(at)).thenRejects('signedAt');
      expect(err.violations[0].reason, at).toBe('must be on or after 1900-01-01');
    }
  });

  it(`records an agreement signed up to ${PRE_TALKS_MARGIN_DAYS} days before the proposal, as pre-talks, and refuses one signed earlier`, () => {
    // Proposed 2026-03-01T10:00Z (fixtures): the margin reaches back to 2025-03-01T10:00Z.
    given(...HISTORIES.active).when(signedAt('2025-03-01T10:00:00Z')).then({ type: 'AgreementReached', agreement: { signedAt: '2025-03-01T10:00:00.000Z' } });
    for (const at of ['2025-03-01T09:59:59Z', '1900-01-01T00:00:00Z']) {
      const err = given(...HISTORIES.active).when(signedAt(at)).thenRejects('signedAt');
      expect(err.violations[0].reason, at).toBe(`must be no more than ${PRE_TALKS_MARGIN_DAYS} days before the process was proposed (2026-03-01T10:00:00.000Z)`);
    }
  });

  it('rejects an agreement without provisions or signatories, of an unknown kind, signed in the future', () => {
    given(...HISTORIES.active)
      .when({ type: 'RecordAgreement', kind: 'truce' as never, title: ' ', signedAt: '2027-01-01T00:00:00Z', provisions: [], signatories: [] })
      .thenRejects('kind', 'title', 'signedAt', 'provisions', 'signatories');
  });
});

describe('suspend, resume, conclude, close', () => {
  it('suspend keeps the reason; resume clears back to active with its own reason', () => {
    const s = given(...HISTORIES.active).when({ type: 'Suspend', reason: ' Fighting ' });
    s.then({ type: 'MediationSuspended', reason: 'Fighting' });
    expect(s.state).toMatchObject({ status: 'suspended', statusReason: 'Fighting' });
    const r = given(...HISTORIES.suspended).when({ type: 'Resume', reason: 'Calm' });
    expect(r.state).toMatchObject({ status: 'active', statusReason: 'Calm' });
  });

  it('requires reasons', () => {
    given(...HISTORIES.active).when({ type: 'Suspend', reason: '' }).thenRejects('reason');
    given(...HISTORIES.suspended).when({ type: 'Resume', reason: ' ' }).thenRejects('reason');
    given(...HISTORIES.proposed).when({ type: 'Close', reason: '' }).thenRejects('reason');
  });

  it('concludes with an outcome; "agreement" needs a recorded agreement', () => {
    const c = given(...HISTORIES.active).when({ type: 'Conclude', outcome: 'handed_over', reason: 'AU took over' });
    c.then({ type: 'MediationConcluded', outcome: 'handed_over', reason: 'AU took over' });
    expect(c.state).toMatchObject({ status: 'concluded', outcome: 'handed_over', endedAt: NOW.toISOString() });
    given(...HISTORIES.active).when({ type: 'Conclude', outcome: 'agreement', reason: 'Signed' }).thenRejects('outcome');
    given(...HISTORIES.active).when({ type: 'Conclude', outcome: 'victory' as never, reason: 'x' }).thenRejects('outcome');
  });

  it('closes a proposal that is not taken up', () => {
    const c = given(...HISTORIES.proposed).when({ type: 'Close', reason: 'Government declined' });
    expect(c.state).toMatchObject({ status: 'closed', statusReason: 'Government declined', endedAt: NOW.toISOString() });
  });
});

describe('parties and envoys', () => {
  it('refuses the same party twice (conflict)', () => {
    given(proposed()).when({ type: 'AddParty', name: 'women of mopti', kind: 'womens_organisation' }).thenFails(E.PARTY_ALREADY_ADDED, 'conflict');
  });

  it('rejects a party of an unknown kind', () => {
    given(proposed()).when({ type: 'AddParty', name: 'X', kind: 'militia' as never }).thenRejects('kind');
  });

  it('rejects a party whose name has no visible character (a no-break space and a zero-width space), naming the field', () => {
    const err = given(proposed()).when({ type: 'AddParty', name: '\u00a0\u200b', kind: 'womens_organisation' }).thenRejects('name');
    expect(err.violations).toEqual([{ field: 'name', reason: 'must have a visible character' }]);
  });

  it('appoints further envoys', () => {
    const out = given(proposed(), opened(), envoyAppointed()).when({ type: 'AppointEnvoy', envoy: { ...envoy, name: 'B. Deputy', role: 'deputy envoy' } });
    expect(out.state?.envoys.map((e) => e.envoyId)).toEqual(['envoy-1', 'id-1']);
  });
});

describe('de-escalation', () => {
  it('is recorded on the open process history', () => {
    const out = given(proposed()).when({ type: 'RecordDeescalation', escalationId: 'esc-1', level: 'elevated', deescalatedAt: '2026-03-09T00:00:00Z' });
    out.then({ type: 'DeescalationRecorded', escalationId: 'esc-1', level: 'elevated', deescalatedAt: '2026-03-09T00:00:00.000Z' });
    expect(out.state?.deescalations).toEqual([{ escalationId: 'esc-1', level: 'elevated', at: '2026-03-09T00:00:00.000Z' }]);
    expect(out.state?.status).toBe('proposed');
  });

  it('rejects an unknown level', () => {
    given(proposed()).when({ type: 'RecordDeescalation', escalationId: 'e', level: 'none' as never, deescalatedAt: 'x' }).thenRejects('level', 'deescalatedAt');
  });
});

describe('rehydrate', () => {
  it('is null for no history and refuses a history that does not start with a proposal', () => {
    expect(rehydrate([])).toBeNull();
    expect(() => rehydrate([opened()] as MediationEvent[])).toThrow(/before MediationProposed/);
  });
});
