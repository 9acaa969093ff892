// Loaded before anything else in main.ts: instrumentation must patch http, pg and kafkajs before
// they are first required.
import { startTelemetry } from '@crisis-ops/observability';

startTelemetry({ serviceName: 'electoral-support' });
