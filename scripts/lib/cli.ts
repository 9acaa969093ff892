import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '@crisis-ops/config';

/** A wrong command line: the scripts print it with their usage and exit 2. */
export class UsageError extends Error {}

/**
 * The exit code of every script on an invalid configuration variable (DATABASE_PORT=abc, a
 * KAFKA_BROKERS that is no host:port, too short an AUTH_DEV_SECRET): EX_CONFIG of sysexits.h, as the
 * services exit on one. So a wrapper tells "fix the environment" from a wrong command line (2) or a
 * run that failed (1); import exited 1 on it and dlq 2, as if the command line were wrong.
 */
export const EX_CONFIG = 78;

/**
 * A ConfigError as one line under the script's own name, each variable with its reason. Its own
 * message starts with the name it was loaded under ("dlq: invalid configuration"), so the scripts'
 * prefix doubled it ("dlq: dlq: …"), or named the service instead ("import: early-warning: …").
 */
export function configErrorLine(script: string, err: ConfigError): string {
  return `${script}: invalid configuration: ${err.problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}\n`;
}

export { ConfigError };

/**
 * node:util's parseArgs, strict, with what it refuses (an unknown flag, a missing value) as a
 * UsageError, and an option given twice refused too unless it takes several values: parseArgs keeps
 * the last, so `--source a --source b` imported under "b" without a word.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T & { strict: true }>> {
  let parsed;
  try {
    parsed = parseArgs({ ...config, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || config.options?.[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  return parsed as ReturnType<typeof parseArgs<T & { strict: true }>>;
}

/**
 * The frame of a script: parse the command line (`undefined` means --help: print the usage, exit
 * 0), run, exit with what `run` returns; a UsageError exits 2 with the usage, a ConfigError
 * EX_CONFIG (78), any other error 1.
 * Help asked for goes to stdout, for every script (token too: `token --help | grep` lists the roles);
 * only the usage shown beside a usage error goes to stderr, where `$(…)` does not capture it.
 */
export function runCli<A>(name: string, usage: string, parse: (argv: string[]) => A | undefined, run: (args: A) => Promise<number>): void {
  const main = async (): Promise<number> => {
    let args: A | undefined;
    try {
      args = parse(process.argv.slice(2));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`${name}: ${err.message}\n\n${usage}\n`);
      return 2;
    }
    if (args === undefined) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    return run(args);
  };
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(configErrorLine(name, err));
        process.exitCode = EX_CONFIG;
        return;
      }
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/** The `export KEY=value` lines of an env.sh that infra/local/infra.sh wrote; none without the file. */
function stackEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/**
 * The environment a script takes its Kafka and Postgres from: the process's; where the address
 * itself is not given, the ports `npm start` and `npm stop` take (INFRA_KAFKA_PORT, INFRA_PG_PORT);
 * else those of this clone's own stack, as its last `npm start` wrote them (`.run/dev/env.sh`). So
 * in a clone run on other ports a script talks to that clone's broker and database, not to whatever
 * answers on the default ones (another stack's, whose dead letters it would redrive), even from a
 * shell that has not the variables `npm start` was given.
 */
export function scriptEnv(env: NodeJS.ProcessEnv = process.env, devEnvFile = '.run/dev/env.sh'): NodeJS.ProcessEnv {
  const stack = stackEnvFile(devEnvFile);
  const kafka = env['KAFKA_BROKERS'] ? undefined : env['INFRA_KAFKA_PORT'] ? `127.0.0.1:${env['INFRA_KAFKA_PORT']}` : stack['KAFKA_BROKERS'];
  const fromStack = !env['DATABASE_PORT'] && !env['INFRA_PG_PORT'] && stack['DATABASE_PORT'] !== undefined;
  const pgPort = env['DATABASE_PORT'] ? undefined : (env['INFRA_PG_PORT'] ?? stack['DATABASE_PORT']);
  return {
    ...env,
    ...(kafka ? { KAFKA_BROKERS: kafka } : {}),
    ...(pgPort ? { DATABASE_PORT: pgPort } : {}),
    ...(fromStack && !env['DATABASE_HOST'] && stack['DATABASE_HOST'] ? { DATABASE_HOST: stack['DATABASE_HOST'] } : {}),
  };
}
