import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_DEV_SECRET } from '@crisis-ops/auth';
import { configOrExit } from './bootstrap';

describe('configOrExit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('given a bad OTEL_EXPORTER_OTLP_ENDPOINT among other bad variables, then it exits 78 with every one named in one message', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const env = { AUTH_DEV_SECRET: LOCAL_DEV_SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: 'notaurl', LOG_LEVEL: 'verbose', PORT: 'abc' };
    expect(() => configOrExit('mediation', env)).toThrow('exit 78');
    expect(exit).toHaveBeenCalledOnce();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('  - PORT: must be a number, got "abc"');
    expect(written[0]).toContain('mediation: LOG_LEVEL must be one of');
    expect(written[0]).toContain('mediation: OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318), got "notaurl"');
  });

  it('given an http URL as OTEL_EXPORTER_OTLP_ENDPOINT, then the configuration is loaded', () => {
    const env = { AUTH_DEV_SECRET: LOCAL_DEV_SECRET, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' };
    expect(configOrExit('mediation', env).service).toBe('mediation');
  });
});
