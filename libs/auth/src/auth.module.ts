import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { loadAuthConfig, type AuthSettings } from './auth.config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

export interface AuthModuleOptions extends TokenVerifierOptions {
  /** Settings to use instead of the AUTH_* environment variables (tests). */
  settings?: AuthSettings;
}

@Module({})
export class AuthModule {
  /** Provides TokenVerifier and makes JwtAuthGuard global; import once, in the root module. */
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        // A factory, not a value computed here: config errors surface while the app boots.
        { provide: AUTH_SETTINGS, useFactory: () => options.settings ?? loadAuthConfig(process.env) },
        { provide: TokenVerifier, useFactory: (settings: AuthSettings) => new TokenVerifier(settings, { regions: options.regions }), inject: [AUTH_SETTINGS] },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
      ],
      exports: [AUTH_SETTINGS, TokenVerifier],
    };
  }
}
