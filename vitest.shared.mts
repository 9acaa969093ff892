import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const workspaceRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * One config per project, shared here. The suite (unit, int, e2e) is picked by a file filter in the
 * Nx target, so a project needs only this file; int and e2e suites get long timeouts because they
 * talk to a real broker and database.
 */
export function projectConfig(projectDir: string) {
  return defineConfig({
    root: projectDir,
    resolve: { tsconfigPaths: true },
    test: {
      include: ['src/**/*.{spec,int-spec,e2e-spec}.ts', 'test/**/*.{spec,int-spec,e2e-spec}.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      fileParallelism: false,
      // A JSON report per project and suite lets `npm test` print one total at the end.
      reporters: ['default', ['json', { outputFile: path.join(workspaceRoot, 'tmp/test-results', `${process.env.VITEST_PROJECT ?? path.basename(projectDir)}-${process.env.VITEST_SUITE ?? 'all'}.json`) }]],
      setupFiles: [path.join(workspaceRoot, 'libs/testing/src/setup-reflect.ts'), path.join(workspaceRoot, 'libs/testing/src/setup-test-env.ts')],
    },
  });
}
