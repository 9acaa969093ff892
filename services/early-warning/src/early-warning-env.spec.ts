import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { earlyWarningEnvProblems, importAlertDays } from './early-warning-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'early-warning-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const ok = { EARLY_WARNING_UPLOAD_DIR: path.join(scratch, 'uploads') };

describe("early-warning's own configuration, checked at boot", () => {
  it('passes the defaults, creating the upload directory', () => {
    expect(earlyWarningEnvProblems(ok)).toEqual([]);
    expect(importAlertDays({})).toBe(14);
  });

  it('names every wrong variable at once, where the first stopped the service after its migrations', () => {
    const problems = earlyWarningEnvProblems({ ...ok, EARLY_WARNING_IMPORT_ALERT_DAYS: '1e3', EARLY_WARNING_EXERCISE_COUNTRIES: 'yes', EARLY_WARNING_AGREEMENT_DAYS: '0' });
    expect(problems).toEqual([
      expect.stringMatching(/^EARLY_WARNING_IMPORT_ALERT_DAYS must be a whole number of days/),
      expect.stringMatching(/^EARLY_WARNING_EXERCISE_COUNTRIES must be true or false/),
      expect.stringMatching(/^EARLY_WARNING_AGREEMENT_DAYS must be/),
    ]);
  });

  it('takes alert days as digits only, which Number() alone did not', () => {
    for (const raw of ['1e3', '0x10', '2.5', '-1', '3651', ' ']) expect(() => importAlertDays({ EARLY_WARNING_IMPORT_ALERT_DAYS: raw }), raw).toThrow(/EARLY_WARNING_IMPORT_ALERT_DAYS/);
    expect(importAlertDays({ EARLY_WARNING_IMPORT_ALERT_DAYS: '0' })).toBe(0);
    expect(importAlertDays({ EARLY_WARNING_IMPORT_ALERT_DAYS: '30' })).toBe(30);
  });

  it('refuses an upload directory it cannot create or write, naming it', () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, '');
    expect(earlyWarningEnvProblems({ EARLY_WARNING_UPLOAD_DIR: path.join(file, 'uploads') })).toEqual([expect.stringMatching(/^EARLY_WARNING_UPLOAD_DIR must be a directory the service can write, and ".*a-file\/uploads" is not \(ENOTDIR\)/)]);
    expect(earlyWarningEnvProblems({ EARLY_WARNING_UPLOAD_DIR: '  ' })).toEqual(['EARLY_WARNING_UPLOAD_DIR must name a directory, got blanks']);
  });
});
