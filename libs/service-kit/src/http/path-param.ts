import { HttpException } from '@nestjs/common';
import { invalidRequest } from './validation';

/** The message of what the Express router raises for a path parameter it cannot percent-decode (router's layer.js). */
const UNDECODABLE = /^Failed to decode param '(.*)'$/s;

interface RoutedRequest {
  readonly method?: string;
  readonly originalUrl?: string;
  readonly url?: string;
  readonly app?: { readonly router?: { readonly stack?: ReadonlyArray<{ readonly route?: { readonly path?: unknown; readonly methods?: Record<string, boolean> } }> } };
}

/**
 * The name of the route parameter whose segment of the request's path is `raw`: the router's error
 * names the value only. Routes are matched segment by segment (`/alerts/:id` against `/alerts/%ZZ`),
 * one for the request's method first; undefined if none fits.
 */
function paramName(req: RoutedRequest, raw: string): string | undefined {
  const segments = (req.originalUrl ?? req.url ?? '').split('?')[0].split('/');
  const method = (req.method ?? 'GET').toLowerCase();
  const routes = (req.app?.router?.stack ?? []).flatMap((layer) => (layer.route && typeof layer.route.path === 'string' ? [{ path: layer.route.path, methods: layer.route.methods ?? {} }] : []));
  const ordered = [...routes.filter((r) => r.methods[method] || r.methods['_all']), ...routes];
  for (const route of ordered) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    let name: string | undefined;
    const fits = pattern.every((part, i) => {
      if (!part.startsWith(':')) return part === segments[i];
      if (segments[i] === raw) name ??= part.slice(1).match(/^\w+/)?.[0];
      return true;
    });
    if (fits && name) return name;
  }
  return undefined;
}

/**
 * A path parameter that is not valid percent-encoding (`/alerts/%ZZ`) as the platform's 400
 * REQUEST.INVALID naming the parameter. The router's own error reached the filter as a bare 400,
 * `HTTP.BAD_REQUEST "Failed to decode param '%ZZ'"`, with no `errors` and no field named.
 * Undefined for any other error.
 */
export function undecodablePathParam(error: unknown, request: () => RoutedRequest): HttpException | undefined {
  // Nest hands it on as a BadRequestException with the router's message (a bare URIError if not).
  if (!(error instanceof Error)) return undefined;
  const status = error instanceof HttpException ? error.getStatus() : (error as { status?: unknown }).status;
  if (status !== 400) return undefined;
  const raw = error.message.match(UNDECODABLE)?.[1];
  if (raw === undefined) return undefined;
  return invalidRequest([{ field: paramName(request(), raw) ?? 'path', reason: 'is not valid percent-encoding' }]);
}
