export { AuthError, type AuthErrorCode } from './auth-error';
export type { Principal, Role } from './principal';
export {
  loadAuthConfig,
  DEFAULT_AUTH_ISSUER,
  DEFAULT_AUTH_AUDIENCE,
  MIN_DEV_SECRET_LENGTH,
  type AuthSettings,
} from './auth.config';
export { TokenVerifier, bearerTokenOf, CLOCK_TOLERANCE_SECONDS, GLOBAL_REGION, type TokenVerifierOptions } from './token-verifier';
export { signDevToken, LOCAL_DEV_SECRET, type DevTokenOptions } from './dev-token';
export { PLATFORM_ROLES, isPlatformRole, type PlatformRole } from './roles';
export {
  Public,
  Roles,
  CurrentPrincipal,
  IS_PUBLIC_KEY,
  ROLES_KEY,
  type AuthenticatedRequest,
} from './auth.decorators';
export { JwtAuthGuard } from './jwt-auth.guard';
export { AuthModule, AUTH_SETTINGS, type AuthModuleOptions } from './auth.module';
