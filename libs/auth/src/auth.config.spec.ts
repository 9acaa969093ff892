import { describe, expect, it } from 'vitest';
import { LOCAL_DEV_SECRET, loadAuthConfig } from './auth.config';

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
  it('refuses a key set over plain http, which whoever is on the path could answer, except on this machine', () => {
    const jwks = (url: string) => ({ AUTH_ISSUER: 'https://id.example.org', AUTH_AUDIENCE: 'ops', AUTH_JWKS_URL: url });
    expect(() => loadAuthConfig(jwks('http://id.example.org/certs'))).toThrow(/AUTH_JWKS_URL must be an https URL/);
    expect(loadAuthConfig(jwks('http://127.0.0.1:8080/certs'))).toMatchObject({ mode: 'jwks' });
  });

  it('needs the issuer and audience with a key set, rather than rejecting every real token as from the wrong issuer', () => {
    expect(() => loadAuthConfig({ AUTH_JWKS_URL: 'https://id.example.org/certs' })).toThrow(/AUTH_ISSUER and AUTH_AUDIENCE must be set with AUTH_JWKS_URL/);
    expect(() => loadAuthConfig({ AUTH_JWKS_URL: 'https://id.example.org/certs', AUTH_ISSUER: 'https://id.example.org' })).toThrow(/AUTH_AUDIENCE must be set/);
  });

  it('refuses the secret published in this repository in production, unless a local stack says it is one', () => {
    expect(() => loadAuthConfig({ AUTH_DEV_SECRET: LOCAL_DEV_SECRET, NODE_ENV: 'production' })).toThrow(/published in this repository/);
    expect(loadAuthConfig({ AUTH_DEV_SECRET: LOCAL_DEV_SECRET, NODE_ENV: 'production', AUTH_ALLOW_PUBLIC_DEV_SECRET: 'true' })).toMatchObject({ mode: 'dev-secret' });
    expect(loadAuthConfig({ AUTH_DEV_SECRET: LOCAL_DEV_SECRET })).toMatchObject({ mode: 'dev-secret' });
    expect(loadAuthConfig({ AUTH_DEV_SECRET: SECRET, NODE_ENV: 'production' })).toMatchObject({ mode: 'dev-secret' });
  });

  it('trims the secret as the token script does, so a CR from a CRLF .env file changes nothing', () => {
    expect(loadAuthConfig({ AUTH_DEV_SECRET: `${SECRET}\r` })).toMatchObject({ devSecret: SECRET });
  });
});
