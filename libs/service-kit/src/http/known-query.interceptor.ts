import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Observable } from 'rxjs';
import { invalidRequest } from './validation';
import { unstorableText } from './json-body';

/** Where @nestjs/swagger keeps a route's @ApiQuery declarations (its DECORATORS.API_PARAMETERS, not exported). */
const SWAGGER_PARAMETERS = 'swagger/apiParameters';

type Handler = (...args: unknown[]) => unknown;

/**
 * The query parameters a route takes (none for a route that reads none), or undefined where the
 * route checks its query itself (a DTO under the strict validation pipe). Declared by
 * `@Query('name')` and `@ApiQuery`.
 */
export function declaredQuery(controller: object, handler: Handler): ReadonlySet<string> | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller, handler.name) ?? []) as unknown[];
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data === 'string') names.add(arg.data);
    else if (typeof types[arg.index] === 'function' && types[arg.index] !== Object) return undefined;
  }
  for (const p of (Reflect.getMetadata(SWAGGER_PARAMETERS, handler) ?? []) as Array<{ in?: string; name?: string }>) {
    if (p.in === 'query' && p.name) names.add(p.name);
  }
  return names;
}

/**
 * Refuses a query parameter the route does not take: a misspelt filter (`?contry=BFA`) silently
 * ignored answers with everything, which reads as an answer to the question asked.
 */
@Injectable()
export class KnownQueryInterceptor implements NestInterceptor {
  private readonly cache = new Map<Handler, ReadonlySet<string> | undefined>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const handler = context.getHandler() as Handler;
    if (!this.cache.has(handler)) this.cache.set(handler, declaredQuery(context.getClass().prototype, handler));
    const allowed = this.cache.get(handler);
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
    // A query string reaches SQL parameters as readily as a body does, and Postgres refuses the same text.
    const unstorable = unstorableText(query);
    if (unstorable.length > 0) throw invalidRequest(unstorable);
    if (!allowed) return next.handle();
    const unknown = Object.keys(query).filter((k) => !allowed.has(k));
    const reason = allowed.size ? `is not a parameter of this request (it takes ${[...allowed].sort().join(', ')})` : 'is not a parameter of this request (it takes none)';
    if (unknown.length > 0) throw invalidRequest(unknown.map((field) => ({ field, reason })));
    return next.handle();
  }
}
