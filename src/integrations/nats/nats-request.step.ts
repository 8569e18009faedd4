import { Injectable } from '@nestjs/common';
import { SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { NatsConnections } from './nats-connections';
import { encodeBody, NATS_MESSAGE_PROPERTIES, outgoingHeaders, replyOf } from './nats-message';
import { NATS_REQUEST_DEFAULT_TIMEOUT_MS, NatsRequestStepConfig, type NatsRequestStepResult } from './nats-request-step.config';
import { describeNatsStepError } from './nats-step-errors';

@StepPlugin({
  type: 'nats-request',
  description:
    'Sends a NATS request on a subject and waits for the first reply (timeoutMs). Fails at once when nothing is subscribed to the subject (no responders) and says so when a responder exists but does not answer in time.',
  config: NatsRequestStepConfig,
  resource: NatsResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      subject: { type: 'string' },
      reply: {
        type: 'object',
        properties: {
          value: { description: 'The reply body: parsed when a JSON object or array, else text' },
          headers: { type: 'object', additionalProperties: true },
          timestamp: { type: 'string', format: 'date-time', description: 'When the reply arrived' },
          ...NATS_MESSAGE_PROPERTIES,
        },
        required: ['value', 'headers', 'timestamp', 'subject'],
      },
      durationMs: { type: 'number', description: 'From sending the request to the reply' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['subject', 'reply', 'durationMs'],
  },
})
@Injectable()
export class NatsRequestStep implements StepRunner<NatsRequestStepConfig, NatsRequestStepResult, NatsResourceConfig> {
  constructor(private readonly connections: NatsConnections) {}

  run(ctx: StepContext<NatsRequestStepConfig, NatsResourceConfig>): Promise<NatsRequestStepResult> {
    const { config } = ctx;
    const where = `request on subject "${config.subject}" (resource "${ctx.resource.name}")`;
    // The step's deadline bounds the wait too, so the client's own timer always settles the request.
    const timeoutMs = Math.max(1, Math.min(config.timeoutMs ?? NATS_REQUEST_DEFAULT_TIMEOUT_MS, ctx.deadline - Date.now()));
    return this.connections.withClient(
      ctx,
      async ({ nc }) => {
        const { headers, sent } = outgoingHeaders(config, ctx);
        const started = performance.now();
        const reply = await untilAborted(nc.request(config.subject, encodeBody(config.message), { timeout: timeoutMs, headers }), ctx.signal);
        return { subject: config.subject, reply: replyOf(reply), durationMs: Math.round((performance.now() - started) * 100) / 100, ...(sent && { sent }) };
      },
      (error) => requestError(error, ctx, where, timeoutMs),
    );
  }
}

function requestError(error: unknown, ctx: StepContext<NatsRequestStepConfig, NatsResourceConfig>, where: string, timeoutMs: number): StepError {
  if (!ctx.signal.aborted) {
    const e = error as { name?: string; message?: string; cause?: { name?: string } } | undefined;
    if (e?.name === 'NoRespondersError' || e?.cause?.name === 'NoRespondersError' || /no responders/i.test(e?.message ?? '')) {
      return new StepError(`no responders for ${where}: nothing is subscribed to the subject (is the service running and subscribed?)`, { reason: 'no-responders' });
    }
    if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError' || /timeout/i.test(e?.message ?? '')) {
      return new StepError(`no reply to ${where} within ${timeoutMs} ms (a responder is subscribed but did not answer)`, { reason: 'timeout' });
    }
  }
  return describeNatsStepError(error, ctx, `${where} failed`);
}
