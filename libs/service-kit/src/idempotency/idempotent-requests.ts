import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@crisis-ops/domain-kernel';
import { IDEMPOTENCY_WINDOW_HOURS } from './idempotency-key';

/** What identifies a request: the command, its target and its content, whatever order a client wrote its fields in. */
export const fingerprintOf = (command: string, target: string | null, body: unknown): string =>
  createHash('sha256').update(JSON.stringify([command, target, canonical(body)])).digest('hex');

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** One request made (or not) with an `Idempotency-Key`: whose key, and what the request is (fingerprintOf). */
export interface IdempotentRequest {
  readonly subject: string;
  readonly key: string | undefined;
  readonly fingerprint: string;
}

/**
 * A service's requests made with an `Idempotency-Key`, in the `idempotent_requests` table of its own
 * schema (each service creates it in a migration of its own: subject, key, fingerprint, response,
 * created_at; primary key (subject, key), an index on created_at). A key is the caller's (its
 * subject's): another caller's same key is another request. A retry within IDEMPOTENCY_WINDOW_HOURS
 * answers the first response and runs nothing; the same key for another request is refused 422 with
 * the service's own `reusedCode` (MEDIATION.IDEMPOTENCY_KEY_REUSED, OPS_CENTRE.IDEMPOTENCY_KEY_REUSED).
 */
export class IdempotentRequests {
  constructor(readonly reusedCode: string) {}

  /**
   * Runs a request in the caller's transaction `m`, once: without a key, `run` runs; with a key
   * claimed now, `run` runs and its response is recorded with the claim, so both commit or neither
   * does (a request that failed stored nothing, and its retry runs again); with a key answered before,
   * `replayed` is given that first response, to check the caller may still have it and answer it.
   * Claimed first, before `run` takes any lock of its own: every request takes its key, then what it
   * changes, so none waits on the other's.
   */
  async once<T>(m: EntityManager, request: IdempotentRequest, run: () => Promise<T>, replayed: (first: T) => T): Promise<T> {
    const { subject, key, fingerprint } = request;
    if (key === undefined) return run();
    const first = await this.claim<T>(m, subject, key, fingerprint);
    if (first) return replayed(first.response);
    const response = await run();
    await this.answered(m, subject, key, response);
    return response;
  }

  /**
   * Claims a caller's key inside the request's transaction. Undefined: the request is new (or the
   * key's earlier use has expired) and must run, then `answered` records its response in the same
   * transaction. Otherwise the first response, for the retry to return as it is. A concurrent request
   * with the same key waits on the claim until the first commits (then replays it) or rolls back
   * (then runs itself): the primary key serialises them.
   */
  async claim<T>(m: EntityManager, subject: string, key: string, fingerprint: string): Promise<{ response: T } | undefined> {
    const claimed: unknown[] = await m.query(
      `INSERT INTO idempotent_requests (subject, key, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (subject, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, response = NULL, created_at = now()
         WHERE idempotent_requests.created_at < now() - make_interval(hours => $4)
       RETURNING key`,
      [subject, key, fingerprint, IDEMPOTENCY_WINDOW_HOURS],
    );
    if (claimed.length > 0) {
      // Expired keys go a few at a time with the requests that use the table, so it needs no sweeper.
      // SKIP LOCKED: rows another request is sweeping are left to it, rather than waited for until it commits.
      await m.query(
        `DELETE FROM idempotent_requests WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM idempotent_requests WHERE created_at < now() - make_interval(hours => $1) LIMIT 20 FOR UPDATE SKIP LOCKED))`,
        [IDEMPOTENCY_WINDOW_HOURS],
      );
      return undefined;
    }
    const [first]: Array<{ fingerprint: string; response: T }> = await m.query('SELECT fingerprint, response FROM idempotent_requests WHERE subject = $1 AND key = $2', [subject, key]);
    if (first.fingerprint !== fingerprint) {
      throw new DomainError(this.reusedCode, 'this Idempotency-Key was used for another request; use a new key for a new request', 'invalid', { key });
    }
    return { response: first.response };
  }

  async answered(m: EntityManager, subject: string, key: string, response: unknown): Promise<void> {
    await m.query('UPDATE idempotent_requests SET response = $3 WHERE subject = $1 AND key = $2', [subject, key, JSON.stringify(response)]);
  }
}
