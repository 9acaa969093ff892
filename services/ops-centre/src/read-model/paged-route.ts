import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, type ApiResponseOptions } from '@nestjs/swagger';
import type { Response } from 'express';

/**
 * What the four paged listings (/risk, /alerts, /audit, /response-times) share: `limit` and `cursor`
 * in, one page out with the next page's cursor in X-Next-Cursor. The order and what a cursor resumes
 * after are each listing's own (their cursors are not interchangeable).
 */
export const NEXT_CURSOR = 'X-Next-Cursor';

/**
 * The `limit` and `cursor` parameters and the page's answer with its X-Next-Cursor header (a header of
 * the answer: ApiHeader documents request headers).
 */
export function ApiPaged(options: { readonly limit: { readonly max: number; readonly fallback: number }; readonly ok: ApiResponseOptions }) {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: `1..${options.limit.max}, default ${options.limit.fallback}` }),
    ApiQuery({ name: 'cursor', required: false, description: `the ${NEXT_CURSOR} header of the previous page` }),
    ApiOkResponse({ ...options.ok, headers: { ...options.ok.headers, [NEXT_CURSOR]: { description: 'present when another page follows', schema: { type: 'string' } } } }),
  );
}

/** The page's rows, its next cursor (if another page follows) set on the answer. */
export function sendPage<T>(res: Response, page: { readonly rows: T[]; readonly next?: string | null }): T[] {
  if (page.next) res.setHeader(NEXT_CURSOR, page.next);
  return page.rows;
}
