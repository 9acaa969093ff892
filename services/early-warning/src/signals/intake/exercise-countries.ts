/**
 * Whether intake accepts ISO 3166-1's user-assigned codes (AAA–AAZ, QMA–QZZ, XAA–XZZ,
 * ZZA–ZZZ), which never name a country.
 * Off in production; test and exercise stacks turn it on so they never touch a real country's risk.
 */
export const EXERCISE_COUNTRIES = Symbol('EXERCISE_COUNTRIES');

export function exerciseCountries(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env['EARLY_WARNING_EXERCISE_COUNTRIES'] ?? 'false';
  if (raw !== 'true' && raw !== 'false') throw new Error(`EARLY_WARNING_EXERCISE_COUNTRIES must be true or false, got "${raw}"`);
  return raw === 'true';
}
