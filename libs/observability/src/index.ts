export {
  startTelemetry,
  shutdownTelemetry,
  isTelemetryStarted,
  metricsHandler,
  getMeter,
  type TelemetryOptions,
} from './telemetry';
export {
  platformMetrics,
  seedConsumerCounters,
  observeOutboxBacklog,
  observeConsumerLag,
  type ConsumerLagOptions,
  type PlatformMetrics,
  type EventAttributes,
  type PartitionLag,
} from './platform-metrics';
export { LOG_LEVELS, logLevelProblem, loggerOptions, traceLogFields } from './logger';
export { otlpEndpointProblems } from './otlp-endpoint';
export {
  currentTraceparent,
  currentTraceHeaders,
  currentTraceId,
  traceIdOf,
  startEventSpan,
  type EventSpan,
  type TraceHeaders,
} from './trace-context';
export { isProbePath } from './probe-path';
export { labelHttpRoute } from './http-route';
