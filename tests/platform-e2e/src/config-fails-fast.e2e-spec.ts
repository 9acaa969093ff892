import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serviceEnv, serviceMain, workspaceRoot } from '@crisis-ops/testing';

const EX_CONFIG = 78;

/** Runs a service to its exit, without waiting for readiness: it is not supposed to get that far. */
function runToExit(name: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serviceMain(name)], {
      cwd: workspaceRoot(),
      env: serviceEnv({ env }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} still running after 20 s; stderr so far:\n${stderr}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('configuration fails fast', () => {
  it('exits with 78 and names PORT when it is not a port', async () => {
    const { code, stderr } = await runToExit('early-warning', { PORT: 'notaport' });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toMatch(/PORT/);
  });

  it('exits with 78 and names LOG_LEVEL when it is no level, before migrating anything', async () => {
    const { code, stderr } = await runToExit('mediation', { PORT: '13092', LOG_LEVEL: 'verbose' });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toMatch(/LOG_LEVEL must be one of/);
  });

  it('exits with 78 and names AUTH_DEV_SECRET when no token verification is configured', async () => {
    const { code, stderr } = await runToExit('early-warning', { PORT: '13091', AUTH_DEV_SECRET: undefined, AUTH_JWKS_URL: undefined });
    expect(code).toBe(EX_CONFIG);
    expect(stderr).toMatch(/AUTH_DEV_SECRET/);
    expect(stderr).toMatch(/AUTH_JWKS_URL/);
  });

  it("exits with 78 naming each of a service's own wrong variables with the platform's, before migrating anything", async () => {
    const early = await runToExit('early-warning', { PORT: 'notaport', EARLY_WARNING_IMPORT_ALERT_DAYS: '1e3', EARLY_WARNING_EXERCISE_COUNTRIES: 'yes' });
    expect(early.code).toBe(EX_CONFIG);
    for (const variable of ['PORT', 'EARLY_WARNING_IMPORT_ALERT_DAYS', 'EARLY_WARNING_EXERCISE_COUNTRIES']) expect(early.stderr).toContain(variable);
    const ops = await runToExit('ops-centre', { PORT: '13093', MEDIATION_URL: 'mediation:3002' });
    expect(ops.code).toBe(EX_CONFIG);
    expect(ops.stderr).toMatch(/MEDIATION_URL must be an http\(s\) URL/);
  });
});
