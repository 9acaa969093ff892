import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Params } from 'nestjs-pino';
import { isProbePath } from './probe-path';
import { redactQuery, redactUrl } from './url-redaction';

const INVALID_TRACE_ID = '0'.repeat(32);

/** Fields added to every log line: the ids of the active span, when there is one. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || spanContext.traceId === INVALID_TRACE_ID) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** The levels `LOG_LEVEL` may name (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Why a `LOG_LEVEL` value cannot be used, or undefined when it can (unset or empty: info). */
export function logLevelProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || (LOG_LEVELS as readonly string[]).includes(value)) return undefined;
  return `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`;
}

/** Options for `LoggerModule.forRoot(loggerOptions('mediation'))`. */
export function loggerOptions(serviceName: string): Params {
  return {
    pinoHttp: {
      level: process.env['LOG_LEVEL'] || 'info',
      base: { service: serviceName },
      // Level names and ISO times read better in `docker logs` and are what log shippers expect.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      mixin: traceLogFields,
      // A token sent as ?access_token= (to any route: one refusing it has still received it) stays out
      // of the access line's url and query. The serializer gets pino's copy of the request, not Express's.
      serializers: {
        req: (req: { url?: unknown; query?: unknown }) => {
          if (typeof req.url === 'string') req.url = redactUrl(req.url);
          if (req.query !== undefined) req.query = redactQuery(req.query);
          return req;
        },
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      // Application lines inside a request carry only req.id; the full request is on the access line.
      quietReqLogger: true,
      autoLogging: { ignore: (req: IncomingMessage) => isProbePath(req.url) },
    },
    // Express 5 (path-to-regexp 8) rejects the legacy '*' wildcard that nestjs-pino uses by default.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  };
}
