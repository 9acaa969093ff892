/** What asking for the stream again says, where an EventSource only ever sees "error". */
export type StreamProbe = { readonly kind: 'open' | 'expired' | 'down' } | { readonly kind: 'refused'; readonly reason: string };

/**
 * Asks for the stream with fetch, reads the status (and a refusal's reason), and lets go at once:
 * tells filters the service refuses (a 4xx naming the field) and an expired token (401) from a
 * stream that would open or a server that is down.
 */
export async function probeStream(url: string): Promise<StreamProbe> {
  const probe = new AbortController();
  try {
    const r = await fetch(url, { signal: probe.signal });
    if (r.status === 200) return { kind: 'open' };
    if (r.status === 401) return { kind: 'expired' };
    if (r.status < 400 || r.status >= 500) return { kind: 'down' };
    const body = (await r.json().catch(() => null)) as { message?: string; errors?: Array<{ field: string; reason: string }> } | null;
    const first = body?.errors?.[0];
    return { kind: 'refused', reason: first ? `${first.field}: ${first.reason}` : (body?.message ?? `the service answered ${r.status}`) };
  } catch {
    return { kind: 'down' };
  } finally {
    probe.abort();
  }
}
