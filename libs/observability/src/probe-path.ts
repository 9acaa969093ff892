/** Requests that are scraped or polled every few seconds; spans and access logs for them are noise. */
export function isProbePath(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split('?', 1)[0];
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}
