import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'ops-centre',
  description: "The operations centre's API: a timeline of every domain event per country.",
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: true,
});
