import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError } from './auth-error';
import { IS_PUBLIC_KEY, ROLES_KEY, type AuthenticatedRequest } from './auth.decorators';
import type { Role } from './principal';
import { TokenVerifier } from './token-verifier';

interface HeaderWriter {
  setHeader?(name: string, value: string): unknown;
}

/**
 * Global guard (registered by AuthModule): every HTTP route needs a valid bearer token unless marked
 * @Public(). Kafka and other transports are not JWT-authenticated and pass through untouched.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  // Explicit tokens: Nest must not depend on emitted decorator metadata to build the guard.
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      request.principal = await this.verifier.verifyAuthorizationHeader(request.headers['authorization']);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      throw toHttpException(error, http.getResponse<HeaderWriter>());
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && required.length > 0 && !required.some((role) => request.principal?.roles.includes(role))) {
      throw new ForbiddenException({
        code: 'AUTH.FORBIDDEN_ROLE',
        message: `requires one of the roles: ${required.join(', ')}`,
      });
    }
    return true;
  }
}

function toHttpException(error: AuthError, response: HeaderWriter): HttpException {
  if (error.code === 'AUTH.VERIFIER_UNAVAILABLE') {
    return new HttpException(error.toBody(), HttpStatus.SERVICE_UNAVAILABLE, { cause: error });
  }
  // RFC 6750: tell the client which scheme is expected and whether its token was the problem.
  const challenge = error.code === 'AUTH.TOKEN_INVALID' ? 'Bearer error="invalid_token"' : 'Bearer';
  response.setHeader?.('WWW-Authenticate', challenge);
  return new UnauthorizedException(error.toBody(), { cause: error });
}
