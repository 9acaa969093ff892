import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'early-warning',
  description: 'Signals in, explainable risk out: intake, risk assessment and escalations.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: true,
});
