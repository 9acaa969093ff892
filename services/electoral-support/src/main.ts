import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'electoral-support',
  description: 'Electoral assistance: elections and their risks.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: false,
});
