import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

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
