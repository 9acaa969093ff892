import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../vitest.shared.mts';

// infra has no src/: its TypeScript sits beside the shell and docker bits it belongs to.
export default mergeConfig(projectConfig(import.meta.dirname), {
  test: { include: ['provision/**/*.{spec,int-spec,e2e-spec}.ts', 'docker/**/*.{spec,int-spec,e2e-spec}.ts', 'architecture/**/*.{spec,int-spec,e2e-spec}.ts'] },
});
