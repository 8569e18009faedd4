/**
 * The URL a step connects to: the resource URL, or `path` (and its query) under it. Only the path and
 * query change, so a step can never take the resource's handshake headers to another host; a query
 * in `path` is appended to the resource URL's own (which may hold its token).
 */
export function webSocketTarget(resourceUrl: string, path: string | undefined): string {
  if (!path) return resourceUrl;
  const url = new URL(resourceUrl);
  const at = path.indexOf('?');
  const pathPart = at < 0 ? path : path.slice(0, at);
  const query = at < 0 ? '' : path.slice(at + 1);
  if (pathPart.replace(/^\/+/, '') !== '') url.pathname = `${url.pathname.replace(/\/+$/, '')}/${pathPart.replace(/^\/+/, '')}`;
  if (query) url.search = url.search.length > 1 ? `${url.search}&${query}` : query;
  return url.href;
}
