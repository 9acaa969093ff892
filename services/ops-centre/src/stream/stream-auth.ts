import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import { AuthError, bearerTokenOf, CLOCK_TOLERANCE_SECONDS, type Principal, type TokenVerifier } from '@crisis-ops/auth';
import { STREAM_TOKEN } from './stream-token.middleware';

export interface StreamRequest extends IncomingMessage {
  query: Record<string, unknown>;
  originalUrl?: string;
  [STREAM_TOKEN]?: string;
}

/**
 * Authenticates an SSE request. Browsers' EventSource cannot send an Authorization header, so the
 * stream routes (and only they) also accept the token as `?access_token=` (RFC 6750 §2.3), verified
 * by the same TokenVerifier as every other route.
 */
export async function authenticateStream(req: StreamRequest, verifier: TokenVerifier): Promise<Principal> {
  const queryToken = queryTokenOf(req);
  return queryToken ? verifier.verify(queryToken) : verifier.verifyAuthorizationHeader(req.headers.authorization);
}

// StreamTokenMiddleware has already moved the token out of the URL (and so out of the logs).
const queryTokenOf = (req: StreamRequest): string | undefined => req[STREAM_TOKEN] ?? (typeof req.query.access_token === 'string' ? req.query.access_token : undefined);

/**
 * When the stream's token stops being accepted (its `exp` plus the verifier's clock tolerance), for a
 * token authenticateStream has verified. A stream outlives the check made when it opened: without
 * this, a client kept receiving its region's events for as long as it stayed connected.
 */
export function streamTokenExpiry(req: StreamRequest): Date | undefined {
  try {
    const token = queryTokenOf(req) ?? bearerTokenOf(req.headers.authorization);
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? new Date((exp + CLOCK_TOLERANCE_SECONDS) * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Status and body of a rejected stream request, as the JWT guard would answer. */
export function authFailure(err: unknown): { status: number; body: unknown } | undefined {
  if (!(err instanceof AuthError)) return undefined;
  return { status: err.code === 'AUTH.VERIFIER_UNAVAILABLE' ? 503 : 401, body: err.toBody() };
}
