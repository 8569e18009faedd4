import { Injectable } from '@nestjs/common';
import { SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/shared/until-aborted';
import type { StepContext, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { NatsConnections } from './nats-connections';
import { encodeBody, outgoingHeaders } from './nats-message';
import { NatsPublishStepConfig, type NatsPublishStepResult } from './nats-publish-step.config';
import { describeNatsStepError } from './nats-step-errors';

@StepPlugin({
  type: 'nats-publish',
  description:
    'Publishes one message on a NATS subject (core NATS, with headers and the run\'s correlation headers). The step ends once the server has it (a flush round trip); core NATS keeps no copy: only subscribers present at that moment receive it.',
  config: NatsPublishStepConfig,
  resource: NatsResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      subject: { type: 'string' },
      size: { type: 'integer', description: 'Body size in bytes' },
      publishedAt: { type: 'string', format: 'date-time' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['subject', 'size', 'publishedAt'],
  },
})
@Injectable()
export class NatsPublishStep implements StepRunner<NatsPublishStepConfig, NatsPublishStepResult, NatsResourceConfig> {
  constructor(private readonly connections: NatsConnections) {}

  run(ctx: StepContext<NatsPublishStepConfig, NatsResourceConfig>): Promise<NatsPublishStepResult> {
    const { config } = ctx;
    return this.connections.withClient(
      ctx,
      async ({ nc }) => {
        const { headers, sent } = outgoingHeaders(config, ctx);
        const body = encodeBody(config.message);
        nc.publish(config.subject, body, { headers });
        // publish only buffers: the PING/PONG after it says the server has read the message.
        await untilAborted(nc.flush(), ctx.signal);
        return { subject: config.subject, size: Buffer.byteLength(body), publishedAt: new Date().toISOString(), ...(sent && { sent }) };
      },
      (error) => describeNatsStepError(error, ctx, `publish to subject "${config.subject}" failed on resource "${ctx.resource.name}"`),
    );
  }
}
