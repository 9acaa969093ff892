import type { MediationEvent } from '../mediation.events';

/** Events of one process's history, for `given(...)`. Written out so specs read like the history. */
export const PID = 'p-1';
type Ev<T extends MediationEvent['type']> = Extract<MediationEvent, { type: T }>;
const base = (at: string) => ({ processId: PID, at, actor: 'someone' });

export const proposed = (over: Partial<Ev<'MediationProposed'>> = {}): Ev<'MediationProposed'> => ({
  ...base('2026-03-01T10:00:00.000Z'),
  type: 'MediationProposed',
  country: 'MLI',
  admin1: 'Mopti',
  situation: 'Inter-communal violence in central Mali',
  region: 'africa',
  track: 'mediation',
  lead: 'special_envoy',
  drivers: [{ kind: 'battles', label: 'Armed clashes', area: 'Mopti', count: 12, weight: 0.6 }],
  escalation: { escalationId: 'esc-1', level: 'high', escalatedAt: '2026-03-01T08:00:00.000Z' },
  parties: [
    { partyId: 'party-gov', name: 'Government of Mali', kind: 'government' },
    { partyId: 'party-wo', name: 'Women of Mopti', kind: 'womens_organisation' },
  ],
  ...over,
});

export const opened = (at = '2026-03-02T10:00:00.000Z'): Ev<'MediationOpened'> => ({ ...base(at), type: 'MediationOpened', mandate: 'Security Council resolution 9999' });

export const envoyAppointed = (at = '2026-03-02T10:00:00.000Z'): Ev<'EnvoyAppointed'> => ({
  ...base(at),
  type: 'EnvoyAppointed',
  envoy: { envoyId: 'envoy-1', name: 'A. Envoy', role: 'special envoy', organization: 'UN', gender: 'female', appointedAt: at },
});

export const talksConvened = (round = 1, heldAt = '2026-03-04T09:00:00.000Z'): Ev<'TalksConvened'> => ({
  ...base(heldAt),
  type: 'TalksConvened',
  session: {
    sessionId: `session-${round}`,
    round,
    heldAt,
    place: 'Bamako',
    partyIds: ['party-gov'],
    participants: [
      { gender: 'female', ageGroup: 'youth', count: 2 },
      { gender: 'female', ageGroup: 'adult', count: 3 },
      { gender: 'male', ageGroup: 'adult', count: 5 },
    ],
  },
});

export const agreementReached = (addressesGender = true): Ev<'AgreementReached'> => ({
  ...base('2026-03-05T09:00:00.000Z'),
  type: 'AgreementReached',
  agreement: {
    agreementId: 'agreement-1',
    kind: 'ceasefire',
    title: 'Mopti ceasefire',
    signedAt: '2026-03-05T09:00:00.000Z',
    provisions: [{ topic: 'ceasefire', text: 'Hostilities cease.', addressesGender, addressesYouth: false }],
    signatories: [{ name: 'Minister', role: 'party', organization: 'Government of Mali' }],
  },
});

export const suspended = (): Ev<'MediationSuspended'> => ({ ...base('2026-03-06T09:00:00.000Z'), type: 'MediationSuspended', reason: 'Renewed fighting' });
export const resumed = (): Ev<'MediationResumed'> => ({ ...base('2026-03-07T09:00:00.000Z'), type: 'MediationResumed', reason: 'Lull in fighting' });
export const concluded = (): Ev<'MediationConcluded'> => ({
  ...base('2026-03-08T09:00:00.000Z'),
  type: 'MediationConcluded',
  outcome: 'agreement',
  reason: 'Ceasefire holds',
});
export const closed = (): Ev<'MediationClosed'> => ({ ...base('2026-03-08T09:00:00.000Z'), type: 'MediationClosed', reason: 'Not taken up' });

/** Histories that end in each status. */
export const HISTORIES = {
  proposed: [proposed()],
  active: [proposed(), opened(), envoyAppointed()],
  suspended: [proposed(), opened(), envoyAppointed(), suspended()],
  concluded: [proposed(), opened(), envoyAppointed(), agreementReached(), concluded()],
  closed: [proposed(), closed()],
} as const;
