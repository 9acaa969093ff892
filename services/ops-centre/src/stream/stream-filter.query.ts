import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiSecurity } from '@nestjs/swagger';
import { ApiProblemResponse, QUERY_TOKEN_SCHEME } from '@crisis-ops/service-kit';

/**
 * The query parameters of parseStreamFilter, and the stream's token, declared once for /stream and
 * /replay: the declarations document them and are the parameters the routes accept (the lists
 * repeated too, isArray; the others once).
 */
export const StreamFilterQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'access_token', required: false, description: 'the bearer token, for EventSource (which cannot send headers)' }),
    ApiQuery({ name: 'region', required: false, isArray: true, description: 'comma list, or given more than once, of regional desks' }),
    ApiQuery({ name: 'country', required: false, isArray: true, description: 'comma list, or given more than once, of ISO 3166-1 alpha-3 codes' }),
    ApiQuery({ name: 'type', required: false, isArray: true, description: 'comma list, or given more than once, of event names (risk-escalated) or CloudEvents types' }),
    ApiQuery({ name: 'minLevel', required: false, description: 'low, elevated, high or critical: only events carrying a risk level at or above it' }),
  );

/**
 * What /stream and /replay answer, beside the platform's 400 (REQUEST.INVALID): public to the guard,
 * they check the token themselves, taken as a bearer header or `?access_token=` (either), and write
 * their refusals themselves (answerError of stream.controller.ts). `invalid` is the route's own 422.
 */
export const StreamAnswers = (events: string, invalid: string) =>
  applyDecorators(
    ApiBearerAuth(),
    ApiSecurity(QUERY_TOKEN_SCHEME),
    ApiOkResponse({ description: events, content: { 'text/event-stream': { schema: { type: 'string' } } } }),
    ApiProblemResponse(401, "AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID: no token, as bearer header or `access_token`, or one that is malformed, expired or not this platform's"),
    ApiProblemResponse(403, "OPS_CENTRE.REGION_FORBIDDEN: a `region` or `country` outside the token's region"),
    ApiProblemResponse(422, invalid),
    ApiProblemResponse(503, 'AUTH.VERIFIER_UNAVAILABLE: the token could not be checked; retry later'),
  );
