/**
 * The outbox relay thread's entry, built beside every service's main.js as relay-thread.js (see
 * tools/service-webpack.config.js): telemetry first, as in a service's main.ts, then the relay, and
 * none of the app (Nest, controllers, the service's modules), which would cost the thread ~100 MB
 * for nothing.
 */
import { workerData } from 'node:worker_threads';
import { shutdownTelemetry, startTelemetry } from '@crisis-ops/observability';

startTelemetry({ serviceName: (workerData as { serviceName: string }).serviceName });
// Required only now: the instrumentations patch pg as it loads.
const { runRelayThread } = require('@crisis-ops/messaging') as typeof import('@crisis-ops/messaging');
void runRelayThread(shutdownTelemetry);
