import { serviceSpec } from '@crisis-ops/contracts';
import type { ServiceDefinition } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';
import { JSON_BODY_LIMIT_BYTES } from './processes/process.dto';

/** What this service is, for main.ts and for tests that boot it in-process. */
export const SERVICE: ServiceDefinition = {
  name: 'mediation',
  description: 'Mediation and good offices: processes that answer escalations.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  // Declared with the platform's services, where the system view reads it too.
  consumesEvents: serviceSpec('mediation').consumesEvents,
  // An agreement within every field limit is larger than the platform's 100 KB (see JSON_BODY_LIMIT_BYTES).
  jsonBodyLimit: String(JSON_BODY_LIMIT_BYTES),
};
