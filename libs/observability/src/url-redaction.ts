import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Query parameters that carry a credential. `access_token` is RFC 6750 §2.3's bearer token, which
 * ops-centre's streams take (EventSource cannot send headers) and a client may send to any route:
 * a route refusing it (401) has still received it, and its URL is logged and traced.
 */
export const CREDENTIAL_QUERY_PARAMS: readonly string[] = ['access_token'];

/** What a credential's value is replaced by (instrumentation-http's own word). */
export const REDACTED = 'REDACTED';

const isCredential = (encodedName: string): boolean => {
  let name: string;
  try {
    name = decodeURIComponent(encodedName.replace(/\+/g, ' '));
  } catch {
    name = encodedName;
  }
  return CREDENTIAL_QUERY_PARAMS.includes(name.toLowerCase());
};

/**
 * A query string (with or without its `?`: instrumentations differ) with the value of every
 * credential parameter replaced; every other parameter is left byte for byte as it came
 * (re-encoding would change what is logged).
 */
export function redactQueryString(query: string): string {
  if (query.startsWith('?')) return `?${redactQueryString(query.slice(1))}`;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return isCredential(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** A URL, absolute or a request target (`/risk?access_token=…`), with its credential parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  return `${url.slice(0, q + 1)}${redactQueryString(query)}${hash < 0 ? '' : url.slice(hash)}`;
}

/** A parsed query (Express's `req.query`) with its credential parameters redacted, as a copy. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  const entries = Object.entries(query as Record<string, unknown>);
  if (!entries.some(([key]) => CREDENTIAL_QUERY_PARAMS.includes(key.toLowerCase()))) return query;
  return Object.fromEntries(entries.map(([key, value]) => [key, CREDENTIAL_QUERY_PARAMS.includes(key.toLowerCase()) ? REDACTED : value]));
}

/** Span attributes that hold a URL or a part of one with its query (current and older conventions). */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'] as const;
const QUERY_ATTRIBUTES = ['url.query'] as const;

/**
 * Redacts credential parameters from a span's URL attributes as it starts. instrumentation-http
 * redacts its own server span's url.query (redactedQueryParamsServer), but it has no say over the
 * others: instrumentation-nestjs-core puts the raw `req.originalUrl` into url.full of every handler
 * span, with no hook to change it. It must come before the exporting processors.
 */
export class UrlRedactingSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string' && value.includes('?')) {
        const redacted = redactUrl(value);
        if (redacted !== value) span.setAttribute(key, redacted);
      }
    }
    for (const key of QUERY_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') {
        const redacted = redactQueryString(value);
        if (redacted !== value) span.setAttribute(key, redacted);
      }
    }
  }

  onEnd(_span: ReadableSpan): void {
    // Everything is done as the span starts: the URL attributes are set when it is created.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
