/** The request as pino-http's standard serializer hands it on (before this one picks from it). */
export interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  remoteAddress?: string;
  headers?: Record<string, unknown>;
}

/**
 * What a request's log lines say about it: enough to find the request (id, method, URL) and its caller
 * (address, user agent). Headers are left out: pino-http serializes — and redacts — the request into a
 * child logger on every request whatever the level, the headers were most of that work, and they are
 * where credentials and cookies live.
 */
export function requestLogFields(req: SerializedRequest): Record<string, unknown> {
  return { id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress, userAgent: req.headers?.['user-agent'] };
}
