import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthSettings } from './auth.config';
import { AuthError } from './auth-error';
import type { Principal } from './principal';
/** The region claim of a principal who reads across every desk. */
export const GLOBAL_REGION = 'global';

export interface TokenVerifierOptions {
  /**
   * The region claims a principal may carry (the platform's desks and GLOBAL_REGION); any other is
   * refused. Given by the service (service-kit passes the desks of @crisis-ops/geo, which this
   * library does not load: its country list is JSON that plain Node ESM, as in test set-ups, cannot import).
   */
  readonly regions?: readonly string[];
}

export const CLOCK_TOLERANCE_SECONDS = 30;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
const SECRET_ALGORITHMS = ['HS256'];

type VerificationKey = Uint8Array | JWTVerifyGetKey;

/**
 * Verifies bearer tokens and maps their claims to a Principal. Framework-free so that scripts, tests
 * and non-HTTP adapters can use it; the Nest guard is a thin layer over it.
 */
export class TokenVerifier {
  private readonly key: VerificationKey;
  private readonly algorithms: string[];

  constructor(
    private readonly settings: AuthSettings,
    private readonly options: TokenVerifierOptions = {},
  ) {
    if (settings.mode === 'jwks') {
      // Keys are fetched lazily, cached, and refetched when a token names an unknown kid.
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.algorithms = ASYMMETRIC_ALGORITHMS;
    } else {
      this.key = new TextEncoder().encode(settings.devSecret);
      this.algorithms = SECRET_ALGORITHMS;
    }
  }

  /** Verifies the value of an `Authorization` header (`Bearer <jwt>`). */
  async verifyAuthorizationHeader(header: string | string[] | undefined): Promise<Principal> {
    return this.verify(bearerTokenOf(header));
  }

  async verify(token: string): Promise<Principal> {
    if (!token) throw new AuthError('AUTH.TOKEN_MISSING', 'no bearer token given');
    let payload: JWTPayload;
    try {
      // jwtVerify has one overload per key kind; the union has to be split for the compiler.
      const options = {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      };
      ({ payload } =
        this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch (error) {
      throw this.describe(error);
    }
    return principalFrom(payload, this.options.regions);
  }

  private describe(error: unknown): AuthError {
    const invalid = (message: string) => new AuthError('AUTH.TOKEN_INVALID', message, { cause: error });
    if (error instanceof errors.JWTExpired) {
      const exp = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
      return invalid(`token expired${exp}`);
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') return invalid(`token has no "${error.claim}" claim`);
      if (error.claim === 'iss') return invalid(`wrong issuer: expected "${this.settings.issuer}"`);
      if (error.claim === 'aud') return invalid(`wrong audience: expected "${this.settings.audience}"`);
      if (error.claim === 'nbf') return invalid('token is not valid yet (nbf)');
      if (error.claim === 'iat') return invalid('token issued in the future (iat)');
      return invalid(`claim "${error.claim}" is invalid: ${error.message}`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('token signature is invalid');
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return invalid(`token algorithm is not accepted (expected ${this.algorithms.join(', ')})`);
    }
    if (error instanceof errors.JWKSNoMatchingKey) return invalid('no key in the JWKS matches the token (kid/alg)');
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalid('token is malformed');
    if (this.settings.mode === 'jwks' && isJwksOutage(error)) {
      // Not the caller's fault: a 401 would send a valid user back to log in for nothing.
      return new AuthError('AUTH.VERIFIER_UNAVAILABLE', 'token keys (JWKS) are unavailable, try again later', {
        cause: error,
      });
    }
    if (error instanceof errors.JOSEError) return invalid(`token rejected: ${error.message}`);
    return invalid('token could not be verified');
  }
}

function isJwksOutage(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/i.test(error.message);
  // fetch() rejects with a TypeError when the JWKS host is unreachable.
  return error instanceof TypeError;
}

/** Extracts the token of a `Bearer` Authorization header, or throws AUTH.TOKEN_MISSING. */
export function bearerTokenOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !value.trim()) throw new AuthError('AUTH.TOKEN_MISSING', 'missing Authorization header');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value.trim());
  if (!match) throw new AuthError('AUTH.TOKEN_MISSING', 'Authorization header must be "Bearer <token>"');
  return match[1];
}

function principalFrom(payload: JWTPayload, regions: readonly string[] | undefined): Principal {
  const invalid = (message: string) => new AuthError('AUTH.TOKEN_INVALID', message);
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject === '') throw invalid('token has an empty "sub" claim');

  const roles = rolesFrom(payload);
  if (!roles) throw invalid('"roles" claim must be an array of strings');

  const claimed = payload['region'];
  if (claimed !== undefined && claimed !== null && typeof claimed !== 'string') {
    throw invalid('"region" claim must be a string');
  }
  // A blank claim is none: identity providers send "" for an attribute a user does not have.
  const region = typeof claimed === 'string' && claimed.trim() !== '' ? claimed : null;
  // Services compare regions as names: a name no desk has ("unassigned", a service's own word for
  // countries without a desk, or "Africa" capitalised) would read or create what no desk may, or
  // what nobody can filter on. The identity provider must send one of these or none.
  if (region !== null && regions && !regions.includes(region)) {
    throw invalid(`"region" claim must be one of ${regions.join(', ')}, not "${region.slice(0, 40)}"`);
  }

  const name = firstString(payload['name'], payload['preferred_username']);
  return { subject, roles, region, ...(name ? { name } : {}) };
}

// `roles` is our own claim; Keycloak puts realm roles under realm_access.roles.
function rolesFrom(payload: JWTPayload): string[] | undefined {
  const own = payload['roles'];
  if (own !== undefined) return isStringArray(own) ? [...own] : undefined;
  const realmAccess = payload['realm_access'];
  if (realmAccess && typeof realmAccess === 'object' && 'roles' in realmAccess) {
    const realmRoles = (realmAccess as { roles: unknown }).roles;
    return isStringArray(realmRoles) ? [...realmRoles] : undefined;
  }
  return [];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '');
}
