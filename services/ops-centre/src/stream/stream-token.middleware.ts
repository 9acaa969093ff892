import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Injectable, Module, RequestMethod, type MiddlewareConsumer, type NestMiddleware, type NestModule } from '@nestjs/common';

/** Where the stream routes find a token that came as `?access_token=`. */
export const STREAM_TOKEN = Symbol('stream-token');

export type WithStreamToken = IncomingMessage & { [STREAM_TOKEN]?: string; originalUrl?: string };

/** The URL without its access_token parameter. */
export function withoutAccessToken(url: string): { url: string; token?: string } {
  const q = url.indexOf('?');
  if (q < 0) return { url };
  const params = new URLSearchParams(url.slice(q + 1));
  const token = params.get('access_token') ?? undefined;
  if (token === undefined) return { url };
  params.delete('access_token');
  const rest = params.toString();
  return { url: `${url.slice(0, q)}${rest ? `?${rest}` : ''}`, token };
}

/**
 * Takes `access_token` out of the URL of the stream routes before anything logs or parses it, and
 * keeps it on the request for the stream's own verification: a bearer token in a log line is a
 * credential leaked to whoever reads the logs.
 */
@Injectable()
export class StreamTokenMiddleware implements NestMiddleware {
  use(req: WithStreamToken, _res: ServerResponse, next: () => void): void {
    const { url, token } = withoutAccessToken(req.url ?? '/');
    if (token !== undefined) {
      req[STREAM_TOKEN] = token;
      req.url = url;
      if (req.originalUrl) req.originalUrl = withoutAccessToken(req.originalUrl).url;
    }
    next();
  }
}

/**
 * Carries StreamTokenMiddleware. Global and imported before ServiceKitModule on purpose: Nest mounts
 * the middleware of global modules first, in import order, so this runs before the request logger
 * (nestjs-pino, also global) binds the URL to its log line.
 */
@Global()
@Module({})
export class StreamTokenModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(StreamTokenMiddleware).forRoutes({ path: 'stream', method: RequestMethod.GET }, { path: 'replay', method: RequestMethod.GET });
  }
}
