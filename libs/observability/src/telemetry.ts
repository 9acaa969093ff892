import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag, metrics, type Meter } from '@opentelemetry/api';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { isProbePath } from './probe-path';
import { CREDENTIAL_QUERY_PARAMS, UrlRedactingSpanProcessor } from './url-redaction';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Extra processors, e.g. a SimpleSpanProcessor around an InMemorySpanExporter in tests. */
  spanProcessors?: SpanProcessor[];
}

interface TelemetryState {
  sdk: NodeSDK;
  prometheus: PrometheusExporter;
  serviceName: string;
}

// Kept on globalThis, not in module scope: a bundle or a test runner can load this file twice, and a
// second NodeSDK would register a second set of instrumentations and a second global provider.
const STATE_KEY = Symbol.for('crisis-ops.observability.telemetry');
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: TelemetryState };
const globalState = globalThis as GlobalWithState;

/**
 * Starts the OpenTelemetry SDK once per process. It must run before Nest, Express, pg or kafkajs are
 * required, because instrumentations patch modules as they load: services call it from a tiny
 * `telemetry.ts` that is the first import of `main.ts`.
 */
/** instrumentation-http's own list (DEFAULT_QUERY_STRINGS_TO_REDACT, not exported by the package). */
const REDACTED_BY_DEFAULT = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

export function startTelemetry(options: TelemetryOptions): void {
  const existing = globalState[STATE_KEY];
  if (existing) {
    if (existing.serviceName !== options.serviceName) {
      diag.warn(`telemetry already started for ${existing.serviceName}; ignoring start for ${options.serviceName}`);
    }
    return;
  }

  // sdk-node 0.223 ships logs over OTLP unless told otherwise; our logs go to stdout through pino.
  process.env['OTEL_LOGS_EXPORTER'] ??= 'none';

  // Metrics are pulled by Prometheus from the service's own port (see metricsHandler), so the
  // exporter must not open its own listener on 9464.
  const prometheus = new PrometheusExporter({ preventServerStart: true });

  // First: the exporting processors after it see the span's URL attributes already redacted.
  const spanProcessors: SpanProcessor[] = [new UrlRedactingSpanProcessor()];
  if (process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  spanProcessors.push(...(options.spanProcessors ?? []));
  // NodeSDK registers no tracer provider when it has no processor, and then spans are non-recording
  // with all-zero ids: logs would carry no trace_id and outgoing events no traceparent. The
  // redacting processor is always there, so there always is one.

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes(
      options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {},
    ),
    spanProcessors,
    metricReaders: [prometheus],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req) => isProbePath(req.url),
          // The server span reads the raw URL before any middleware runs, and the live stream takes
          // its token as ?access_token= (EventSource cannot send headers): without this, every stream
          // request put a bearer token into the traces. Replaces the defaults, hence them again.
          // (Spans of other instrumentations are redacted by UrlRedactingSpanProcessor.)
          redactedQueryParamsServer: [...REDACTED_BY_DEFAULT, ...CREDENTIAL_QUERY_PARAMS],
        },
        // One span per syscall or socket: volume without insight.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // Express 5 routes through the `router` package, which the express instrumentation already
        // covers; this one would add a second, anonymous span per middleware.
        '@opentelemetry/instrumentation-router': { enabled: false },
        // Log correlation is done by our own pino mixin (logger.ts); the instrumentation would add the
        // same keys a second time and forward every line to the (disabled) OTel logs pipeline.
        '@opentelemetry/instrumentation-pino': { enabled: false },
        // Messaging spans are the platform's own: one PRODUCER span per relay send (outbox-relay.ts)
        // and one CONSUMER span per event, child of it (startEventSpan). The instrumentation's are
        // one per message, and a consumed batch would start a trace of its own.
        '@opentelemetry/instrumentation-kafkajs': { enabled: false },
      }),
    ],
  });
  sdk.start();
  globalState[STATE_KEY] = { sdk, prometheus, serviceName: options.serviceName };
}

export function isTelemetryStarted(): boolean {
  return globalState[STATE_KEY] !== undefined;
}

/** Flushes pending spans and stops the SDK; call it from the application's shutdown hook. */
export async function shutdownTelemetry(): Promise<void> {
  const state = globalState[STATE_KEY];
  if (!state) return;
  globalState[STATE_KEY] = undefined;
  await state.sdk.shutdown();
}

/**
 * Serves the Prometheus text format; mount it on `GET /metrics` of the service's own HTTP server
 * (with Express, Nest's `@Req()`/`@Res()` objects are the Node request and response).
 */
export function metricsHandler(req: IncomingMessage, res: ServerResponse): void {
  const state = globalState[STATE_KEY];
  if (!state) {
    res.statusCode = 503;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('# telemetry not started\n');
    return;
  }
  state.prometheus.getMetricsRequestHandler(req, res);
}

/** Meter of the global provider; a no-op meter until startTelemetry has run. */
export function getMeter(name = 'crisis-ops', version?: string): Meter {
  return metrics.getMeter(name, version);
}
