import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Response = { description: string; content: { 'application/json': { schema: { $ref: string } } } };

const PROBLEM = 'Problem';
const problem = (description: string): Response => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${PROBLEM}` } } } });

/**
 * A route's own error answer, with the platform's error body (the Problem schema withPlatformResponses
 * adds): `@ApiProblemResponse(404, 'MEDIATION.PROCESS_NOT_FOUND: …')`. Name the codes the route gives
 * in the description; a status declared so replaces the platform's description of it on that route.
 * Nest then leaves out the success answer it would have listed by itself: declare that one too.
 */
export const ApiProblemResponse = (status: number, description: string) => ApiResponse({ status, ...problem(description) });

/**
 * The security scheme of a token sent as `?access_token=` (RFC 6750 §2.3), which a route for
 * EventSource takes (it cannot send an Authorization header): declared on it with
 * `@ApiSecurity(QUERY_TOKEN_SCHEME)` beside `@ApiBearerAuth()` (either), and defined in the document
 * by withPlatformResponses when a route does.
 */
export const QUERY_TOKEN_SCHEME = 'access_token';

/**
 * The answers the platform's edge gives any route, whatever the route declares (ProblemFilter's
 * shape); 431 before any route runs (answerClientErrors), the health probes included.
 */
const ANY_ROUTE = {
  '400': problem('REQUEST.INVALID: a query parameter the route does not take, a bad value, or a path parameter that is not valid percent-encoding; `errors` names each field and the reason'),
  '431': problem('REQUEST.HEADERS_TOO_LARGE: the request headers, all together, are over the 16 KB the service reads (a bearer token far too large); `errors` names `headers`'),
} as const;
/** The guard's answers, for routes that need a bearer token; and the database's, which they all read or write. */
const SECURED = {
  '401': problem('AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID: no bearer token, or one that is malformed, expired or not this platform\'s'),
  '403': problem("AUTH.FORBIDDEN_ROLE (the token's roles do not allow it) or the service's own code for a region the token may not see"),
  '503': problem('SERVICE.DATABASE_UNAVAILABLE (with Retry-After) or AUTH.VERIFIER_UNAVAILABLE: retry later'),
} as const;
/** The body parser's and the media-type check's answers, for routes that take a body. */
const WITH_BODY = {
  '400': problem('REQUEST.INVALID (`errors` names each field and the reason, including text that is not UTF-8), REQUEST.MALFORMED_JSON, REQUEST.INCOMPLETE_BODY or REQUEST.UNREADABLE_BODY (not what its Content-Encoding says)'),
  '413': problem('REQUEST.TOO_LARGE: the body is over the route\'s limit'),
  '415': problem('REQUEST.UNSUPPORTED_MEDIA_TYPE, REQUEST.UNSUPPORTED_CHARSET (send UTF-8) or REQUEST.UNSUPPORTED_ENCODING'),
} as const;

/**
 * The document with the answers every route can give beside its own (a bad query parameter, headers
 * too large; for a
 * route behind the token guard, 401, 403 and 503; for one that takes a body, the body parser's 400,
 * 413 and 415), on each operation that does not declare them itself, and the error body they share.
 * The edge gives them to every route, and a document that left them out told a client generated from
 * it that a route answers only 200 or 202. A route's own answers (ApiProblemResponse) refer to the same
 * error body; a route taking the token in its query (QUERY_TOKEN_SCHEME) gets that scheme defined.
 */
export function withPlatformResponses(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = {
    ...schemas,
    [PROBLEM]: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, e.g. REQUEST.INVALID or MEDIATION.PROCESS_ALREADY_CLOSED' },
        message: { type: 'string' },
        errors: {
          type: 'array',
          description: 'For REQUEST.INVALID: each field at fault and why',
          items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } },
        },
      },
    },
  };
  let queryToken = false;
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation: Operation | undefined = item[method];
      if (!operation) continue;
      const security = operation.security ?? document.security ?? [];
      const secured = security.length > 0;
      queryToken ||= security.some((requirement) => QUERY_TOKEN_SCHEME in requirement);
      const platform = { ...ANY_ROUTE, ...(secured ? SECURED : {}), ...(operation.requestBody ? WITH_BODY : {}) };
      // The route's own declaration of a status stands: it says more of that route than this can.
      operation.responses = { ...platform, ...operation.responses };
    }
  }
  if (queryToken) {
    document.components.securitySchemes = {
      ...document.components.securitySchemes,
      [QUERY_TOKEN_SCHEME]: { type: 'apiKey', in: 'query', name: QUERY_TOKEN_SCHEME, description: 'the bearer token as a query parameter (RFC 6750 §2.3), for EventSource, which cannot send headers; only the routes that list it take it' },
    };
  }
  return document;
}
