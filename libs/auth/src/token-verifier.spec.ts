import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSettings } from './auth.config';
import { AuthError } from './auth-error';
import { LOCAL_DEV_SECRET, signDevToken } from './dev-token';
import { bearerTokenOf, TokenVerifier } from './token-verifier';

const settings: AuthSettings = { issuer: 'crisis-ops-dev', audience: 'crisis-ops', mode: 'dev-secret', devSecret: LOCAL_DEV_SECRET };
const verifier = new TokenVerifier(settings);
const base = { secret: LOCAL_DEV_SECRET, issuer: 'crisis-ops-dev', audience: 'crisis-ops', ttlSeconds: 60 };

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

function rawToken(claims: JWTPayload, secret = LOCAL_DEV_SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

const now = () => Math.floor(Date.now() / 1000);

describe('TokenVerifier with the HS256 dev secret', () => {
  it('accepts a valid token and maps roles, region and name', async () => {
    const token = await signDevToken({ ...base, subject: 'amina', roles: ['viewer', 'analyst'], region: 'africa', name: 'Amina' });
    await expect(verifier.verifyAuthorizationHeader(`Bearer ${token}`)).resolves.toEqual({
      subject: 'amina',
      roles: ['viewer', 'analyst'],
      region: 'africa',
      name: 'Amina',
    });
  });

  it('gives region null and no name when the token has none', async () => {
    const token = await signDevToken({ ...base, subject: 'svc', roles: [] });
    await expect(verifier.verify(token)).resolves.toEqual({ subject: 'svc', roles: [], region: null });
  });

  it('falls back to Keycloak realm_access.roles', async () => {
    const token = await rawToken({
      sub: 'kc-user',
      iss: 'crisis-ops-dev',
      aud: 'crisis-ops',
      exp: now() + 60,
      realm_access: { roles: ['mediator'] },
      preferred_username: 'kc',
    });
    await expect(verifier.verify(token)).resolves.toEqual({ subject: 'kc-user', roles: ['mediator'], region: null, name: 'kc' });
  });

  it('rejects an expired token', async () => {
    const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() - 120, roles: [] });
    const error = await rejection(verifier.verify(token));
    expect(error.code).toBe('AUTH.TOKEN_INVALID');
    expect(error.message).toMatch(/expired/);
  });

  it('tolerates 30 s of clock skew on exp', async () => {
    const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() - 10, roles: [] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'a' });
  });

  it('rejects a token without exp', async () => {
    const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', roles: [] });
    const error = await rejection(verifier.verify(token));
    expect(error).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: 'token has no "exp" claim' });
  });

  it('rejects a wrong issuer', async () => {
    const token = await signDevToken({ ...base, issuer: 'someone-else', subject: 'a', roles: [] });
    const error = await rejection(verifier.verify(token));
    expect(error).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: expect.stringMatching(/wrong issuer/) });
  });

  it('rejects a wrong audience', async () => {
    const token = await signDevToken({ ...base, audience: 'another-api', subject: 'a', roles: [] });
    const error = await rejection(verifier.verify(token));
    expect(error).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: expect.stringMatching(/wrong audience/) });
  });

  it('rejects a bad signature', async () => {
    const token = await signDevToken({ ...base, secret: 'another-secret-that-is-at-least-32-chars', subject: 'a', roles: [] });
    const error = await rejection(verifier.verify(token));
    expect(error).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: 'token signature is invalid' });
  });

  it('rejects malformed tokens and unsigned (alg none) tokens', async () => {
    expect((await rejection(verifier.verify('not.a.jwt'))).code).toBe('AUTH.TOKEN_INVALID');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() + 60 })).toString('base64url');
    expect((await rejection(verifier.verify(`${header}.${body}.`))).code).toBe('AUTH.TOKEN_INVALID');
  });

  it('given the regions a principal may carry, rejects a region claim outside them (a service\'s own word for no desk, a capitalised desk, an unknown one), and reads a blank one as none', async () => {
    const scoped = new TokenVerifier(settings, { regions: ['africa', 'middle-east', 'global'] });
    for (const region of ['unassigned', 'Africa', 'mars']) {
      const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() + 60, roles: ['viewer'], region });
      expect(await rejection(scoped.verify(token)), region).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: `"region" claim must be one of africa, middle-east, global, not "${region}"` });
    }
    for (const region of ['global', 'middle-east']) {
      const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() + 60, roles: ['viewer'], region });
      await expect(scoped.verify(token)).resolves.toMatchObject({ region });
    }
    for (const region of ['', '  ']) {
      const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() + 60, roles: ['viewer'], region });
      await expect(scoped.verify(token), JSON.stringify(region)).resolves.toMatchObject({ region: null });
    }
  });

  it('rejects a roles claim that is not an array of strings', async () => {
    const token = await rawToken({ sub: 'a', iss: 'crisis-ops-dev', aud: 'crisis-ops', exp: now() + 60, roles: 'admin' });
    expect(await rejection(verifier.verify(token))).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: expect.stringMatching(/roles/) });
  });

  it('reports a missing or non-Bearer Authorization header as AUTH.TOKEN_MISSING', async () => {
    for (const header of [undefined, '', 'Bearer ', 'Basic dXNlcjpwYXNz']) {
      expect((await rejection(verifier.verifyAuthorizationHeader(header))).code).toBe('AUTH.TOKEN_MISSING');
    }
    expect(bearerTokenOf('bearer abc')).toBe('abc');
  });
});

describe('TokenVerifier with a JWKS endpoint', () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (claims: JWTPayload) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts an RS256 token signed by a key of the set', async () => {
    const jwks = new TokenVerifier({ issuer: 'https://id.example.org', audience: 'crisis-ops', mode: 'jwks', jwksUrl });
    const token = await sign({ sub: 'u1', iss: 'https://id.example.org', aud: 'crisis-ops', roles: ['viewer'], region: 'asia-pacific' });
    await expect(jwks.verify(token)).resolves.toEqual({ subject: 'u1', roles: ['viewer'], region: 'asia-pacific' });
  });

  it('rejects HS256 tokens when configured for JWKS (no algorithm confusion)', async () => {
    const jwks = new TokenVerifier({ issuer: 'crisis-ops-dev', audience: 'crisis-ops', mode: 'jwks', jwksUrl });
    const token = await signDevToken({ ...base, subject: 'a', roles: [] });
    expect(await rejection(jwks.verify(token))).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: expect.stringMatching(/algorithm/) });
  });

  it('reports an unreachable JWKS endpoint as AUTH.VERIFIER_UNAVAILABLE', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/certs`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const jwks = new TokenVerifier({ issuer: 'https://id.example.org', audience: 'crisis-ops', mode: 'jwks', jwksUrl: deadUrl });
    const token = await sign({ sub: 'u1', iss: 'https://id.example.org', aud: 'crisis-ops', roles: [] });
    expect((await rejection(jwks.verify(token))).code).toBe('AUTH.VERIFIER_UNAVAILABLE');
  });
});
