import { HttpException, HttpStatus, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA, SSE_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { catchError, concatWith, ignoreElements, throwError, type Observable } from 'rxjs';
import { ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';
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
 * The query parameters a route takes more than once (`?type=a&type=b`, as a comma list): those its
 * `@ApiQuery` declares `isArray: true`. Any other given twice is refused.
 */
export function repeatableQuery(handler: Handler): ReadonlySet<string> {
  const declared = (Reflect.getMetadata(SWAGGER_PARAMETERS, handler) ?? []) as Array<{ in?: string; name?: string; isArray?: boolean }>;
  return new Set(declared.filter((p) => p.in === 'query' && p.name && p.isArray === true).map((p) => p.name as string));
}

/**
 * Whether a route may be run only to hear what it says of its own input: Nest answers for it with
 * what it returns, where a handler writing its response itself (`@Res()`, SSE) has begun answering
 * by the time it returns. Only a read (GET, HEAD) is run so: a write would be applied.
 */
export function answersByReturning(controller: object, handler: Handler): boolean {
  if (Reflect.getMetadata(SSE_METADATA, handler)) return false;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handler.name) ?? {}) as Record<string, unknown>;
  const writesItself = Object.keys(args).some((key) => [RouteParamtypes.RESPONSE, RouteParamtypes.NEXT].includes(Number(key.split(':')[0])));
  return !writesItself || Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller.constructor, handler.name) === true;
}

const QUERY_CHECK = 'crisis-ops:query-check';

/** Why a query parameter given more than once is refused. */
export const REPEATED = 'must be given once';

type QueryCheck = (query: Record<string, unknown>) => unknown;

/**
 * The check a route makes of its query parameters, for a route that is not run before an unknown
 * parameter is refused (one writing its own answer: a CSV, a stream). Given, it is run on the query and
 * what it refuses is named with the unknown parameter, as a route that is run has it named. It must
 * be the route's own check (the function its handler calls), synchronous, and throw what the route
 * throws (REQUEST.INVALID or a ValidationFailed).
 */
export const ChecksQuery = (check: QueryCheck) => SetMetadata(QUERY_CHECK, check);

/** The fields a refusal of input names (REQUEST.INVALID, or a service's own ValidationFailed), else none. */
function faultsNamedBy(error: unknown): readonly FieldViolation[] {
  if (error instanceof ValidationFailed) return error.violations;
  if (error instanceof HttpException && error.getStatus() === HttpStatus.BAD_REQUEST) {
    const errors = (error.getResponse() as { errors?: unknown }).errors;
    if (Array.isArray(errors)) return errors as FieldViolation[];
  }
  return [];
}

interface Route {
  allowed: ReadonlySet<string> | undefined;
  repeatable: ReadonlySet<string>;
  answersByReturning: boolean;
  check: QueryCheck | undefined;
}

/** What `check` refuses of `query`, if anything. */
function faultsOfCheck(check: QueryCheck | undefined, query: Record<string, unknown>): readonly FieldViolation[] {
  try {
    check?.(query);
    return [];
  } catch (error) {
    return faultsNamedBy(error);
  }
}

/**
 * Whether a request refused for its query may still run its route, to hear what the route refuses
 * of the rest: only a read (GET, HEAD) answered by what it returns, that takes query parameters (one
 * taking none has no other to find fault with) and has no ChecksQuery (which says it without running
 * the route). A run's answer is dropped, but what the handler writes stays: a read that writes (an
 * alert opened is audited as a view, asking for an import job resumes it) must take no query
 * parameter or declare its ChecksQuery, or a refused request would be audited as a view nobody got.
 */
function runsForFaults(route: Route, method: string | undefined): boolean {
  return route.answersByReturning && (method === 'GET' || method === 'HEAD') && (route.allowed?.size ?? 0) > 0 && route.check === undefined;
}

/**
 * Refuses a query parameter the route does not take: a misspelt filter (`?contry=BFA`) silently
 * ignored answers with everything, which reads as an answer to the question asked. The refusal names
 * the route's other faulty parameters too (`limit=abc`), as the validation pipe names every field at
 * once, so that one correction is enough: a reading route is run first and what it refuses joins the
 * answer (REQUEST.INVALID, 400, whatever code the route would have given alone). Any other route (see
 * runsForFaults) is refused before it runs, with what its ChecksQuery refuses, if it has one.
 */
@Injectable()
export class KnownQueryInterceptor implements NestInterceptor {
  private readonly routes = new Map<Handler, Route>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const handler = context.getHandler() as Handler;
    const request = context.switchToHttp().getRequest<{ method?: string; query?: Record<string, unknown> }>();
    const route = this.route(context.getClass().prototype, handler);
    const query = request.query ?? {};
    // A query string reaches SQL parameters as readily as a body does, and Postgres refuses the same text.
    const unstorable = unstorableText(query);
    if (unstorable.length > 0) throw invalidRequest(unstorable);
    // A parameter taking one value given twice arrives as an array, which the validation pipe joins
    // with commas: the route's own check read it as a malformed value ("must be an ISO 3166-1
    // alpha-3 code" of ?country=UKR&country=RUS), or matched it as one text.
    const repeated = Object.keys(query).filter((k) => Array.isArray(query[k]) && !route.repeatable.has(k));
    const { allowed } = route;
    if (!allowed) {
      if (repeated.length > 0) throw invalidRequest(repeated.map((field) => ({ field, reason: REPEATED })));
      return next.handle();
    }
    const unknown = Object.keys(query).filter((k) => !allowed.has(k));
    if (unknown.length === 0 && repeated.length === 0) return next.handle();
    const reason = allowed.size ? `is not a parameter of this request (it takes ${[...allowed].sort().join(', ')})` : 'is not a parameter of this request (it takes none)';
    const refused = [...unknown.map((field) => ({ field, reason })), ...repeated.filter((k) => allowed.has(k)).map((field) => ({ field, reason: REPEATED }))];
    const named = new Set(refused.map((f) => f.field));
    const refusal = (faults: readonly FieldViolation[]) => invalidRequest([...refused, ...faults.filter((f) => !named.has(f.field))]);
    if (!runsForFaults(route, request.method)) throw refusal(faultsOfCheck(route.check, query));
    // Its answer is not given: the request is refused either way. Any other failure (access, a
    // database out of reach) is for the corrected request to meet.
    return next.handle().pipe(
      ignoreElements(),
      catchError((error: unknown) => throwError(() => refusal(faultsNamedBy(error)))),
      concatWith(throwError(() => refusal([]))),
    );
  }

  private route(controller: object, handler: Handler): Route {
    let route = this.routes.get(handler);
    if (!route) {
      route = {
        allowed: declaredQuery(controller, handler),
        repeatable: repeatableQuery(handler),
        answersByReturning: answersByReturning(controller, handler),
        check: Reflect.getMetadata(QUERY_CHECK, handler) as QueryCheck | undefined,
      };
      this.routes.set(handler, route);
    }
    return route;
  }
}
