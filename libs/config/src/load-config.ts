import { z } from 'zod';

/**
 * Thrown when the environment does not describe a runnable service. The message names every
 * offending variable and the reason, so an operator can fix all of them in one go.
 */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ReadonlyArray<{ variable: string; reason: string }>,
  ) {
    super(
      `${service}: invalid configuration\n` + problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses `env` with a zod object whose keys are the environment variable names. */
export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length ? issue.path.join('.') : '(environment)';
    // Whether it is set is the environment's answer: a coerced value that is no number (PORT=abc)
    // also reaches zod's issue without an input, and was reported as not set.
    const unset = issue.path.length === 1 && env[String(issue.path[0])] === undefined;
    if (issue.code === 'invalid_type' && unset) return { variable, reason: 'is required but not set' };
    if (issue.code === 'invalid_type' && issue.expected === 'number') return { variable, reason: `must be a number, got "${env[String(issue.path[0])]}"` };
    return { variable, reason: issue.message };
  });
  throw new ConfigError(service, problems);
}

/** A TCP port as an environment string. */
export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** `host:port[,host:port...]`, as kafkajs wants it. */
export const brokerList = z
  .string()
  .default('127.0.0.1:9092')
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), {
    message: 'must be a comma-separated list of host:port',
  });

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
