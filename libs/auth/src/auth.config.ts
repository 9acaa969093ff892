import { z } from 'zod';

export const DEFAULT_AUTH_ISSUER = 'crisis-ops-dev';
export const DEFAULT_AUTH_AUDIENCE = 'crisis-ops';
export const MIN_DEV_SECRET_LENGTH = 32;

/**
 * HS256 secret for LOCAL DEVELOPMENT ONLY. It is public (it is in the repository), so any token
 * signed with it is forgeable: never configure it as AUTH_DEV_SECRET outside a developer machine or
 * a throw-away test environment. Production verifies tokens against AUTH_JWKS_URL.
 */
export const LOCAL_DEV_SECRET = 'crisis-ops-local-development-only-secret-never-use-in-production';

interface AuthSettingsBase {
  issuer: string;
  audience: string;
}

/** Tokens are verified either against a JWKS endpoint (production) or an HS256 secret (local). */
export type AuthSettings = AuthSettingsBase &
  ({ mode: 'jwks'; jwksUrl: string } | { mode: 'dev-secret'; devSecret: string });

// docker-compose and shell scripts often pass `VAR=` for "unset"; treat blank as absent.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

// Whoever could answer for the key set over plain http (on the path, by DNS) could sign any token.
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;
const jwksUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((u) => {
  if (!URL.canParse(u)) return true; // the URL check above has said what is wrong
  const url = new URL(u);
  return url.protocol === 'https:' || LOOPBACK.test(url.hostname);
}, 'must be an https URL (plain http only for localhost)');

/**
 * Development secrets published in this repository (`npm run token` and docker-compose sign with
 * the first): anyone can mint tokens with them, so a production process refuses them.
 */
const PUBLIC_DEV_SECRETS: readonly string[] = [LOCAL_DEV_SECRET];

const envSchema = z.object({
  AUTH_ISSUER: optional(z.string().trim().min(1)),
  AUTH_AUDIENCE: optional(z.string().trim().min(1)),
  AUTH_JWKS_URL: optional(jwksUrl),
  // Trimmed as `npm run token` trims it: a stray CR from a CRLF .env file would otherwise turn every
  // token into "signature is invalid".
  AUTH_DEV_SECRET: optional(
    z.string().trim().min(MIN_DEV_SECRET_LENGTH, { error: `must be at least ${MIN_DEV_SECRET_LENGTH} characters long` }),
  ),
});

/**
 * Reads and validates the AUTH_* variables. Throws an Error naming the offending variable(s), so a
 * misconfigured service fails at start-up instead of rejecting every request.
 */
export function loadAuthConfig(env: Record<string, string | undefined> = process.env): AuthSettings {
  const parsed = envSchema.safeParse({
    AUTH_ISSUER: env['AUTH_ISSUER'],
    AUTH_AUDIENCE: env['AUTH_AUDIENCE'],
    AUTH_JWKS_URL: env['AUTH_JWKS_URL'],
    AUTH_DEV_SECRET: env['AUTH_DEV_SECRET'],
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Invalid auth configuration: ${problems.join('; ')}`);
  }
  const { AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL, AUTH_DEV_SECRET } = parsed.data;
  const base = { issuer: AUTH_ISSUER ?? DEFAULT_AUTH_ISSUER, audience: AUTH_AUDIENCE ?? DEFAULT_AUTH_AUDIENCE };
  if (AUTH_JWKS_URL && AUTH_DEV_SECRET) {
    throw new Error(
      'Invalid auth configuration: AUTH_JWKS_URL and AUTH_DEV_SECRET are both set; set exactly one ' +
        '(AUTH_JWKS_URL in production, AUTH_DEV_SECRET for local development only)',
    );
  }
  if (AUTH_JWKS_URL) {
    // The dev defaults would reject every real token as "wrong issuer" while health says ready.
    const missing = [!AUTH_ISSUER && 'AUTH_ISSUER', !AUTH_AUDIENCE && 'AUTH_AUDIENCE'].filter(Boolean);
    if (missing.length) {
      throw new Error(`Invalid auth configuration: ${missing.join(' and ')} must be set with AUTH_JWKS_URL (your identity provider's issuer and this platform's audience)`);
    }
    return { ...base, mode: 'jwks', jwksUrl: AUTH_JWKS_URL };
  }
  if (AUTH_DEV_SECRET) {
    if (env['NODE_ENV'] === 'production' && PUBLIC_DEV_SECRETS.includes(AUTH_DEV_SECRET) && env['AUTH_ALLOW_PUBLIC_DEV_SECRET'] !== 'true') {
      throw new Error(
        'Invalid auth configuration: AUTH_DEV_SECRET is the development secret published in this repository, and NODE_ENV is ' +
          'production: anyone could mint tokens for any role. Set AUTH_JWKS_URL, or AUTH_DEV_SECRET to a secret of your own ' +
          '(AUTH_ALLOW_PUBLIC_DEV_SECRET=true only for a local stack, as docker-compose.yml does)',
      );
    }
    return { ...base, mode: 'dev-secret', devSecret: AUTH_DEV_SECRET };
  }
  throw new Error(
    'Invalid auth configuration: neither AUTH_JWKS_URL nor AUTH_DEV_SECRET is set; set exactly one ' +
      '(AUTH_JWKS_URL in production, AUTH_DEV_SECRET for local development only)',
  );
}
