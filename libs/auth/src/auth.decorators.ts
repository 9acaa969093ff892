import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const IS_PUBLIC_KEY = 'crisis-ops:auth:public';
export const ROLES_KEY = 'crisis-ops:auth:roles';

/** Request as seen by handlers once JwtAuthGuard has run. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Opens a handler or a whole controller to unauthenticated callers (health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Requires the caller to hold at least one of the roles. On a handler it replaces any @Roles of the
 * controller rather than adding to it.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The verified caller; undefined on @Public routes. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
