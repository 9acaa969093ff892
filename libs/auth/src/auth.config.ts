import { z } from 'zod';

export const DEFAULT_AUTH_ISSUER = 'crisis-ops-dev';
export const DEFAULT_AUTH_AUDIENCE = 'crisis-ops';
export const MIN_DEV_SECRET_LENGTH = 32;

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

const envSchema = z.object({
  AUTH_ISSUER: optional(z.string().trim().min(1)),
  AUTH_AUDIENCE: optional(z.string().trim().min(1)),
  AUTH_JWKS_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  AUTH_DEV_SECRET: optional(
    z.string().min(MIN_DEV_SECRET_LENGTH, { error: `must be at least ${MIN_DEV_SECRET_LENGTH} characters long` }),
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
  if (AUTH_JWKS_URL) return { ...base, mode: 'jwks', jwksUrl: AUTH_JWKS_URL };
  if (AUTH_DEV_SECRET) return { ...base, mode: 'dev-secret', devSecret: AUTH_DEV_SECRET };
  throw new Error(
    'Invalid auth configuration: neither AUTH_JWKS_URL nor AUTH_DEV_SECRET is set; set exactly one ' +
      '(AUTH_JWKS_URL in production, AUTH_DEV_SECRET for local development only)',
  );
}
