import { accessSync, constants, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agreementContextParameters } from './context/agreement-context';
import { exerciseCountries } from './signals/intake/exercise-countries';

/** Days back (wall clock) within which history is still published: risk events after a bulk import, and days a live input closes late (publishesDay). */
export function importAlertDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['EARLY_WARNING_IMPORT_ALERT_DAYS'];
  if (raw === undefined || raw === '') return 14;
  // Digits only: Number() would also take "1e3", "0x10" and "2.5".
  if (!/^\d{1,4}$/.test(raw.trim()) || Number(raw) > 3_650) throw new Error(`EARLY_WARNING_IMPORT_ALERT_DAYS must be a whole number of days from 0 to 3650, got "${raw}"`);
  return Number(raw);
}

export function defaultUploadDir(env: Readonly<Record<string, string | undefined>>): string {
  // The defaults are the service config's (libs/config): the database the service would use.
  const database = [env['DATABASE_HOST'] || '127.0.0.1', env['DATABASE_PORT'] || '55432', env['DATABASE_NAME'] || 'crisis_ops'].join('-');
  return path.join(tmpdir(), 'early-warning-imports', database.replace(/[^\w.-]/g, '_'));
}

/** Where uploads go: EARLY_WARNING_UPLOAD_DIR, else one directory per database under the system's temp. */
export const uploadDirOf = (env: NodeJS.ProcessEnv): string => env['EARLY_WARNING_UPLOAD_DIR'] || defaultUploadDir(env);

/**
 * early-warning's own variables, checked at boot with the platform's (ServiceDefinition.envProblems).
 * The upload directory is created here if missing: one that cannot be written would otherwise fail
 * every upload, or the boot itself after the migrations had run.
 */
export function earlyWarningEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const check of [() => importAlertDays(env), () => exerciseCountries(env), () => agreementContextParameters(env)]) {
    try {
      check();
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const raw = env['EARLY_WARNING_UPLOAD_DIR'];
  if (raw !== undefined && raw !== '' && !raw.trim()) problems.push('EARLY_WARNING_UPLOAD_DIR must name a directory, got blanks');
  else {
    const dir = uploadDirOf(env);
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      problems.push(`EARLY_WARNING_UPLOAD_DIR${raw ? '' : ' (unset, so its default)'} must be a directory the service can write, and "${dir}" is not (${reason})`);
    }
  }
  return problems;
}
