/** The part of an Express request this reads: its method and path, and the app's routes. */
export interface RoutedRequest {
  readonly method?: string;
  readonly originalUrl?: string;
  readonly url?: string;
  readonly app?: { readonly router?: { readonly stack?: ReadonlyArray<{ readonly route?: { readonly path?: unknown; readonly methods?: Record<string, boolean> } }> } };
}

export interface RouteMatch {
  /** The route's path as declared, e.g. `/alerts/:id/comments` (what OTel labels http_route with). */
  readonly path: string;
  /** Whether the route takes the request's method. */
  readonly takesMethod: boolean;
  /** Each parameter's segment of the request's path, as sent (not percent-decoded). */
  readonly rawParams: Readonly<Record<string, string>>;
}

/**
 * The app's routes whose path fits the request's, segment by segment (`/alerts/:id` fits
 * `/alerts/%ZZ`), those taking its method first: for what is refused before the router has matched
 * one (a body the parser refuses, a parameter it cannot decode). The platform's routes are literal
 * segments and `:name` parameters; one declared otherwise is not matched.
 */
export function routesMatching(req: RoutedRequest): RouteMatch[] {
  const segments = (req.originalUrl ?? req.url ?? '').split('?')[0].split('/');
  const method = (req.method ?? 'GET').toLowerCase();
  const found: RouteMatch[] = [];
  for (const layer of req.app?.router?.stack ?? []) {
    const route = layer.route;
    if (!route || typeof route.path !== 'string') continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const rawParams: Record<string, string> = {};
    const fits = pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (!part.startsWith(':')) return part === segment;
      const name = /^:(\w+)$/.exec(part)?.[1];
      if (name === undefined || segment === '') return false;
      rawParams[name] = segment;
      return true;
    });
    if (fits) found.push({ path: route.path, takesMethod: Boolean(route.methods?.[method] || route.methods?.['_all']), rawParams });
  }
  return [...found.filter((m) => m.takesMethod), ...found.filter((m) => !m.takesMethod)];
}
