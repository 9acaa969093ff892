import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Injectable, type NestMiddleware } from '@nestjs/common';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

// Everything the console needs ships with it: no CDN, no third-party origin.
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Where the built console is: OPS_CENTRE_WEB_DIR, else `web/` beside main.js, else dist from the workspace root. */
export function webRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.OPS_CENTRE_WEB_DIR, path.join(__dirname, 'web'), path.resolve(process.cwd(), 'dist/services/ops-centre/web')];
  return candidates.find((dir): dir is string => !!dir && existsSync(path.join(dir, 'index.html')));
}

/**
 * Serves the web console's static files at `/` (index.html) and `/assets/*`. Anything that is not a
 * file of the build passes on to the API routes. Hashed assets are cached for a year, index.html
 * never (so a deploy is picked up on reload).
 */
@Injectable()
export class WebStaticMiddleware implements NestMiddleware {
  private readonly root = webRoot();

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    if (!this.root || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const urlPath = decodeURIComponent((req.url ?? '/').split('?', 1)[0]);
    const rel = urlPath === '/' ? 'index.html' : urlPath.slice(1);
    if (rel !== 'index.html' && !rel.startsWith('assets/') && !/^[\w.-]+\.(svg|ico|png)$/.test(rel)) return next();
    const file = path.resolve(this.root, rel);
    if (!file.startsWith(this.root + path.sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    const body = readFileSync(file);
    res.setHeader('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('cache-control', rel === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable');
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
