import { SignJWT } from 'jose';
import { MIN_DEV_SECRET_LENGTH } from './auth.config';
import type { Role } from './principal';

/**
 * HS256 secret for LOCAL DEVELOPMENT ONLY. It is public (it is in the repository), so any token
 * signed with it is forgeable: never configure it as AUTH_DEV_SECRET outside a developer machine or
 * a throw-away test environment. Production verifies tokens against AUTH_JWKS_URL.
 */
export const LOCAL_DEV_SECRET = 'crisis-ops-local-development-only-secret-never-use-in-production';

export interface DevTokenOptions {
  subject: string;
  roles: Role[];
  region?: string | null;
  name?: string;
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs an HS256 access token with the claims TokenVerifier reads; for local use and tests. */
export async function signDevToken(options: DevTokenOptions): Promise<string> {
  if (options.secret.length < MIN_DEV_SECRET_LENGTH) {
    throw new Error(`dev token secret must be at least ${MIN_DEV_SECRET_LENGTH} characters long`);
  }
  if (!Number.isFinite(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new Error(`ttlSeconds must be a positive number, got ${options.ttlSeconds}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { roles: options.roles };
  if (options.region) claims['region'] = options.region;
  if (options.name) claims['name'] = options.name;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.floor(options.ttlSeconds))
    .sign(new TextEncoder().encode(options.secret));
}
