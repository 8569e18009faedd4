import { isAscii } from 'node:buffer';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { largePayloads } from '../../common/memory/large-payload-collector';
import { AppConfig } from '../../config/app-config';
import { EgressService } from '../../egress/egress.service';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { OutboundHttpError, mergeHeaders, serializeBody, type HttpResponse } from '../../outbound-http/http-client';
import { OutboundHttpClient } from '../../outbound-http/outbound-http.client';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { HttpStepConfig, type HttpStepResult } from './http-step.config';
import { httpResourceSettings } from './http-resource-settings';
import { HttpResourceConfig } from './http-resource-config.dto';

@StepPlugin({
  type: 'http',
  description: 'Sends an HTTP request; the result holds status, headers, body (parsed when JSON), duration and size.',
  config: HttpStepConfig,
  resource: HttpResourceConfig,
  // Without one, the step calls the absolute URL it names.
  resourceOptional: true,
  resultSchema: {
    type: 'object',
    properties: {
      status: { type: 'integer' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'Parsed JSON when the response is JSON, else text' },
      durationMs: { type: 'integer' },
      size: { type: 'integer', description: 'Response body bytes' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['status', 'headers', 'body', 'durationMs', 'size'],
  },
})
@Injectable()
export class HttpStep implements StepRunner<HttpStepConfig, HttpStepResult, HttpResourceConfig | undefined>, OnModuleDestroy {
  // Keep-alive pool shared by all executions of this worker: chained steps reuse connections.
  private readonly http: OutboundHttpClient;

  constructor(
    private readonly appConfig: AppConfig,
    egress: EgressService,
  ) {
    this.http = new OutboundHttpClient(egress, { maxSockets: 256, insecureMaxSockets: 64 });
  }

  async run(ctx: StepContext<HttpStepConfig, HttpResourceConfig | undefined>): Promise<HttpStepResult> {
    const { config } = ctx;
    const resource = httpResourceSettings(ctx.resource, config.url);
    const { url } = resource;
    const tlsVerify = config.tlsVerify ?? resource.tlsVerify ?? true;
    const method = (config.method ?? 'GET').toUpperCase();
    // The step's own headers, plus the run's correlation header and traceparent where it sets neither;
    // they win over the resource's defaults (a static default cannot name this run).
    const own = mergeHeaders(config.headers);
    const sent = addCorrelationHeaders(own, config, ctx, 'lower');
    // Resource defaults, then the step's own; names lower-cased so each header is set once.
    const headers = mergeHeaders(resource.headers, own);
    const { body, contentType } = serializeBody(config.body, method);
    if (contentType && headers['content-type'] === undefined) headers['content-type'] = contentType;
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await this.http.request({
        url,
        method,
        headers,
        query: config.query,
        body,
        followRedirects: config.followRedirects !== false,
        maxResponseBytes: this.appConfig.HTTP_STEP_MAX_RESPONSE_BYTES,
        timeoutMs: config.timeoutMs ?? resource.timeoutMs,
        signal: ctx.signal,
        tlsVerify,
        originBoundHeaders: resource.originBoundHeaders,
      });
    } catch (error) {
      throw new StepError(error instanceof OutboundHttpError ? error.message : `request to ${url} failed: ${(error as Error).message}`);
    }
    largePayloads.note(response.body.length);
    return {
      status: response.status,
      headers: response.headers,
      body: decodeBody(response.body, response.headers['content-type']),
      durationMs: Math.round(performance.now() - started),
      size: response.body.length,
      ...(sent && { sent }),
    };
  }

  onModuleDestroy(): void {
    this.http.destroy();
  }
}

/** JSON bodies are parsed so `${step.response.body.id}` reaches into them; anything else stays text. */
function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  // ASCII decodes the same as latin1, and Node makes a large latin1 string an external string: its
  // bytes live outside the V8 heap and count as external memory, which makes V8 collect them soon. A
  // 10 MB UTF-8-decoded string instead sits in the old generation until the next full GC, and twenty
  // of them pile up first (issue #15: worker RSS while steps receive big bodies).
  const text = isAscii(raw) ? raw.toString('latin1') : raw.toString('utf8');
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
