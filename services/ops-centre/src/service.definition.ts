import { serviceSpec } from '@crisis-ops/contracts';
import type { ServiceDefinition } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';
import { opsCentreEnvProblems } from './ops-centre-env';

/** What this service is, for main.ts and for tests that boot it in-process. */
export const SERVICE: ServiceDefinition = {
  name: 'ops-centre',
  description: "The operations centre: timeline, risk board, alerts with audit, time to response, live stream and replay (SSE), system view, and the web console at /.",
  module: (config) => AppModule.forRoot(config),
  migrations,
  // Declared with the platform's services, where the system view reads it too.
  consumesEvents: serviceSpec('ops-centre').consumesEvents,
  envProblems: opsCentreEnvProblems,
};
