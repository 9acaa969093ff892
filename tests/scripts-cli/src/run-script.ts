import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { serviceEnv, workspaceRoot } from '@crisis-ops/testing';

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The first line of stderr: where a script says what was wrong. */
  readonly error: string;
}

export interface RunScriptOptions {
  /** Added to the test infrastructure's environment; `undefined` removes a variable. */
  readonly env?: Record<string, string | undefined>;
  readonly timeoutMs?: number;
  /** Sends the script `interruptWith` once this holds, checked every 20 ms. */
  readonly interruptWhen?: () => boolean;
  /** SIGINT (Ctrl-C) unless told otherwise; SIGTERM is what a supervisor or `kill` sends. */
  readonly interruptWith?: 'SIGINT' | 'SIGTERM';
}

/**
 * Runs `scripts/<name>.ts` as `npm run <name> -- …args` does (tsx, from the workspace root, with the
 * workspace tsconfig) and resolves when it exits. The environment is the test infrastructure's (as
 * `.run/test/env.sh` exports it), not the developer's shell, so a run does not depend on who started it.
 */
export function runScript(name: 'token' | 'dlq' | 'import' | 'backtest', args: readonly string[], options: RunScriptOptions = {}): Promise<ScriptRun> {
  const root = workspaceRoot();
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [`scripts/${name}.ts`, ...args], {
    cwd: root,
    env: serviceEnv({ env: { LOG_LEVEL: undefined, ...options.env } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // A script that hangs would otherwise hold the suite until vitest's own timeout, with no output to show.
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const watcher =
    options.interruptWhen &&
    setInterval(() => {
      if (!options.interruptWhen?.()) return;
      clearInterval(watcher);
      child.kill(options.interruptWith ?? 'SIGINT');
    }, 20);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      clearInterval(watcher);
      resolve({ code, stdout, stderr, error: stderr.split('\n')[0] });
    });
  });
}

/** A port on this machine where nothing listens: a database or broker that is not running. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
