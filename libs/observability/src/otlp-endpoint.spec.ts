import { describe, expect, it } from 'vitest';
import { otlpEndpointProblems } from './otlp-endpoint';

describe('the OTLP endpoint variables', () => {
  it('given an endpoint that is no URL, then the problem names the variable and the value', () => {
    expect(otlpEndpointProblems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'notaurl' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318), got "notaurl"',
    ]);
  });

  it('given a URL of another scheme, in either variable, then each is a problem', () => {
    expect(otlpEndpointProblems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318), got "grpc://collector:4317"',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318), got "collector:4318"',
    ]);
  });

  it('given http(s) URLs, or nothing set, then there is no problem', () => {
    expect(otlpEndpointProblems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example.org/v1/traces' })).toEqual([]);
    expect(otlpEndpointProblems({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual([]);
    expect(otlpEndpointProblems({})).toEqual([]);
  });
});
