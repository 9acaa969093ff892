import { createHash } from 'node:crypto';
import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@crisis-ops/domain-kernel';
import { invalidRequest } from '@crisis-ops/service-kit';

/** How long a key answers with its first response; a retry comes within minutes, not days. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

export const IDEMPOTENCY_KEY_REUSED = 'MEDIATION.IDEMPOTENCY_KEY_REUSED';

const HEADER = 'idempotency-key';

/** What a request's headers are read from: Node's joined values, and each header's lines apart. */
interface RequestHeaders {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly headersDistinct?: Record<string, string[] | undefined>;
}

/**
 * The request's `Idempotency-Key` header, if any: given once, of 1 to 200 visible ASCII characters (a
 * UUID is the usual choice), else 400 naming the header. Node joins a header sent twice into one value
 * ("k1, k2"), which was told it must be visible ASCII characters, as if the key were mistyped: which of
 * two keys is meant cannot be told, so the client is told to send one.
 */
export function idempotencyKeyOf(req: RequestHeaders): string | undefined {
  const value = req.headers[HEADER];
  if (value === undefined) return undefined;
  if ((req.headersDistinct?.[HEADER]?.length ?? 1) > 1 || Array.isArray(value)) {
    throw invalidRequest([{ field: 'Idempotency-Key', reason: 'must be given once: this request has it more than once' }]);
  }
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw invalidRequest([{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters, e.g. a UUID' }]);
  }
  return value;
}

export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => idempotencyKeyOf(ctx.switchToHttp().getRequest<RequestHeaders>()));

/** Documents the header on a command route. */
export const AcceptsIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: `Retrying the same request with the same key within ${IDEMPOTENCY_WINDOW_HOURS} h answers the first response and changes nothing; the same key with another request is 422 ${IDEMPOTENCY_KEY_REUSED}.`,
    }),
  );

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

/**
 * Claims a caller's key inside the request's transaction. Undefined: the request is new (or the
 * key's earlier use has expired) and must run, then `answered` records its response in the same
 * transaction. Otherwise the first response, for the retry to return as it is. A concurrent request
 * with the same key waits on the claim until the first commits (then replays it) or rolls back
 * (then runs itself): the primary key serialises them.
 */
export async function claimKey<T>(m: EntityManager, subject: string, key: string, fingerprint: string): Promise<{ response: T } | undefined> {
  const claimed: unknown[] = await m.query(
    `INSERT INTO idempotent_requests (subject, key, fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (subject, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, response = NULL, created_at = now()
       WHERE idempotent_requests.created_at < now() - make_interval(hours => $4)
     RETURNING key`,
    [subject, key, fingerprint, IDEMPOTENCY_WINDOW_HOURS],
  );
  if (claimed.length > 0) {
    // Expired keys go a few at a time with the requests that use the table, so it needs no sweeper.
    // SKIP LOCKED: rows another command is sweeping are left to it, rather than waited for until it commits.
    await m.query(
      `DELETE FROM idempotent_requests WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM idempotent_requests WHERE created_at < now() - make_interval(hours => $1) LIMIT 20 FOR UPDATE SKIP LOCKED))`,
      [IDEMPOTENCY_WINDOW_HOURS],
    );
    return undefined;
  }
  const [first]: Array<{ fingerprint: string; response: T }> = await m.query('SELECT fingerprint, response FROM idempotent_requests WHERE subject = $1 AND key = $2', [subject, key]);
  if (first.fingerprint !== fingerprint) {
    throw new DomainError(IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was used for another request; use a new key for a new request', 'invalid', { key });
  }
  return { response: first.response };
}

export async function answered(m: EntityManager, subject: string, key: string, response: unknown): Promise<void> {
  await m.query('UPDATE idempotent_requests SET response = $3 WHERE subject = $1 AND key = $2', [subject, key, JSON.stringify(response)]);
}
