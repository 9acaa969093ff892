import { HttpStatus, Injectable, type CallHandler, type ExecutionContext, type HttpException, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { invalidRequest } from './validation';

/** Where @nestjs/swagger keeps a route's @ApiConsumes declaration (its DECORATORS.API_CONSUMES, not exported). */
const SWAGGER_CONSUMES = 'swagger/apiConsumes';

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;
const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

interface RequestHead {
  readonly headers: Record<string, string | string[] | undefined>;
}

const hasBody = (req: RequestHead) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Whether a request's body is of the media type its route reads: multipart only where the route
 * declares `@ApiConsumes('multipart/form-data')` (an upload), JSON everywhere else. The body parser
 * cannot know the route; undetected, an upload sent as JSON was told its file was missing and each
 * JSON key "is not an import field", a CSV posted to the upload was told to send JSON, and a form or
 * text posted to a JSON route arrived as an empty object, reported as every required field missing.
 */
export function mediaTypeProblem(consumes: readonly string[] | undefined, req: RequestHead): HttpException | undefined {
  if (!hasBody(req)) return undefined;
  const contentType = String(req.headers['content-type'] ?? 'missing');
  const wantsUpload = (consumes ?? []).some((t) => MULTIPART.test(t));
  if ((wantsUpload ? MULTIPART : JSON_TYPE).test(contentType)) return undefined;
  const expected = wantsUpload ? 'multipart/form-data (this request uploads a file)' : 'application/json';
  return invalidRequest([{ field: 'content-type', reason: `must be ${expected}, not ${contentType}` }], HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
}

/**
 * Refuses a body of the wrong media type for its route (`mediaTypeProblem`) before any route
 * interceptor reads it: an upload is then never written to disk only to be refused.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const consumes = Reflect.getMetadata(SWAGGER_CONSUMES, context.getHandler()) as string[] | undefined;
    const problem = mediaTypeProblem(consumes, context.switchToHttp().getRequest<RequestHead>());
    if (problem) throw problem;
    return next.handle();
  }
}
