export const AGREEMENT_CONTEXT = Symbol('AGREEMENT_CONTEXT');

/** How an agreement reached in mediation weighs on its country's score. */
export interface AgreementContextParameters {
  /** Score points while in force, −100..0. */
  readonly points: number;
  /** Days in force, counted from the day the agreement was reached. */
  readonly days: number;
}

/** Why these numbers: docs/risk-model.md, Context. */
export const DEFAULT_AGREEMENT_CONTEXT: AgreementContextParameters = Object.freeze({ points: -10, days: 90 });

function fromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, pattern: RegExp, ok: (n: number) => boolean, expected: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!pattern.test(raw.trim()) || !ok(n)) throw new Error(`${name} must be ${expected}, got "${raw}"`);
  return n;
}

/**
 * EARLY_WARNING_AGREEMENT_POINTS and EARLY_WARNING_AGREEMENT_DAYS, read at boot: a bad value stops
 * the service there, instead of context rows being recorded with it for months.
 */
export function agreementContextParameters(env: NodeJS.ProcessEnv = process.env): AgreementContextParameters {
  return {
    points: fromEnv(env, 'EARLY_WARNING_AGREEMENT_POINTS', DEFAULT_AGREEMENT_CONTEXT.points, /^[-+]?\d+(\.\d+)?$/, (n) => n >= -100 && n <= 0, 'a number of score points from -100 to 0'),
    days: fromEnv(env, 'EARLY_WARNING_AGREEMENT_DAYS', DEFAULT_AGREEMENT_CONTEXT.days, /^\d+$/, (n) => n >= 1 && n <= 3_650, 'a whole number of days from 1 to 3650'),
  };
}
