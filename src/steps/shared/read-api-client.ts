import type http from 'node:http';
import type https from 'node:https';
import axios, { AxiosError, type AxiosResponse } from 'axios';
import type { EgressService } from '../../egress/egress.service';
import { StepError, type StepResource } from '../step-plugin';

/**
 * The HTTP side of the read-only query APIs the observability steps call (Loki, Prometheus): settings
 * read from a `loki` / `prometheus` resource (src/resources/types/{loki,prometheus}) and one GET with
 * the step's AbortSignal. Status handling stays with each step, since Loki answers errors in plain text
 * and Prometheus in JSON.
 */

export interface ReadApiSettings {
  /** Resource name, for messages (never its secrets). */
  resourceName: string;
  /** Base URL; a path prefix (a gateway's `/loki`) is kept. */
  url: string;
  /** Auth headers from the resource; secrets inside, never log them. */
  headers: Record<string, string>;
  verifyTls: boolean;
  timeoutMs: number;
}

/** Resource defaults, as the resource DTOs declare them (a stored config may predate a default). */
const DEFAULT_TIMEOUT_MS = 30_000;
/** A response above this is refused rather than buffered: 5000 Loki lines or 11,000 points × many series fit easily. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export function readApiSettings(resource: StepResource<object> | undefined, type: 'loki' | 'prometheus'): ReadApiSettings {
  if (!resource) throw new StepError(`this step needs a ${type} resource: set resourceId to the id of one`, { field: 'resourceId' });
  if (resource.type !== type) {
    throw new StepError(`resource "${resource.name}" is a ${resource.type} resource; this step needs a ${type} resource`, { field: 'resourceId' });
  }
  const config = resource.config as {
    url?: unknown;
    auth?: { type?: string; token?: string; username?: string; password?: string };
    verifyTls?: unknown;
    timeoutMs?: unknown;
  };
  if (typeof config.url !== 'string' || config.url === '') {
    throw new StepError(`resource "${resource.name}" has no url`, { field: 'resourceId' });
  }
  return {
    resourceName: resource.name,
    url: config.url,
    headers: authHeaders(config.auth),
    verifyTls: config.verifyTls !== false,
    timeoutMs: typeof config.timeoutMs === 'number' && config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_TIMEOUT_MS,
  };
}

function authHeaders(auth: { type?: string; token?: string; username?: string; password?: string } | undefined): Record<string, string> {
  if (auth?.type === 'bearer' && auth.token) return { authorization: `Bearer ${auth.token}` };
  if (auth?.type === 'basic' && auth.username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

/** `path` under the base URL's path, so `https://gw/loki` + `loki/api/v1/query_range` keeps `/loki`. */
export function urlUnder(base: string, path: string, params: Record<string, string>): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const full = new URL(path.replace(/^\/+/, ''), url);
  // URLSearchParams encodes every reserved character (axios' own serializer leaves some as is).
  full.search = new URLSearchParams(params).toString();
  return full.toString();
}

export interface ReadApiResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * GET requests over keep-alive agents shared by every execution in this worker. One instance per step
 * plugin; `destroy()` on module shutdown. The agents come from the egress gate, so every connection —
 * redirect hops' included — is checked against the egress policy.
 */
export class ReadApiClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly insecureAgent: https.Agent;

  /** `service` names the server in messages: "Loki", "Prometheus". */
  constructor(
    private readonly service: string,
    egress: EgressService,
  ) {
    this.httpAgent = egress.httpAgent({ keepAlive: true, maxSockets: 64 });
    this.httpsAgent = egress.httpsAgent({ keepAlive: true, maxSockets: 64 });
    this.insecureAgent = egress.httpsAgent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
  }

  async get(
    settings: ReadApiSettings,
    path: string,
    params: Record<string, string>,
    signal: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ): Promise<ReadApiResponse> {
    const url = urlUnder(settings.url, path, params);
    let response: AxiosResponse<Buffer>;
    try {
      response = await axios.get<Buffer>(url, {
        headers: { accept: 'application/json', ...extraHeaders, ...settings.headers },
        timeout: settings.timeoutMs,
        signal,
        responseType: 'arraybuffer',
        transformResponse: (data: Buffer) => data,
        validateStatus: () => true,
        maxRedirects: 5,
        maxContentLength: MAX_RESPONSE_BYTES,
        httpAgent: this.httpAgent,
        httpsAgent: settings.verifyTls ? this.httpsAgent : this.insecureAgent,
        decompress: true,
      });
    } catch (error) {
      throw new StepError(this.describe(error, settings, signal));
    }
    const raw = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
    return {
      status: response.status,
      contentType: String(response.headers['content-type'] ?? ''),
      body: raw.toString('utf8'),
    };
  }

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureAgent.destroy();
  }

  /** The target is named by host and path prefix only: query strings may carry user data. */
  private describe(error: unknown, settings: ReadApiSettings, signal: AbortSignal): string {
    const where = `${this.service} at ${settings.url} (resource "${settings.resourceName}")`;
    if (signal.aborted) {
      const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
      return `${this.service} request aborted: ${reason}`;
    }
    if (error instanceof AxiosError) {
      if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
        return `${where} did not answer within ${settings.timeoutMs} ms (the resource's timeoutMs)`;
      }
      if (error.message.includes('maxContentLength')) return `${where} sent more than ${MAX_RESPONSE_BYTES} bytes; narrow the query or the time range`;
      if (error.code === 'ECONNREFUSED') return `cannot reach ${where}: connection refused`;
      if (error.code === 'EEGRESS') return `cannot reach ${where}: ${error.message}`;
      if (error.code === 'ENOTFOUND') return `cannot reach ${where}: host not found`;
      const cause = (error.cause as Error | undefined)?.message;
      return `request to ${where} failed: ${[error.code, cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message].filter(Boolean).join(' ')}`;
    }
    return `request to ${where} failed: ${(error as Error).message}`;
  }
}

/** The start of an error body for a message: trimmed, one line, bounded. */
export function errorBodyExcerpt(body: string, max = 500): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
