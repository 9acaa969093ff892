import { serviceSpec } from '@crisis-ops/contracts';
import type { ServiceDefinition } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';
import { earlyWarningEnvProblems } from './early-warning-env';

/** What this service is, for main.ts and for tests that boot it in-process. */
export const SERVICE: ServiceDefinition = {
  name: 'early-warning',
  description: 'Signals in, explainable risk out: intake, risk assessment and escalations.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  // Declared with the platform's services, where the system view reads it too.
  consumesEvents: serviceSpec('early-warning').consumesEvents,
  // A batch of 5,000 signals is a few MB of JSON; the default 100 kB would refuse it.
  jsonBodyLimit: '16mb',
  envProblems: earlyWarningEnvProblems,
};
