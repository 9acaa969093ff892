/**
 * Polls a condition of what a spec captured (log lines, spans). Not @crisis-ops/testing's
 * `eventually`: that lib loads the Kafka and Postgres clients, and these specs must load modules
 * only after the telemetry SDK has started, as a service's main.ts does.
 */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
