import { serviceSpec } from '@crisis-ops/contracts';
import type { ServiceDefinition } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

/** What this service is, for main.ts and for tests that boot it in-process. */
export const SERVICE: ServiceDefinition = {
  name: 'electoral-support',
  // What /docs says the service does: only what it does today, so no one looks there for routes it lacks.
  description: 'Electoral assistance (elections and their risks) is not built yet. Today this service answers GET /health/live, GET /health/ready and GET /metrics only: it has no other route and consumes no events.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  // Declared with the platform's services, where the system view reads it too.
  consumesEvents: serviceSpec('electoral-support').consumesEvents,
};
