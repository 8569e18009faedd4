import axios, { type AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import type { EgressService } from '../../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resource-type';

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

/**
 * One HTTP request for a connection test: no redirects followed silently beyond 5, the body never
 * read past 2 KB, aborted with the test's signal. Network and TLS errors reject with Node's message.
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
  let response: AxiosResponse<Readable>;
  try {
    response = await axios.request<Readable>({
      method: request.method,
      url: request.url,
      headers: { 'User-Agent': 'async-testing-service/connection-test', ...request.headers },
      timeout: request.timeoutMs,
      signal: request.signal,
      responseType: 'stream',
      validateStatus: () => true,
      maxRedirects: 5,
      // Every header a tester passes comes from the resource (auth, X-Api-Key, Cookie, tenant): none
      // of them goes along when a redirect leads to another host.
      sensitiveHeaders: Object.keys(request.headers),
      httpAgent: request.egress.httpAgent(),
      httpsAgent: request.egress.httpsAgent({ rejectUnauthorized: request.tlsVerify }),
    });
  } catch (error) {
    throw new Error(describeAxiosError(error));
  }
  const bodyStart = await readStart(response.data, 2048);
  return { status: response.status, statusText: response.statusText, bodyStart };
}

async function readStart(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch {
    // A body cut off after the status line does not change what the test learned.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').trim();
}

function describeAxiosError(error: unknown): string {
  if (axios.isAxiosError(error)) {
    const code = error.code ? `${error.code}: ` : '';
    const cause = (error.cause as Error | undefined)?.message;
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return `${code}no response within the timeout`;
    return `${code}${cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A readiness endpoint check shared by Loki and Prometheus: 200 or a message with status and body. */
export async function expectReady(request: Parameters<typeof probeHttp>[0]): Promise<Record<string, unknown>> {
  const response = await probeHttp(request);
  if (response.status !== 200) {
    throw new Error(`GET ${new URL(request.url).pathname} answered ${response.status} ${response.statusText}${response.bodyStart ? `: ${response.bodyStart.slice(0, 300)}` : ''}`);
  }
  return { status: response.status, body: response.bodyStart.slice(0, 200) };
}
