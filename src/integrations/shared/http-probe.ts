import type { EgressService } from '../../egress/egress.service';
import { mergeHeaders, OUTBOUND_FAILURE, OutboundHttpError, type HttpResponse } from '../../outbound-http/http-client';
import { OutboundHttpClient } from '../../outbound-http/outbound-http.client';
import type { ResourceEgressTarget } from '../../resources/resource-type';

export interface HttpAuthSettings {
  type: string;
  token?: string;
  username?: string;
  password?: string;
  headerName?: string;
  value?: string;
}

/** Headers that carry a resource's HTTP credentials. */
export function authHeaders(auth: HttpAuthSettings | undefined): Record<string, string> {
  if (!auth) return {};
  switch (auth.type) {
    case 'bearer':
      return { Authorization: `Bearer ${auth.token ?? ''}` };
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}` };
    case 'apiKey':
      return { [auth.headerName ?? 'X-API-Key']: auth.value ?? '' };
    default:
      return {};
  }
}

/** The endpoint of a URL field, for a type's `egressTargets` (unparseable URLs are the DTO's problem). */
export function urlEgressTarget(field: string, text: string): ResourceEgressTarget[] {
  try {
    const url = new URL(text);
    return [{ field, host: url.hostname, port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) }];
  } catch {
    return [];
  }
}

/** `path` resolved under the base URL's path, so `https://gw/loki` + `ready` is `https://gw/loki/ready`. */
export function urlUnder(base: string, path: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(path.replace(/^\/+/, ''), url).toString();
}

export interface ProbeResponse {
  status: number;
  statusText: string;
  /** The first bytes of the body (for error messages): the rest is never read. */
  bodyStart: string;
}

/** Bytes of a probed body kept for messages; the connection is closed after them. */
const PROBE_BODY_BYTES = 2048;

/**
 * One HTTP request for a connection test, sent by the outbound HTTP client: up to 5 redirects, the
 * test's budget as the whole-exchange deadline, the body never read past 2 KB, aborted with the test's
 * signal. Failures reject with the client's wording plus the system code (`connection refused by
 * http://db:1/ (ECONNREFUSED)`): a connection test is where someone looks for the low-level cause.
 */
export async function probeHttp(request: {
  method: 'GET' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  tlsVerify: boolean;
  timeoutMs: number;
  signal: AbortSignal;
  /** Every connection (redirect hops' included) goes through its agents. */
  egress: EgressService;
}): Promise<ProbeResponse> {
  // Its own short-lived pool: a connection test must not leave sockets open to a tenant's server.
  const client = new OutboundHttpClient(request.egress, { maxSockets: 2, insecureMaxSockets: 2 });
  const headers = mergeHeaders({ 'user-agent': 'async-testing-service/connection-test' }, request.headers);
  let response: HttpResponse;
  try {
    response = await client.request({
      url: request.url,
      method: request.method,
      headers,
      followRedirects: true,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      maxResponseBytes: PROBE_BODY_BYTES,
      overLimit: 'truncate',
      tlsVerify: request.tlsVerify,
      // Every header a tester passes comes from the resource (auth, X-Api-Key, Cookie, tenant): none
      // of them goes along when a redirect leads to another origin.
      originBoundHeaders: Object.keys(mergeHeaders(request.headers)),
    });
  } catch (error) {
    throw new Error(describeProbeError(error));
  } finally {
    client.destroy();
  }
  return { status: response.status, statusText: response.statusText, bodyStart: response.body.toString('utf8').trim() };
}

/** The client's message, with the system code when the message does not say it already (egress refusals name their cause). */
export function describeProbeError(error: unknown): string {
  if (!(error instanceof OutboundHttpError)) return error instanceof Error ? error.message : String(error);
  const plain = error.code === 'EEGRESS' || error.code === OUTBOUND_FAILURE.aborted || error.message.includes(error.code);
  return plain ? error.message : `${error.message} (${error.code})`;
}

/** A readiness endpoint check shared by Loki and Prometheus: 200 or a message with status and body. */
export async function expectReady(request: Parameters<typeof probeHttp>[0]): Promise<Record<string, unknown>> {
  const response = await probeHttp(request);
  if (response.status !== 200) {
    throw new Error(`GET ${new URL(request.url).pathname} answered ${response.status} ${response.statusText}${response.bodyStart ? `: ${response.bodyStart.slice(0, 300)}` : ''}`);
  }
  return { status: response.status, body: response.bodyStart.slice(0, 200) };
}
