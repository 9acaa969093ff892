import { expect } from 'vitest';
import { DomainError, FixedClock, ValidationFailed, type DomainErrorKind } from '@crisis-ops/domain-kernel';
import { decide } from '../mediation-decide';
import { rehydrate, evolve, type ProcessState } from '../mediation-process';
import type { MediationCommand } from '../mediation.commands';
import type { MediationEvent } from '../mediation.events';

/** The instant every `when` runs at unless told otherwise. */
export const NOW = new Date('2026-03-10T12:00:00.000Z');
export const ACTOR = 'officer-1';

type Expected = { readonly type: MediationEvent['type'] } & Record<string, unknown>;

export interface Outcome {
  /** The events decided, each matched (toMatchObject) against the expected one, in order. */
  then(...expected: Expected[]): MediationEvent[];
  /** A DomainError with this code (and kind, when given). */
  thenFails(code: string, kind?: DomainErrorKind): DomainError;
  /** ValidationFailed naming exactly these fields. */
  thenRejects(...fields: string[]): ValidationFailed;
  /** State after the decided events, for assertions on the fold. */
  readonly state: ProcessState | null;
}

/**
 * given(history).when(command).then(events): runs the real decide on the rebuilt state with a fixed
 * clock and ids "id-1", "id-2", ... so expected events can be written out.
 */
export function given(...history: MediationEvent[]) {
  return {
    when(command: MediationCommand, options: { at?: Date; actor?: string } = {}): Outcome {
      let n = 0;
      const before = rehydrate(history);
      let events: MediationEvent[] | undefined;
      let error: unknown;
      try {
        events = decide(before, command, { clock: new FixedClock(options.at ?? NOW), newId: () => `id-${++n}`, actor: options.actor ?? ACTOR });
      } catch (err) {
        error = err;
      }
      const decided = (): MediationEvent[] => {
        if (error) throw new Error(`expected events, but ${command.type} failed: ${(error as Error).message}`);
        return events as MediationEvent[];
      };
      const failed = (): DomainError => {
        if (!error) throw new Error(`expected ${command.type} to fail, but it decided ${JSON.stringify(events?.map((e) => e.type))}`);
        expect(error).toBeInstanceOf(DomainError);
        return error as DomainError;
      };
      return {
        then(...expected) {
          const got = decided();
          expect(got.map((e) => e.type)).toEqual(expected.map((e) => e.type));
          got.forEach((e, i) => expect(e).toMatchObject(expected[i]));
          return got;
        },
        thenFails(code, kind) {
          const err = failed();
          expect(err.code).toBe(code);
          if (kind) expect(err.kind).toBe(kind);
          return err;
        },
        thenRejects(...fields) {
          const err = failed();
          expect(err).toBeInstanceOf(ValidationFailed);
          expect(err.kind).toBe('invalid');
          expect([...new Set((err as ValidationFailed).violations.map((v) => v.field))].sort()).toEqual([...fields].sort());
          return err as ValidationFailed;
        },
        get state() {
          return decided().reduce<ProcessState | null>(evolve, before);
        },
      };
    },
  };
}
