/** The variables the OTLP trace exporter reads its endpoint from (startTelemetry exports if either is set). */
const OTLP_ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/**
 * Why the OTLP endpoints set cannot be used, one problem per variable, naming it. The exporter takes
 * any string and then fails each export in silence: `notaurl` booted a service that sent no trace.
 */
export function otlpEndpointProblems(env: NodeJS.ProcessEnv): string[] {
  return OTLP_ENDPOINT_VARIABLES.flatMap((variable) => {
    const value = env[variable];
    // Unset or empty: no export, as startTelemetry reads it.
    if (!value) return [];
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return [];
    return [`${variable} must be an http(s) URL (OTLP over HTTP, e.g. http://collector:4318), got "${value}"`];
  });
}
