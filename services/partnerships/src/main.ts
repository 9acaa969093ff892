import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'partnerships',
  description: 'Partnerships: engagements with regional organisations and partners.',
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: false,
});
