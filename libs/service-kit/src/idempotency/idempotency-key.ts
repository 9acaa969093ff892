import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { ApiHeader } from '@nestjs/swagger';
import { invalidRequest } from '../http/validation';

/** How long a key answers with its first response; a retry comes within minutes, not days. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

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
  const faults = idempotencyKeyFaults(req);
  if (faults.length > 0) throw invalidRequest(faults);
  return req.headers[HEADER] as string | undefined;
}

/** What is wrong with the request's `Idempotency-Key` (see idempotencyKeyOf): nothing when it is absent or well formed. */
export function idempotencyKeyFaults(req: RequestHeaders): FieldViolation[] {
  const value = req.headers[HEADER];
  if (value === undefined) return [];
  if ((req.headersDistinct?.[HEADER]?.length ?? 1) > 1 || Array.isArray(value)) {
    return [{ field: 'Idempotency-Key', reason: 'must be given once: this request has it more than once' }];
  }
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) return [{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters, e.g. a UUID' }];
  return [];
}

/** Marks a route taking `Idempotency-Key`, so that a malformed key is named with the request's other faults (KnownQueryInterceptor). */
export const IDEMPOTENCY_KEY_ROUTE = 'crisis-ops:idempotency-key';

/** The route's `Idempotency-Key`, checked (idempotencyKeyOf); undefined when none was sent. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => idempotencyKeyOf(ctx.switchToHttp().getRequest<RequestHeaders>()));

/** Documents the header on a command route, with the code the service refuses a reused key with. */
export const AcceptsIdempotencyKey = (reusedCode: string) =>
  applyDecorators(
    SetMetadata(IDEMPOTENCY_KEY_ROUTE, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: `Retrying the same request with the same key within ${IDEMPOTENCY_WINDOW_HOURS} h answers the first response and changes nothing; the same key with another request is 422 ${reusedCode}.`,
    }),
  );
