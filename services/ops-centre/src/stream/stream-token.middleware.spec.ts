import { describe, expect, it } from 'vitest';
import { STREAM_TOKEN, StreamTokenMiddleware, withoutAccessToken, type WithStreamToken } from './stream-token.middleware';

describe('access_token on the stream routes', () => {
  it('is taken out of the URL, keeping the other parameters', () => {
    expect(withoutAccessToken('/stream?region=africa&access_token=abc.def&minLevel=high')).toEqual({ url: '/stream?region=africa&minLevel=high', token: 'abc.def' });
    expect(withoutAccessToken('/stream?access_token=t')).toEqual({ url: '/stream', token: 't' });
    expect(withoutAccessToken('/stream?country=MLI')).toEqual({ url: '/stream?country=MLI' });
  });

  it('is kept on the request for the stream to verify, so the logged URL never holds it', () => {
    const req = { url: '/replay?from=2026-01-01T00:00:00Z&access_token=secret', originalUrl: '/replay?from=2026-01-01T00:00:00Z&access_token=secret' } as WithStreamToken;
    let called = false;
    new StreamTokenMiddleware().use(req, {} as never, () => (called = true));
    expect(called).toBe(true);
    expect(req[STREAM_TOKEN]).toBe('secret');
    expect(req.url).not.toContain('secret');
    expect(req.originalUrl).not.toContain('secret');
  });
});
