import type { EgressService } from '../../egress/egress.service';
import { mergeHeaders, OUTBOUND_FAILURE, OutboundHttpError, type HttpResponse } from '../../outbound-http/http-client';
import { OutboundHttpClient } from '../../outbound-http/outbound-http.client';
import { urlUnder } from './http-probe';
import type { ReadApiResourceConfig } from './read-api-resource-config.dto';
import type { ResourceCredentialsAuth } from './resource-credentials-auth.dto';
import { StepError, type StepResource } from '../../steps/step-plugin';

/**
 * The HTTP side of the read-only query APIs the observability steps call (Loki, Prometheus): settings
 * read from a `loki` / `prometheus` resource (src/integrations/{loki,prometheus}) and one GET with
 * the step's AbortSignal, sent by the outbound HTTP client (src/outbound-http: the resource's timeoutMs
 * bounds the whole exchange, body included). Status handling stays with each step, since Loki answers
 * errors in plain text and Prometheus in JSON.
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

/** A read API resource's config: the shared settings plus the type's own base `url`. */
export type ReadApiResource = StepResource<ReadApiResourceConfig & { url: string }>;

/** Settings from the step's resource (the engine has checked it is of the step's type and validated it). */
export function readApiSettings(resource: ReadApiResource): ReadApiSettings {
  const { config } = resource;
  return {
    resourceName: resource.name,
    url: config.url,
    headers: authHeaders(config.auth),
    verifyTls: config.tlsVerify !== false,
    timeoutMs: typeof config.timeoutMs === 'number' && config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_TIMEOUT_MS,
  };
}

function authHeaders(auth: ResourceCredentialsAuth | undefined): Record<string, string> {
  if (auth?.type === 'bearer' && auth.token) return { authorization: `Bearer ${auth.token}` };
  if (auth?.type === 'basic' && auth.username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

export interface ReadApiResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * GET requests over a keep-alive pool shared by every execution in this worker. One instance per step
 * plugin; `destroy()` on module shutdown. The pool comes from the egress gate, so every connection —
 * redirect hops' included — is checked against the egress policy.
 */
export class ReadApiClient {
  private readonly http: OutboundHttpClient;

  /** `service` names the server in messages: "Loki", "Prometheus". */
  constructor(
    private readonly service: string,
    egress: EgressService,
  ) {
    this.http = new OutboundHttpClient(egress, { maxSockets: 64, insecureMaxSockets: 16 });
  }

  async get(
    settings: ReadApiSettings,
    path: string,
    params: Record<string, string>,
    signal: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ): Promise<ReadApiResponse> {
    let response: HttpResponse;
    try {
      response = await this.http.request({
        // Under the base URL's path, so `https://gw/loki` + `loki/api/v1/query_range` keeps `/loki`.
        url: urlUnder(settings.url, path),
        // Kept apart from the URL (encoded by URLSearchParams): queries may carry user data, errors never name them.
        query: params,
        method: 'GET',
        headers: mergeHeaders({ accept: 'application/json' }, extraHeaders, settings.headers),
        timeoutMs: settings.timeoutMs,
        signal,
        followRedirects: true,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        tlsVerify: settings.verifyTls,
      });
    } catch (error) {
      throw new StepError(this.describe(error, settings, signal));
    }
    return { status: response.status, contentType: response.headers['content-type'] ?? '', body: response.body.toString('utf8') };
  }

  destroy(): void {
    this.http.destroy();
  }

  /** The target is named by host and path prefix only: query strings may carry user data. */
  private describe(error: unknown, settings: ReadApiSettings, signal: AbortSignal): string {
    const where = `${this.service} at ${settings.url} (resource "${settings.resourceName}")`;
    if (signal.aborted) {
      const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
      return `${this.service} request aborted: ${reason}`;
    }
    if (!(error instanceof OutboundHttpError)) return `request to ${where} failed: ${(error as Error).message}`;
    switch (error.code) {
      case OUTBOUND_FAILURE.deadline:
        return `${where} did not answer within ${settings.timeoutMs} ms (the resource's timeoutMs)`;
      case OUTBOUND_FAILURE.tooLarge:
        return `${where} sent more than ${MAX_RESPONSE_BYTES} bytes; narrow the query or the time range`;
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'EEGRESS':
        return `cannot reach ${where}: ${error.reason}`;
      default:
        return `request to ${where} failed: ${error.reason}`;
    }
  }
}

/** The start of an error body for a message: trimmed, one line, bounded. */
export function errorBodyExcerpt(body: string, max = 500): string {
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
