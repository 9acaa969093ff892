import './telemetry';
import 'reflect-metadata';
import { bootstrapService } from '@crisis-ops/service-kit';
import { AppModule } from './app.module';
import { migrations } from './migrations';

void bootstrapService({
  name: 'ops-centre',
  description: "The operations centre: timeline, risk board, alerts with audit, time to response, live stream and replay (SSE), system view, and the web console at /.",
  module: (config) => AppModule.forRoot(config),
  migrations,
  consumesEvents: true,
});
