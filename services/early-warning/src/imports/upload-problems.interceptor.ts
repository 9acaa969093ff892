import { HttpException, HttpStatus, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { invalidRequest } from '@crisis-ops/service-kit';

/**
 * What multer refuses (a file over the size limit, too many files, a form it cannot parse) as the
 * platform's error body. Nest turns multer's errors into bare 400/413s with a message and no
 * `errors`, which named no part of the request; errors the route raises itself carry theirs and pass.
 */
@Injectable()
export class UploadProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (!(err instanceof HttpException)) throw err;
        const body = err.getResponse();
        if (typeof body === 'object' && body !== null && 'errors' in body) throw err;
        const status = err.getStatus();
        if (status === HttpStatus.PAYLOAD_TOO_LARGE) throw invalidRequest([{ field: 'file', reason: `is over the upload limit (${err.message})` }], status, 'REQUEST.TOO_LARGE');
        if (status === HttpStatus.BAD_REQUEST) throw invalidRequest([{ field: 'body', reason: `is not a form this upload can read: ${err.message}` }]);
        throw err;
      }),
    );
  }
}
