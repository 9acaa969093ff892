import { SignJWT } from 'jose';
import { LOCAL_DEV_SECRET, MIN_DEV_SECRET_LENGTH } from './auth.config';

export { LOCAL_DEV_SECRET };
import type { Role } from './principal';


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
