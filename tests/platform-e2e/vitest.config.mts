import { mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.mts';

// The five services are started once for all spec files (and stopped after them) by the global setup.
export default mergeConfig(projectConfig(import.meta.dirname), {
  test: { globalSetup: ['src/platform.global-setup.ts'] },
});
