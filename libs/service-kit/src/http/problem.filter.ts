import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@crisis-ops/domain-kernel';
import { isStoreUnavailable } from '@crisis-ops/messaging';
import { undecodablePathParam } from './path-param';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
  setHeader(name: string, value: string): unknown;
}

/**
 * The one place where errors become HTTP. Every error body has a stable `code` and a `message`;
 * validation errors add `errors: [{ field, reason }]`. Unexpected errors are logged and answered
 * with a generic 500 that leaks nothing.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<JsonResponse>();
    // Raised by the router before any route ran, it names the value only: answered naming the parameter.
    error = undecodablePathParam(error, () => host.switchToHttp().getRequest()) ?? error;
    if (error instanceof DomainError) {
      res.status(STATUS_OF_KIND[error.kind]).json({ code: error.code, message: error.message, ...(error.details ?? {}) });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const status = error.getStatus();
      if (typeof body === 'object' && body !== null && 'code' in body) {
        res.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
      res.status(status).json({ code: `HTTP.${HttpStatus[status] ?? status}`, message });
      return;
    }
    if (isClientHttpError(error)) {
      // An Express middleware's http-error (it marks client errors safe to show with `expose`).
      res.status(error.status).json({ code: `HTTP.${HttpStatus[error.status] ?? error.status}`, message: error.message });
      return;
    }
    if (isStoreUnavailable(error)) {
      // An outage, not a defect: a client, an importer or a load balancer must be able to tell the
      // two apart and retry (intake by (source, id) and requests with an Idempotency-Key apply once).
      this.logger.warn(`database out of reach: ${(error as Error).message}`);
      res.setHeader('Retry-After', '5');
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({ code: 'SERVICE.DATABASE_UNAVAILABLE', message: 'the service cannot reach its database; retry later' });
      return;
    }
    this.logger.error(error instanceof Error ? error.stack : String(error));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ code: 'INTERNAL', message: 'internal error; see the service log' });
  }
}

function isClientHttpError(error: unknown): error is Error & { status: number } {
  const e = error as { status?: unknown; expose?: unknown };
  return error instanceof Error && e.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500;
}
