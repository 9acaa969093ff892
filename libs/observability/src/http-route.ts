import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the route of the request being answered, for its server span and its
 * http_server_request_duration series (http_route), where the Express instrumentation has not:
 * it names a route only once the router has matched it, and a request refused before (by the body
 * parser) was counted with no route. Does nothing outside a request's trace or without telemetry.
 */
export function labelHttpRoute(route: string): void {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = route;
}
