import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type TextMapGetter } from '@opentelemetry/api';

export type TraceHeaders = Record<string, string | undefined>;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);

// Message headers are not normalised like HTTP headers; accept any casing.
const headerGetter: TextMapGetter<TraceHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    if (carrier[key] !== undefined) return carrier[key];
    const lower = key.toLowerCase();
    const match = Object.keys(carrier).find((k) => k.toLowerCase() === lower);
    return match === undefined ? undefined : carrier[match];
  },
};

/** W3C headers (traceparent, tracestate, baggage) of the active context, for an outgoing message. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The active context as a W3C traceparent, or undefined when there is no valid active span. */
export function currentTraceparent(): string | undefined {
  return currentTraceHeaders()['traceparent'];
}

/** Trace id of the active span, for log lines and error bodies. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || spanContext.traceId === INVALID_TRACE_ID) return undefined;
  return spanContext.traceId;
}

/** The 32-hex trace id inside a W3C traceparent, or undefined when the value is not one. */
export function traceIdOf(traceparent: string | undefined | null): string | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match || match[1] === 'ff' || match[2] === INVALID_TRACE_ID) return undefined;
  return match[2];
}

export interface EventSpan {
  /** The span's context: code run inside it (e.g. staging follow-up events) continues its trace. */
  readonly context: Context;
  end(error?: unknown): void;
}

/**
 * A CONSUMER span for one consumed event, child of the span that produced it (its W3C headers),
 * whatever context is active (a batch's, a timer's): this span is what keeps each event's trace
 * going across services.
 */
export function startEventSpan(name: string, headers: TraceHeaders, attributes: Attributes = {}): EventSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  const span = trace.getTracer('crisis-ops').startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
  return {
    context: trace.setSpan(parent, span),
    end(error?: unknown) {
      if (error !== undefined) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      span.end();
    },
  };
}
