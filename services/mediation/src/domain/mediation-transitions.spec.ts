import { describe, expect, it } from 'vitest';
import { mayEndProcess, mayOpenProcess } from './escalation-policy';
import type { MediationCommand } from './mediation.commands';
import { MEDIATION_ERRORS as E } from './mediation.errors';
import type { MediationEventType } from './mediation.events';
import { OPEN_STATUSES, type ProcessStatus } from './mediation.types';
import { given } from './testing/given-when-then';
import { HISTORIES } from './testing/fixtures';

const envoy = { name: 'B. Mediator', role: 'co-mediator', organization: 'AU', gender: 'male' } as const;

/** One valid instance of every command on an existing process. */
const COMMANDS: Record<Exclude<MediationCommand['type'], 'Propose'>, MediationCommand> = {
  Activate: { type: 'Activate', mandate: 'Good offices of the Secretary-General', envoy },
  AppointEnvoy: { type: 'AppointEnvoy', envoy },
  AddParty: { type: 'AddParty', name: 'Youth Forum', kind: 'youth_organisation' },
  RecordSession: {
    type: 'RecordSession',
    heldAt: '2026-03-09T09:00:00.000Z',
    place: 'Dakar',
    participants: [{ gender: 'female', ageGroup: 'adult', count: 4 }],
  },
  RecordAgreement: {
    type: 'RecordAgreement',
    kind: 'framework',
    title: 'Framework for talks',
    signedAt: '2026-03-09T09:00:00.000Z',
    provisions: [{ topic: 'participation', text: 'Women make up a third of delegations.', addressesGender: true, addressesYouth: false }],
    signatories: [{ name: 'Envoy', role: 'mediator', organization: 'UN' }],
  },
  Suspend: { type: 'Suspend', reason: 'Delegations walked out' },
  Resume: { type: 'Resume', reason: 'Delegations returned' },
  Conclude: { type: 'Conclude', outcome: 'no_agreement', reason: 'Talks exhausted' },
  Close: { type: 'Close', reason: 'Superseded by a regional initiative' },
  RecordDeescalation: { type: 'RecordDeescalation', escalationId: 'esc-1', level: 'elevated', deescalatedAt: '2026-03-09T00:00:00.000Z' },
};

type Expectation = { events: MediationEventType[]; status: ProcessStatus } | { fails: string };
const ok = (status: ProcessStatus, ...events: MediationEventType[]): Expectation => ({ events, status });
const fails = (code: string): Expectation => ({ fails: code });

/** The whole transition table: every command against a process in every status. */
const TABLE: Record<keyof typeof COMMANDS, Record<ProcessStatus, Expectation>> = {
  Activate: {
    proposed: ok('active', 'MediationOpened', 'EnvoyAppointed'),
    active: fails(E.PROCESS_NOT_PROPOSED),
    suspended: fails(E.PROCESS_NOT_PROPOSED),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  AppointEnvoy: {
    proposed: fails(E.PROCESS_NOT_ACTIVE),
    active: ok('active', 'EnvoyAppointed'),
    suspended: ok('suspended', 'EnvoyAppointed'),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  AddParty: {
    proposed: ok('proposed', 'PartyAdded'),
    active: ok('active', 'PartyAdded'),
    suspended: ok('suspended', 'PartyAdded'),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  RecordSession: {
    proposed: fails(E.PROCESS_NOT_ACTIVE),
    active: ok('active', 'TalksConvened'),
    suspended: fails(E.PROCESS_NOT_ACTIVE),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  RecordAgreement: {
    proposed: fails(E.PROCESS_NOT_ACTIVE),
    active: ok('active', 'AgreementReached'),
    suspended: fails(E.PROCESS_NOT_ACTIVE),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  Suspend: {
    proposed: fails(E.PROCESS_NOT_ACTIVE),
    active: ok('suspended', 'MediationSuspended'),
    suspended: fails(E.PROCESS_NOT_ACTIVE),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  Resume: {
    proposed: fails(E.PROCESS_NOT_SUSPENDED),
    active: fails(E.PROCESS_NOT_SUSPENDED),
    suspended: ok('active', 'MediationResumed'),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  Conclude: {
    proposed: fails(E.PROCESS_NOT_ACTIVE),
    active: ok('concluded', 'MediationConcluded'),
    suspended: fails(E.PROCESS_NOT_ACTIVE),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  Close: {
    proposed: ok('closed', 'MediationClosed'),
    active: ok('closed', 'MediationClosed'),
    suspended: ok('closed', 'MediationClosed'),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
  RecordDeescalation: {
    proposed: ok('proposed', 'DeescalationRecorded'),
    active: ok('active', 'DeescalationRecorded'),
    suspended: ok('suspended', 'DeescalationRecorded'),
    concluded: fails(E.PROCESS_ALREADY_CLOSED),
    closed: fails(E.PROCESS_ALREADY_CLOSED),
  },
};

describe('MediationProcess transitions: every command in every status', () => {
  for (const [name, byStatus] of Object.entries(TABLE) as Array<[keyof typeof COMMANDS, Record<ProcessStatus, Expectation>]>) {
    for (const [status, expected] of Object.entries(byStatus) as Array<[ProcessStatus, Expectation]>) {
      const history = HISTORIES[status];
      if ('fails' in expected) {
        it(`${name} on a ${status} process fails with ${expected.fails} (conflict)`, () => {
          given(...history).when(COMMANDS[name]).thenFails(expected.fails, 'conflict');
        });
      } else {
        it(`${name} on a ${status} process → ${expected.events.join(' + ')}, status ${expected.status}`, () => {
          const outcome = given(...history).when(COMMANDS[name]);
          outcome.then(...expected.events.map((type) => ({ type, processId: 'p-1' })));
          expect(outcome.state?.status).toBe(expected.status);
          expect(outcome.state?.version).toBe(history.length + expected.events.length);
        });
      }
    }
  }

  it('Propose on an existing process fails with PROCESS_ALREADY_EXISTS in every status', () => {
    for (const history of Object.values(HISTORIES)) {
      given(...history)
        .when({ type: 'Propose', country: 'MLI', region: 'africa', track: 'mediation', lead: 'srsg' })
        .thenFails(E.PROCESS_ALREADY_EXISTS, 'conflict');
    }
  });

  // The service locks the country for these commands (escalation-policy.ts): one that could end a
  // process without being named there would let an escalation be referred to a process it ends.
  it('the commands that end an open process in the table are exactly those that may end one', () => {
    const ending = (Object.keys(TABLE) as Array<keyof typeof COMMANDS>).filter((name) =>
      OPEN_STATUSES.some((from) => {
        const expected = TABLE[name][from];
        return !('fails' in expected) && !OPEN_STATUSES.includes(expected.status);
      }),
    );
    expect(ending).toContain('Close');
    for (const name of Object.keys(COMMANDS) as Array<keyof typeof COMMANDS>) expect(mayEndProcess(COMMANDS[name]), name).toBe(ending.includes(name));
    expect(mayEndProcess({ type: 'Propose' })).toBe(false);
  });

  // Likewise for opening: a referral says whether its process is opened, read under the same lock.
  it('the commands that open a proposed process in the table are exactly those that may open one', () => {
    const opening = (Object.keys(TABLE) as Array<keyof typeof COMMANDS>).filter((name) => {
      const expected = TABLE[name].proposed;
      return !('fails' in expected) && expected.status !== 'proposed' && OPEN_STATUSES.includes(expected.status);
    });
    expect(opening).toEqual(['Activate']);
    for (const name of Object.keys(COMMANDS) as Array<keyof typeof COMMANDS>) expect(mayOpenProcess(COMMANDS[name]), name).toBe(opening.includes(name));
  });

  it('any other command on a process with no history fails with PROCESS_NOT_FOUND (not-found)', () => {
    for (const command of Object.values(COMMANDS)) given().when(command).thenFails(E.PROCESS_NOT_FOUND, 'not-found');
  });
});
