/**
 * Path prefixes the web UI never answers, even for a browser asking for HTML: they belong to the API,
 * its documentation, probes and the Socket.IO endpoint. `/metrics` is reserved ahead of a metrics
 * endpoint so a deep link can never hide it.
 */
export const RESERVED_PATH_PREFIXES = ['/api', '/docs', '/docs-json', '/health', '/socket.io', '/metrics'] as const;

export function isReservedPath(path: string): boolean {
  return RESERVED_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}
