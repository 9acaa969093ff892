import { HttpException, HttpStatus, Injectable, Optional, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import { PIPES_METADATA, RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA, SSE_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModuleRef } from '@nestjs/core';
import { catchError, concatWith, from, ignoreElements, mergeMap, throwError, type Observable } from 'rxjs';
import { ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';
import { invalidRequest, requestPipes } from './validation';
import { unstorableText } from './json-body';
import { IDEMPOTENCY_KEY_ROUTE, idempotencyKeyFaults } from '../idempotency/idempotency-key';

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

/** An argument of a route that its pipes check, other than its query: its body or a path parameter. */
interface PipedArgument {
  type: 'body' | 'param';
  /** `@Body('field')`, `@Param('id')`; none for the whole body or every parameter. */
  data?: string;
  metatype?: unknown;
  /** Its own pipes (`@Body(new SomePipe())`), run after the others as Nest runs them. */
  pipes: unknown[];
}

/**
 * The body and path-parameter arguments of a route, with the pipes Nest runs on each beyond the
 * application's own (its controller's and method's `@UsePipes`, then the argument's).
 */
export function pipedArguments(controller: object, handler: Handler): { args: PipedArgument[]; pipes: unknown[] } {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handler.name) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller, handler.name) ?? []) as unknown[];
  const piped: PipedArgument[] = [];
  for (const [key, arg] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]);
    if (kind !== RouteParamtypes.BODY && kind !== RouteParamtypes.PARAM) continue;
    piped.push({ type: kind === RouteParamtypes.BODY ? 'body' : 'param', data: typeof arg.data === 'string' ? arg.data : undefined, metatype: types[arg.index], pipes: arg.pipes ?? [] });
  }
  const pipes = [...((Reflect.getMetadata(PIPES_METADATA, controller.constructor) ?? []) as unknown[]), ...((Reflect.getMetadata(PIPES_METADATA, handler) ?? []) as unknown[])];
  return { args: piped, pipes };
}

const QUERY_CHECK = 'crisis-ops:query-check';

/** Why a query parameter given more than once is refused. */
export const REPEATED = 'must be given once';

type QueryCheck = (query: Record<string, unknown>, controller: never) => unknown;

/**
 * The check a route makes of its query parameters, for a route that is not run before an unknown
 * parameter is refused (one writing its own answer: a CSV, a stream). Given, it is run on the query and
 * what it refuses is named with the unknown parameter, as a route that is run has it named. It must
 * be the route's own check (the function its handler calls), synchronous, and throw what the route
 * throws (REQUEST.INVALID or a ValidationFailed). Given the route's controller too, as ChecksBody is:
 * a check that depends on the deployment (which codes it takes) reads it there.
 */
export const ChecksQuery = <C>(check: (query: Record<string, unknown>, controller: C) => unknown) => SetMetadata(QUERY_CHECK, check);

const BODY_CHECK = 'crisis-ops:body-check';

type BodyCheck = (body: unknown, controller: never) => unknown;

/**
 * The check a route makes of its body in its handler rather than in a pipe (early-warning's intake,
 * whose rules take its clock and configuration), for a request refused without running the route
 * (a query parameter it does not take) to be told its body's faults too. Given the body and the
 * route's controller; it must be the route's own check, synchronous, and throw what the route throws.
 */
export const ChecksBody = <C>(check: (body: unknown, controller: C) => unknown) => SetMetadata(BODY_CHECK, check);

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
  piped: { args: PipedArgument[]; pipes: unknown[] };
  bodyCheck: BodyCheck | undefined;
  takesIdempotencyKey: boolean;
}

/** What `check` refuses of `query`, if anything. */
function faultsOfCheck(check: QueryCheck | undefined, query: Record<string, unknown>, controller: () => unknown): readonly FieldViolation[] {
  if (!check) return [];
  try {
    check(query, controller() as never);
    return [];
  } catch (error) {
    return faultsNamedBy(error);
  }
}

const isPipe = (pipe: unknown): pipe is PipeTransform => typeof (pipe as PipeTransform | undefined)?.transform === 'function';

/**
 * What the pipes refuse of a request's body and path parameters, run as Nest would run them before
 * the handler (the application's pipes, `requestPipes`, then the route's), but without the handler:
 * a write refused for its query is told what its body gets wrong too, and nothing is applied. A pipe
 * given as a class (Nest makes it) is not run here: its faults are for the corrected request. So too
 * what the route's ChecksBody refuses, given its controller.
 */
async function faultsOfArguments(
  route: Route,
  request: { body?: unknown; params?: Record<string, unknown> },
  appPipes: readonly PipeTransform[],
  controller: () => unknown,
): Promise<FieldViolation[]> {
  const faults: FieldViolation[] = [];
  if (route.bodyCheck) {
    const instance = controller();
    if (instance !== undefined) {
      try {
        route.bodyCheck(request.body, instance as never);
      } catch (error) {
        faults.push(...faultsNamedBy(error));
      }
    }
  }
  for (const arg of route.piped.args) {
    const whole = arg.type === 'body' ? request.body : request.params;
    let value = arg.data === undefined ? whole : (whole as Record<string, unknown> | undefined)?.[arg.data];
    try {
      for (const pipe of [...appPipes, ...route.piped.pipes, ...arg.pipes].filter(isPipe)) {
        value = await pipe.transform(value, { type: arg.type, data: arg.data, metatype: arg.metatype as never });
      }
    } catch (error) {
      faults.push(...faultsNamedBy(error));
    }
  }
  return faults;
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
 * the route's other faults too (`limit=abc`, a body field missing), as the validation pipe names every
 * field at once, so that one correction is enough: a reading route is run first and what it refuses
 * joins the answer (REQUEST.INVALID, 400, whatever code the route would have given alone). Any other
 * route (see runsForFaults) is refused without running it, with what its ChecksQuery refuses, if it
 * has one, and what the pipes refuse of its body and path parameters (faultsOfArguments).
 */
@Injectable()
export class KnownQueryInterceptor implements NestInterceptor {
  private readonly routes = new Map<Handler, Route>();
  private readonly appPipes = requestPipes();

  // Optional: a ChecksBody is given the route's controller, which only the application has.
  constructor(@Optional() private readonly modules?: ModuleRef) {}

  private controllerOf(type: unknown): unknown {
    try {
      return this.modules?.get(type as never, { strict: false });
    } catch {
      return undefined;
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const handler = context.getHandler() as Handler;
    const request = context.switchToHttp().getRequest<{
      method?: string;
      query?: Record<string, unknown>;
      body?: unknown;
      params?: Record<string, unknown>;
      headers: Record<string, string | string[] | undefined>;
      headersDistinct?: Record<string, string[] | undefined>;
    }>();
    const route = this.route(context.getClass().prototype, handler);
    const query = request.query ?? {};
    // A query string reaches SQL parameters as readily as a body does, and Postgres refuses the same text.
    const unstorable = unstorableText(query);
    // A malformed Idempotency-Key was refused alone, from its parameter decorator, before the pipes:
    // fixed and retried, the request met its body's faults in a second 400. Named with them instead.
    const keyFaults = route.takesIdempotencyKey ? idempotencyKeyFaults(request) : [];
    // Refused without running the route, with what the pipes refuse of its body and path parameters.
    const refuse = (faults: readonly FieldViolation[]) =>
      from(faultsOfArguments(route, request, this.appPipes, () => this.controllerOf(context.getClass()))).pipe(
        mergeMap((ofArguments) => throwError(() => invalidRequest([...faults, ...keyFaults, ...ofArguments]))),
      );
    if (unstorable.length > 0) return refuse(unstorable);
    const handle = () => (keyFaults.length > 0 ? refuse([]) : next.handle());
    // A parameter taking one value given twice arrives as an array, which the validation pipe joins
    // with commas: the route's own check read it as a malformed value ("must be an ISO 3166-1
    // alpha-3 code" of ?country=UKR&country=RUS), or matched it as one text.
    const repeated = Object.keys(query).filter((k) => Array.isArray(query[k]) && !route.repeatable.has(k));
    const { allowed } = route;
    if (!allowed) {
      if (repeated.length > 0) return refuse(repeated.map((field) => ({ field, reason: REPEATED })));
      return handle();
    }
    const unknown = Object.keys(query).filter((k) => !allowed.has(k));
    if (unknown.length === 0 && repeated.length === 0) return handle();
    const reason = allowed.size ? `is not a parameter of this request (it takes ${[...allowed].sort().join(', ')})` : 'is not a parameter of this request (it takes none)';
    const refused = [...unknown.map((field) => ({ field, reason })), ...repeated.filter((k) => allowed.has(k)).map((field) => ({ field, reason: REPEATED }))];
    const named = new Set(refused.map((f) => f.field));
    // What the route says of the query again names a parameter refused above: said once. (A body
    // field may share a parameter's name: it is another field, and named.)
    const refusal = (faults: readonly FieldViolation[]) => invalidRequest([...refused, ...keyFaults, ...faults.filter((f) => !named.has(f.field))]);
    if (!runsForFaults(route, request.method)) return refuse([...refused, ...faultsOfCheck(route.check, query, () => this.controllerOf(context.getClass())).filter((f) => !named.has(f.field))]);
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
        piped: pipedArguments(controller, handler),
        bodyCheck: Reflect.getMetadata(BODY_CHECK, handler) as BodyCheck | undefined,
        takesIdempotencyKey: Reflect.getMetadata(IDEMPOTENCY_KEY_ROUTE, handler) === true,
      };
      this.routes.set(handler, route);
    }
    return route;
  }
}
