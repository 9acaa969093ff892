import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import { LOCAL_DEV_SECRET, signDevToken } from './dev-token';
import type { Principal } from './principal';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TokenVerifier } from './token-verifier';

@Controller('cases')
class CasesController {
  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return { subject: principal.subject, region: principal.region };
  }

  @Get('admin')
  @Roles('mediation_admin', 'ops_admin')
  admin() {
    return { ok: true };
  }
}

@Public()
@Controller('health')
class HealthController {
  @Get()
  health(@CurrentPrincipal() principal: Principal | undefined) {
    return { status: 'ok', authenticated: principal !== undefined };
  }
}

@Module({
  imports: [
    AuthModule.forRoot({
      settings: { issuer: 'crisis-ops-dev', audience: 'crisis-ops', mode: 'dev-secret', devSecret: LOCAL_DEV_SECRET },
    }),
  ],
  controllers: [CasesController, HealthController],
})
class AppModule {}

const token = (roles: string[], extra: { audience?: string } = {}) =>
  signDevToken({
    subject: 'amina',
    roles,
    region: 'africa',
    secret: LOCAL_DEV_SECRET,
    issuer: 'crisis-ops-dev',
    audience: extra.audience ?? 'crisis-ops',
    ttlSeconds: 60,
  });

describe('AuthModule in a Nest app', () => {
  let app: INestApplication;
  let base: string;
  const get = (path: string, bearer?: string) =>
    fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 401 AUTH.TOKEN_MISSING without a token', async () => {
    const response = await get('/cases');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ code: 'AUTH.TOKEN_MISSING', message: 'missing Authorization header' });
  });

  it('answers 401 AUTH.TOKEN_INVALID for a token of another audience', async () => {
    const response = await get('/cases', await token(['viewer'], { audience: 'elsewhere' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toMatchObject({ code: 'AUTH.TOKEN_INVALID', message: expect.stringMatching(/audience/) });
  });

  it('answers 200 with a valid token and hands the principal to the handler', async () => {
    const response = await get('/cases', await token(['viewer']));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'amina', region: 'africa' });
  });

  it('answers 200 on a @Public controller without a token', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', authenticated: false });
  });

  it('answers 403 AUTH.FORBIDDEN_ROLE on a @Roles route without one of the roles', async () => {
    const response = await get('/cases/admin', await token(['viewer']));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      code: 'AUTH.FORBIDDEN_ROLE',
      message: 'requires one of the roles: mediation_admin, ops_admin',
    });
  });

  it('answers 200 on a @Roles route with any one of the roles', async () => {
    expect((await get('/cases/admin', await token(['viewer', 'ops_admin']))).status).toBe(200);
  });

  it('exports TokenVerifier for other providers', () => {
    expect(app.get(TokenVerifier)).toBeInstanceOf(TokenVerifier);
  });
});

describe('AuthModule configuration', () => {
  it('fails the boot with a message naming the variables when AUTH_* is missing', async () => {
    const saved = { jwks: process.env['AUTH_JWKS_URL'], secret: process.env['AUTH_DEV_SECRET'] };
    delete process.env['AUTH_JWKS_URL'];
    delete process.env['AUTH_DEV_SECRET'];
    @Module({ imports: [AuthModule.forRoot()] })
    class EnvModule {}
    try {
      await expect(NestFactory.create(EnvModule, { logger: false, abortOnError: false })).rejects.toThrow(
        /AUTH_JWKS_URL nor AUTH_DEV_SECRET/,
      );
    } finally {
      if (saved.jwks !== undefined) process.env['AUTH_JWKS_URL'] = saved.jwks;
      if (saved.secret !== undefined) process.env['AUTH_DEV_SECRET'] = saved.secret;
    }
  });
});

describe('JwtAuthGuard outside HTTP', () => {
  it('lets Kafka (rpc) handlers through without looking for a token', async () => {
    const verifier = new TokenVerifier({ issuer: 'i', audience: 'a', mode: 'dev-secret', devSecret: LOCAL_DEV_SECRET });
    const guard = new JwtAuthGuard(new Reflector(), verifier);
    const rpcContext = {
      getType: () => 'rpc',
      switchToHttp: () => {
        throw new Error('must not be read');
      },
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(rpcContext)).resolves.toBe(true);
  });
});
