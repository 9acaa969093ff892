import { describe, expect, it } from 'vitest';
import { loadAuthConfig, TokenVerifier } from '@crisis-ops/auth';
import { serviceEnv } from '@crisis-ops/testing';
import { runScript } from './run-script';

/**
 * `npm run token`, as a developer runs it: no AUTH_* in the shell, the token captured by `$(…)`, and
 * checked by the verifier a service builds from its own environment (the guard of every HTTP route).
 */
const asDeveloper = { env: { AUTH_DEV_SECRET: undefined, AUTH_ISSUER: undefined, AUTH_AUDIENCE: undefined } };
const serviceVerifier = () => new TokenVerifier(loadAuthConfig(serviceEnv()));

describe('npm run token', () => {
  it('prints only a token, which a service running with the development secret accepts as the caller asked', async () => {
    const run = await runScript('token', ['--role', 'watch-officer', '--role', 'viewer', '--region', 'africa', '--sub', 'ada', '--name', 'Ada Lovelace', '--ttl', '30m'], asDeveloper);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Exactly one line, so `Authorization: Bearer $(npm run -s token -- …)` gets the token and nothing else.
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const principal = await serviceVerifier().verify(run.stdout.trim());
    expect(principal).toEqual({ subject: 'ada', roles: ['watch-officer', 'viewer'], region: 'africa', name: 'Ada Lovelace' });
    const { exp, iat } = JSON.parse(Buffer.from(run.stdout.split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(30 * 60);
  });

  it('mints a token of the longest lifetime allowed, 366 days, with a whole-second expiry', async () => {
    const run = await runScript('token', ['--role', 'analyst', '--ttl', '366d'], asDeveloper);
    expect(run.code).toBe(0);
    const { exp, iat } = JSON.parse(Buffer.from(run.stdout.split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(exp - iat).toBe(366 * 86_400);
    expect(Number.isInteger(exp)).toBe(true);
  });

  it('signs with AUTH_DEV_SECRET when one is set: services with that secret accept the token, those with the public one refuse it', async () => {
    const secret = 'a-team-secret-of-at-least-thirty-two-characters';
    const run = await runScript('token', ['--role', 'analyst'], { env: { ...asDeveloper.env, AUTH_DEV_SECRET: secret } });
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    await expect(new TokenVerifier(loadAuthConfig(serviceEnv({ env: { AUTH_DEV_SECRET: secret } }))).verify(token)).resolves.toMatchObject({ subject: 'dev-user', roles: ['analyst'], region: null });
    await expect(serviceVerifier().verify(token)).rejects.toThrow(/signature is invalid/);
  });

  it.concurrent.each([['--help'], ['-h']])('prints its usage with the roles on stdout for %s, and exits 0', async (flag) => {
    // The README sends readers to `npm run -s token -- --help` for the roles: on stderr, `| less` or `| grep` showed nothing.
    const run = await runScript('token', [flag], asDeveloper);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Usage: npm run -s token -- --role/);
    expect(run.stdout).toMatch(/\n {2}watch-officer +\S/);
  });

  // Concurrent: each is a process of its own, and the suite has a time budget.
  it.concurrent.each([
    { why: 'a region no desk has', args: ['--role', 'viewer', '--region', 'mars'], code: 2, error: /^token: --region mars is no region of the platform: use one of africa, .*, or global$/ },
    { why: 'a role no service checks', args: ['--role', 'wizard'], code: 2, error: /^token: --role wizard is no role of the platform/ },
    { why: 'no role at all', args: ['--region', 'africa'], code: 2, error: /^token: at least one --role is required$/ },
    { why: 'a lifetime that is no duration', args: ['--role', 'viewer', '--ttl', '8 hours'], code: 2, error: /^token: --ttl must look like 30m, 8h, 2d or 3600, got "8 hours"$/ },
    { why: 'a lifetime of zero seconds', args: ['--role', 'viewer', '--ttl', '0'], code: 2, error: /^token: --ttl must be positive: a token that lasts no time is expired when minted, got "0"$/ },
    { why: 'a lifetime of zero hours', args: ['--role', 'viewer', '--ttl', '0h'], code: 2, error: /^token: --ttl must be positive: .*, got "0h"$/ },
    { why: 'a lifetime of 00m', args: ['--role', 'viewer', '--ttl', '00m'], code: 2, error: /^token: --ttl must be positive: .*, got "00m"$/ },
    { why: 'a lifetime of 10^20 days', args: ['--role', 'analyst', '--ttl', '99999999999999999999d'], code: 2, error: /^token: --ttl must be at most 366d \(31622400 seconds\), got "99999999999999999999d"$/ },
    { why: 'a lifetime a second over a year', args: ['--role', 'analyst', '--ttl', '31622401'], code: 2, error: /^token: --ttl must be at most 366d \(31622400 seconds\), got "31622401"$/ },
    { why: 'a lifetime that is no whole number', args: ['--role', 'analyst', '--ttl', '1.5h'], code: 2, error: /^token: --ttl must look like 30m, 8h, 2d or 3600, got "1.5h"$/ },
    { why: 'a flag it does not know', args: ['--role', 'viewer', '--regoin', 'africa'], code: 2, error: /^token: .*--regoin/ },
    // An invalid configuration variable: 78 (EX_CONFIG), as the services and the other scripts exit on one.
    { why: 'an AUTH_DEV_SECRET too short to sign with', args: ['--role', 'viewer'], env: { AUTH_DEV_SECRET: 'short' }, code: 78, error: /^token: invalid configuration: AUTH_DEV_SECRET must be at least 32 characters long$/ },
  ])('refuses $why with a one-line reason and no token', async ({ args, env, code, error }) => {
    const run = await runScript('token', args, { env: { ...asDeveloper.env, ...env } });
    expect(run.error).toMatch(error);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
  });
});
