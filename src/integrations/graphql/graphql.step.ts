import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { EgressService } from '../../egress/egress.service';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { largePayloads } from '../../common/memory/large-payload-collector';
import { OutboundHttpError, mergeHeaders, type HttpResponse } from '../../outbound-http/http-client';
import { OutboundHttpClient } from '../../outbound-http/outbound-http.client';
import { HttpResourceConfig } from '../http/http-resource-config.dto';
import { httpResourceSettings } from '../http/http-resource-settings';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { GraphqlStepConfig, type GraphqlStepResult } from './graphql-step.config';
import { describeGraphqlErrors, errorsFailStep, parseGraphqlBody } from './graphql-response';

/** What a GraphQL-over-HTTP server is asked for (the spec's media type first, plain JSON for older servers). */
const GRAPHQL_ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

@StepPlugin({
  type: 'graphql',
  description:
    'Sends a GraphQL query or mutation (variables, operationName) over HTTP POST; the result has `data` at its root. `errors` in the answer fail the step unless an assertion reads them (e.g. errors.0.message).',
  config: GraphqlStepConfig,
  resource: HttpResourceConfig,
  // Without one, the step posts to the absolute URL it names.
  resourceOptional: true,
  resultSchema: {
    type: 'object',
    properties: {
      data: { description: 'The `data` of the answer (null when the server sent none)' },
      errors: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Present when the server sent errors (only reachable when an assertion reads them; otherwise they fail the step)' },
      extensions: { description: 'The answer\'s `extensions`, when present' },
      status: { type: 'integer' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      durationMs: { type: 'integer' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['data', 'status', 'headers', 'durationMs'],
  },
})
@Injectable()
export class GraphqlStep implements StepRunner<GraphqlStepConfig, GraphqlStepResult, HttpResourceConfig | undefined>, OnModuleDestroy {
  // The HTTP step's kind of client (egress-checked keep-alive agents): every connection and redirect hop is checked.
  private readonly http: OutboundHttpClient;

  constructor(
    private readonly appConfig: AppConfig,
    egress: EgressService,
  ) {
    this.http = new OutboundHttpClient(egress, { maxSockets: 64, insecureMaxSockets: 16 });
  }

  async run(ctx: StepContext<GraphqlStepConfig, HttpResourceConfig | undefined>): Promise<GraphqlStepResult> {
    const { config } = ctx;
    const resource = httpResourceSettings(ctx.resource, config.url ?? ctx.resource?.config.baseUrl ?? '');
    const { url } = resource;
    const own = mergeHeaders(config.headers);
    const sent = addCorrelationHeaders(own, config, ctx, 'lower');
    const headers = mergeHeaders({ accept: GRAPHQL_ACCEPT }, resource.headers, own, { 'content-type': 'application/json' });
    const body = JSON.stringify({ query: config.query, ...(config.variables && { variables: config.variables }), ...(config.operationName && { operationName: config.operationName }) });
    const tlsVerify = config.tlsVerify ?? resource.tlsVerify ?? true;
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await this.http.request({
        url,
        method: 'POST',
        headers,
        body,
        followRedirects: true,
        maxResponseBytes: this.appConfig.HTTP_STEP_MAX_RESPONSE_BYTES,
        timeoutMs: config.timeoutMs ?? resource.timeoutMs,
        signal: ctx.signal,
        tlsVerify,
        originBoundHeaders: resource.originBoundHeaders,
      });
    } catch (error) {
      throw new StepError(error instanceof OutboundHttpError ? error.message : `GraphQL request to ${url} failed: ${(error as Error).message}`);
    }
    largePayloads.note(response.body.length);
    const answer = parseGraphqlBody(response.status, response.headers['content-type'], response.body, url);
    if (typeof answer === 'string') throw new StepError(answer, { reason: 'not-graphql', status: response.status });
    const result: GraphqlStepResult = {
      ...answer,
      status: response.status,
      headers: response.headers,
      durationMs: Math.round(performance.now() - started),
      ...(sent && { sent }),
    };
    // The result travels with the error, so the stored response shows what the server answered.
    if (errorsFailStep(answer.errors, ctx.assertedPaths)) throw new StepError(describeGraphqlErrors(answer.errors), { reason: 'graphql-errors', result });
    return result;
  }

  onModuleDestroy(): void {
    this.http.destroy();
  }
}
