import { describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import type { Principal } from '@crisis-ops/auth';
import { DomainError, systemClock } from '@crisis-ops/domain-kernel';
import type { EventPublisher } from '@crisis-ops/service-kit';
import { MEDIATION_ERRORS } from '../domain';
import { COMMAND_ATTEMPTS, MediationService } from './mediation.service';
import type { ProcessStore } from './process.store';

const officer: Principal = { subject: 'officer', roles: ['mediation-officer'], region: 'global' } as unknown as Principal;
const lost = () => new DomainError(MEDIATION_ERRORS.CONCURRENT_MODIFICATION, 'changed by someone else', 'conflict');

/**
 * The service over transactions that fail as `outcomes` say, one per attempt (a thrown error, or the
 * state the attempt commits); how many it ran is `attempts()`. What a transaction does inside is the
 * int tests' (concurrent-commands.int-spec.ts): here, only how often the service runs one.
 */
function serviceOver(outcomes: Array<Error | object>) {
  let attempts = 0;
  const dataSource = {
    transaction: async () => {
      const outcome = outcomes[Math.min(attempts++, outcomes.length - 1)];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  } as unknown as DataSource;
  const service = new MediationService(dataSource, {} as ProcessStore, {} as EventPublisher, systemClock);
  return { service, attempts: () => attempts };
}

const addParty = { type: 'AddParty', name: 'Movement', kind: 'armed_group' } as const;

describe('a command that lost the race for its process to another writer', () => {
  it('is run again on the new state until it goes through, within COMMAND_ATTEMPTS', async () => {
    const state = { processId: 'p-1' };
    const { service, attempts } = serviceOver([...Array<Error>(COMMAND_ATTEMPTS - 1).fill(lost()), state]);
    await expect(service.execute(officer, 'p-1', addParty)).resolves.toBe(state);
    expect(attempts()).toBe(COMMAND_ATTEMPTS);
  });

  it('is answered CONCURRENT_MODIFICATION once COMMAND_ATTEMPTS have all lost, and run no more', async () => {
    const { service, attempts } = serviceOver([lost()]);
    await expect(service.execute(officer, 'p-1', addParty, 'key-1')).rejects.toMatchObject({ code: MEDIATION_ERRORS.CONCURRENT_MODIFICATION });
    expect(attempts()).toBe(COMMAND_ATTEMPTS);
  });

  it('is not run again when the domain refuses it: the refusal is the answer', async () => {
    const { service, attempts } = serviceOver([new DomainError(MEDIATION_ERRORS.PARTY_ALREADY_ADDED, 'already a party', 'conflict')]);
    await expect(service.execute(officer, 'p-1', addParty)).rejects.toMatchObject({ code: MEDIATION_ERRORS.PARTY_ALREADY_ADDED });
    expect(attempts()).toBe(1);
  });
});
