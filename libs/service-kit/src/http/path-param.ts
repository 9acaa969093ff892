import { HttpException } from '@nestjs/common';
import { labelHttpRoute } from '@crisis-ops/observability';
import { routesMatching, type RoutedRequest } from './route-match';
import { invalidRequest } from './validation';

/** The message of what the Express router raises for a path parameter it cannot percent-decode (router's layer.js). */
const UNDECODABLE = /^Failed to decode param '(.*)'$/s;

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
  // The router's error names the value only: the parameter is the one whose segment it is.
  const matches = routesMatching(request());
  // Refused by the router before a route matched: its metrics and span get the route its URL names,
  // as a body refused before routing does (it was counted with no http_route).
  const route = matches.find((m) => m.takesMethod);
  if (route) labelHttpRoute(route.path);
  const params = matches.map((m) => Object.entries(m.rawParams).find(([, value]) => value === raw)?.[0]);
  return invalidRequest([{ field: params.find((name) => name !== undefined) ?? 'path', reason: 'is not valid percent-encoding' }]);
}
