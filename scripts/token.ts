/**
 * Mints a local development access token (HS256) and prints only the token, so that
 *   curl -H "Authorization: Bearer $(npm run -s token -- --role viewer --region africa)" ...
 * works. Errors go to stderr (a wrong argument exits with 2, with the usage; an invalid configuration
 * variable with 78); --help prints the usage, with the roles, on stdout and exits 0.
 *
 * Imports the pure auth modules directly, not the library index: the index pulls in Nest, whose
 * legacy decorators tsx cannot compile without the workspace tsconfig.
 */
import { DEFAULT_AUTH_AUDIENCE, DEFAULT_AUTH_ISSUER, MIN_DEV_SECRET_LENGTH } from '../libs/auth/src/auth.config';
import { LOCAL_DEV_SECRET, signDevToken } from '../libs/auth/src/dev-token';
import { isPlatformRole, PLATFORM_ROLES } from '../libs/auth/src/roles';
import { DESK_IDS } from '../libs/geo/src/desks';
import { ConfigError, EX_CONFIG, parseCommandArgs, runCli, UsageError } from './lib/cli';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * The longest lifetime of a development token: a year (366 days). Without a bound, "99999999999999999999d"
 * minted a token expiring in 8.64e+24 seconds (a float in "exp"), which the services accepted: a
 * token that never expires.
 */
const MAX_TTL_DAYS = 366;
const MAX_TTL_SECONDS = MAX_TTL_DAYS * UNIT_SECONDS['d'];

const ROLE_LIST = Object.entries(PLATFORM_ROLES)
  .map(([role, grants]) => `  ${role.padEnd(21)} ${grants}`)
  .join('\n');

const USAGE = `Usage: npm run -s token -- --role <role> [--role <role2>] [--region <region>] [--sub <subject>] [--name <display name>] [--ttl 8h]

  --role    role granted by the token (repeatable, at least one): see below
  --region  region claim: a desk (africa, americas, asia-pacific, europe-central-asia, middle-east) or global (default: none)
  --sub     subject (default: dev-user)
  --name    display name claim (default: none)
  --ttl     lifetime: <n>s, <n>m, <n>h, <n>d or plain seconds, at most ${MAX_TTL_DAYS}d (default: 8h)

Environment: AUTH_DEV_SECRET (default: the LOCAL_DEV_SECRET of libs/auth), AUTH_ISSUER (default
${DEFAULT_AUTH_ISSUER}), AUTH_AUDIENCE (default ${DEFAULT_AUTH_AUDIENCE}). Use the same values as the services.

Exit: 0 the token printed; 2 a usage error; ${EX_CONFIG} an invalid configuration variable (AUTH_DEV_SECRET under
${MIN_DEV_SECRET_LENGTH} characters: named, with the reason)

Roles:
${ROLE_LIST}`;

function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new UsageError(`--ttl must look like 30m, 8h, 2d or 3600, got "${value}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  // "0" and "0h" have the form asked for: telling the caller to write it like 3600 did not say what was wrong.
  if (seconds <= 0) throw new UsageError(`--ttl must be positive: a token that lasts no time is expired when minted, got "${value}"`);
  if (seconds > MAX_TTL_SECONDS) throw new UsageError(`--ttl must be at most ${MAX_TTL_DAYS}d (${MAX_TTL_SECONDS} seconds), got "${value}"`);
  return seconds;
}

function nonBlank(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`--${flag} must not be empty`);
  return value?.trim();
}

function parseCommandLine(argv: string[]) {
  const parsed = parseCommandArgs({
    args: argv,
    allowPositionals: false,
    options: {
      role: { type: 'string', multiple: true },
      region: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const { values } = parsed;
  if (values.help) return undefined;
  const roles = (values.role ?? []).map((role) => nonBlank('role', role) as string);
  if (roles.length === 0) throw new UsageError('at least one --role is required');
  // A role no service checks opens nothing: the token would only earn 403s, with no hint why.
  const unknown = roles.filter((r) => !isPlatformRole(r));
  if (unknown.length) throw new UsageError(`--role ${unknown.join(', ')} is no role of the platform (the roles are listed below)`);
  // Likewise a region no desk has: every regional listing would answer nothing, with no hint why.
  const region = nonBlank('region', values.region);
  if (region !== undefined && region !== 'global' && !(DESK_IDS as readonly string[]).includes(region)) {
    throw new UsageError(`--region ${region} is no region of the platform: use one of ${DESK_IDS.join(', ')}, or global`);
  }
  return {
    roles,
    region,
    subject: nonBlank('sub', values.sub) ?? 'dev-user',
    name: nonBlank('name', values.name),
    ttlSeconds: parseTtl(values.ttl ?? '8h'),
  };
}

async function mint(args: NonNullable<ReturnType<typeof parseCommandLine>>): Promise<number> {
  const secret = process.env['AUTH_DEV_SECRET']?.trim() || LOCAL_DEV_SECRET;
  // An invalid configuration variable, as the services refuse it: runCli names it and exits 78 (EX_CONFIG).
  if (secret.length < MIN_DEV_SECRET_LENGTH) throw new ConfigError('token', [{ variable: 'AUTH_DEV_SECRET', reason: `must be at least ${MIN_DEV_SECRET_LENGTH} characters long` }]);
  const token = await signDevToken({
    ...args,
    secret,
    issuer: process.env['AUTH_ISSUER']?.trim() || DEFAULT_AUTH_ISSUER,
    audience: process.env['AUTH_AUDIENCE']?.trim() || DEFAULT_AUTH_AUDIENCE,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

runCli('token', USAGE, parseCommandLine, mint);
