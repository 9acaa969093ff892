import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'mediation',
  description: 'Mediation and good offices: processes that answer escalations.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: true,
});
