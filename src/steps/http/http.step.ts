import http from 'node:http';
import https from 'node:https';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import axios, { AxiosError, type AxiosResponse } from 'axios';
import { AppConfig } from '../../config/app-config';
import { StepError, type StepContext, type StepRunner } from '../step-plugin';
import { StepPlugin } from '../step-plugin.decorator';
import { HttpStepConfig, type HttpStepResult } from './http-step.config';
import { httpResourceSettings, resolveUrl } from './http-resource-settings';

@StepPlugin({
  type: 'http',
  description: 'Sends an HTTP request; the result holds status, headers, body (parsed when JSON), duration and size.',
  config: HttpStepConfig,
  resource: 'http',
  resultSchema: {
    type: 'object',
    properties: {
      status: { type: 'integer' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'Parsed JSON when the response is JSON, else text' },
      durationMs: { type: 'integer' },
      size: { type: 'integer', description: 'Response body bytes' },
    },
  },
})
@Injectable()
export class HttpStep implements StepRunner<HttpStepConfig, HttpStepResult>, OnModuleDestroy {
  // Keep-alive agents shared by all executions of this worker: chained steps reuse connections.
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly insecureAgent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });

  constructor(private readonly appConfig: AppConfig) {}

  async run(ctx: StepContext<HttpStepConfig>): Promise<HttpStepResult> {
    const { config } = ctx;
    const resource = httpResourceSettings(ctx.resource);
    let url: string;
    try {
      url = resolveUrl(config.url, resource.baseUrl);
    } catch (error) {
      throw new StepError((error as Error).message);
    }
    const tlsVerify = config.tlsVerify ?? resource.tlsVerify ?? true;
    const isJsonBody = config.body !== undefined && typeof config.body !== 'string';
    const headers: Record<string, string> = { ...resource.headers, ...lowerCaseKeys(config.headers ?? {}) };
    if (isJsonBody && !headers['content-type']) headers['content-type'] = 'application/json';
    const requestTimeout = config.timeoutMs ?? resource.timeoutMs;
    const started = performance.now();
    let response: AxiosResponse<Buffer>;
    try {
      response = await axios.request<Buffer>({
        url,
        method: (config.method ?? 'GET').toUpperCase(),
        headers,
        params: config.query,
        data: config.body === undefined ? undefined : isJsonBody ? JSON.stringify(config.body) : config.body,
        // A whole-request deadline: axios' own `timeout` only measures socket idleness, so a body
        // trickling a byte a second would never trip it.
        signal: requestTimeout ? AbortSignal.any([ctx.signal, AbortSignal.timeout(requestTimeout)]) : ctx.signal,
        responseType: 'arraybuffer',
        transformResponse: (data: Buffer) => data,
        maxRedirects: config.followRedirects === false ? 0 : 5,
        maxContentLength: this.appConfig.HTTP_STEP_MAX_RESPONSE_BYTES,
        validateStatus: () => true,
        httpAgent: this.httpAgent,
        httpsAgent: tlsVerify ? this.httpsAgent : this.insecureAgent,
        decompress: true,
      });
    } catch (error) {
      if (requestTimeout && !ctx.signal.aborted && (error as Error)?.name === 'CanceledError') throw new StepError(`request to ${url} timed out`);
      throw new StepError(describeRequestError(error, url, this.appConfig.HTTP_STEP_MAX_RESPONSE_BYTES, ctx.signal));
    }
    const raw = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
    const responseHeaders = flattenHeaders(response.headers as Record<string, unknown>);
    return {
      status: response.status,
      headers: responseHeaders,
      body: decodeBody(raw, responseHeaders['content-type']),
      durationMs: Math.round(performance.now() - started),
      size: raw.length,
    };
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureAgent.destroy();
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function flattenHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** JSON bodies are parsed so `${step.response.body.id}` reaches into them; anything else stays text. */
function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function describeRequestError(error: unknown, url: string, maxBytes: number, signal: AbortSignal): string {
  if (signal.aborted) return `request to ${url} aborted: ${String((signal.reason as Error)?.message ?? signal.reason)}`;
  if (error instanceof AxiosError) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return `request to ${url} timed out`;
    if (error.message.includes('maxContentLength')) return `response from ${url} exceeds the ${maxBytes}-byte limit`;
    if (error.code === 'ECONNREFUSED') return `connection refused by ${url}`;
    if (error.code === 'ENOTFOUND') return `host not found: ${url}`;
    if (error.code === 'ERR_FR_TOO_MANY_REDIRECTS') return `too many redirects from ${url}`;
    return `request to ${url} failed: ${error.code ?? ''} ${error.message}`.trim();
  }
  return `request to ${url} failed: ${(error as Error).message}`;
}
