import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from './auth.config';

const SECRET = 'x'.repeat(32);

describe('loadAuthConfig', () => {
  it('defaults issuer and audience and picks the dev secret', () => {
    expect(loadAuthConfig({ AUTH_DEV_SECRET: SECRET })).toEqual({
      issuer: 'crisis-ops-dev',
      audience: 'crisis-ops',
      mode: 'dev-secret',
      devSecret: SECRET,
    });
  });

  it('reads a JWKS URL with explicit issuer and audience, ignoring blank variables', () => {
    expect(
      loadAuthConfig({
        AUTH_ISSUER: 'https://id.example.org/realms/crisis-ops',
        AUTH_AUDIENCE: 'ops',
        AUTH_JWKS_URL: 'https://id.example.org/realms/crisis-ops/protocol/openid-connect/certs',
        AUTH_DEV_SECRET: '  ',
      }),
    ).toMatchObject({ mode: 'jwks', issuer: 'https://id.example.org/realms/crisis-ops', audience: 'ops' });
  });

  it('names both variables when neither is set', () => {
    expect(() => loadAuthConfig({})).toThrow(/neither AUTH_JWKS_URL nor AUTH_DEV_SECRET is set/);
  });

  it('names both variables when both are set', () => {
    expect(() => loadAuthConfig({ AUTH_JWKS_URL: 'https://id.example.org/certs', AUTH_DEV_SECRET: SECRET })).toThrow(
      /AUTH_JWKS_URL and AUTH_DEV_SECRET are both set/,
    );
  });

  it('names the variable and the reason for a short secret', () => {
    expect(() => loadAuthConfig({ AUTH_DEV_SECRET: 'short' })).toThrow(/AUTH_DEV_SECRET must be at least 32 characters/);
  });

  it('names the variable and the reason for a malformed JWKS URL', () => {
    expect(() => loadAuthConfig({ AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL must be an http\(s\) URL/);
    expect(() => loadAuthConfig({ AUTH_JWKS_URL: 'ftp://id.example.org/certs' })).toThrow(/AUTH_JWKS_URL/);
  });
});
