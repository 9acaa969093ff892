import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workspaceRoot } from '@crisis-ops/testing';

const SERVICES_SH = path.join(workspaceRoot(), 'scripts/services.sh');

/**
 * How `npm start` starts each service process (scripts/services.sh), run by bash as start.sh runs it,
 * against a scratch root: its builds are stand-ins that record what they were started with, so no
 * service, broker or database is needed.
 */
describe('npm start: starting the service processes', () => {
  const roots: string[] = [];
  let root: string;
  let listener: Server | undefined;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'scripts-cli-start-'));
    roots.push(root);
  });
  afterEach(async () => {
    await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
    listener = undefined;
  });
  afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const bash = (commands: string, env: Record<string, string> = {}) => {
    const run = spawnSync('bash', ['-c', `set -euo pipefail; ROOT="$1"; source "$2"; ${commands}`, 'bash', root, SERVICES_SH], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const listenOnFreePort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    listener = server;
    return (server.address() as { port: number }).port;
  };
  const freePort = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  };
  /** A build of `name` that writes the environment it was started with to `<root>/<name>.env.json`, then exits. */
  const standInBuild = (name: string) => {
    const dir = path.join(root, '.run/dev/dist/services', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.js'), `require('fs').writeFileSync(${JSON.stringify(path.join(root, `${name}.env.json`))}, JSON.stringify(process.env));\n`);
  };
  const startedWith = async (name: string): Promise<Record<string, string>> => {
    const file = path.join(root, `${name}.env.json`);
    for (let waited = 0; !existsSync(file) && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  };

  it('refuses a port another process listens on, naming the variable that moves it, and starts nothing', async () => {
    const port = await listenOnFreePort();
    standInBuild('mediation');
    const run = bash(`start_service "mediation:${port}"`);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`[crisis-ops] cannot start mediation: port ${port} is taken by another process; set MEDIATION_PORT to a free one`);
    expect(existsSync(path.join(root, '.run/dev/services/mediation.pid'))).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(path.join(root, 'mediation.env.json'))).toBe(false);
  });

  it('starts a service on its port and tells it where every service answers, from the ports it was given', async () => {
    standInBuild('ops-centre');
    // A port free now: a fixed one may be another stack's on a developer's machine, which start_service refuses.
    const port = String(await freePort());
    const run = bash('start_service "ops-centre:${OPS_CENTRE_PORT}"', {
      OPS_CENTRE_PORT: port,
      EARLY_WARNING_PORT: '13001',
      PARTNERSHIPS_PORT: '13004',
      // An address given outright wins over the port: a service behind a proxy.
      MEDIATION_URL: 'http://mediation.internal:80',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`[crisis-ops] starting ops-centre on :${port}`);
    const env = await startedWith('ops-centre');
    expect(env).toMatchObject({
      PORT: port,
      OTEL_SERVICE_NAME: 'ops-centre',
      EARLY_WARNING_URL: 'http://127.0.0.1:13001',
      MEDIATION_URL: 'http://mediation.internal:80',
      ELECTORAL_SUPPORT_URL: 'http://127.0.0.1:3003',
      PARTNERSHIPS_URL: 'http://127.0.0.1:13004',
      OPS_CENTRE_URL: `http://127.0.0.1:${port}`,
    });
  });
});
