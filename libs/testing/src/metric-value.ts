/**
 * The value of a counter's series in a Prometheus text exposition (`/metrics`) whose labels include
 * these topic, type and service, or undefined when no such series is exported.
 */
export function metricValue(body: string, name: string, labels: { topic: string; type: string; service: string }): number | undefined {
  for (const line of body.split('\n')) {
    const m = line.match(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`));
    if (!m) continue;
    const has = (key: string, value: string) => m[1].split(',').includes(`${key}="${value}"`);
    if (has('topic', labels.topic) && has('type', labels.type) && has('service', labels.service)) return Number(m[2]);
  }
  return undefined;
}
