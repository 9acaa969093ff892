import { serviceSpec } from '@crisis-ops/contracts';
import type { ServiceDefinition } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

/** What this service is, for main.ts and for tests that boot it in-process. */
export const SERVICE: ServiceDefinition = {
  name: 'partnerships',
  description: 'Partnerships: engagements with regional organisations and partners.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  // Declared with the platform's services, where the system view reads it too.
  consumesEvents: serviceSpec('partnerships').consumesEvents,
};
